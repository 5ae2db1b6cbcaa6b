namespace AotNet.Tests;

/// <summary>Where the real Keras dataset files are: $AOTNET_TEST_DATA, else ../shared/data/keras beside the repository.</summary>
public static class TestData
{
    public static string? KerasDir { get; } = Find();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string AbsentReason =>
        "real Keras data absent: set AOTNET_TEST_DATA or put the files in ../shared/data/keras (see README)";

    public static string Require() => KerasDir ?? throw new InvalidOperationException(AbsentReason);

    private static string? Find()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("AOTNET_TEST_DATA");
        foreach (string? dir in new[] { fromEnv, Path.Combine(FindRepoRoot(), "..", "shared", "data", "keras") })
        {
            if (!string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "imdb.npz")))
            {
                return Path.GetFullPath(dir);
            }
        }

        return null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotNet.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

/// <summary>A fact that needs the real Keras files: reported as skipped (never passed) when they are absent.</summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (TestData.KerasDir is null)
        {
            Skip = TestData.AbsentReason;
        }
    }
}

/// <summary>A theory that needs the real Keras files: skipped when they are absent.</summary>
public sealed class RealDataTheoryAttribute : TheoryAttribute
{
    public RealDataTheoryAttribute()
    {
        if (TestData.KerasDir is null)
        {
            Skip = TestData.AbsentReason;
        }
    }
}
