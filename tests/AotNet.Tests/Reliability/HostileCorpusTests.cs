using AotNet.App.Commands;
using AotNet.Data.Keras;

namespace AotNet.Tests.Reliability;

/// <summary>
/// The hostile corpus (<see cref="HostileInputs.Corpus"/>) through the two commands that read datasets: every case in
/// process through <c>aotnet data</c>, a representative subset end to end through the real executable.
/// </summary>
public class HostileCorpusTests
{
    public static TheoryData<string> AllCases() => [.. HostileInputs.Corpus.Select(c => c.Name)];

    public static TheoryData<string> EndToEndCases() =>
    [
        "npz missing, download refused",
        "npz empty",
        "npz truncated",
        "npz member missing",
        "npy shape needs more data",
        "npy fortran order",
        "NaN in features",
        "pickle calls posix.system",
        "pickle shared list amplification",
        "sha256 mismatch without --no-verify",
    ];

    private static HostileCase Case(string name) => HostileInputs.Corpus.Single(c => c.Name == name);

    /// <summary>Every refusal also says what to do about it.</summary>
    private static void AssertAdvice(string stderr) =>
        Assert.True(
            new[] { "delete it to download it again", "--no-verify", "check the network" }.Any(a => stderr.Contains(a, StringComparison.Ordinal)),
            "no advice on what to do:\n" + stderr);

    [Fact]
    public void Corpus_has_at_least_thirty_distinct_cases()
    {
        Assert.True(HostileInputs.Corpus.Count >= 30, $"{HostileInputs.Corpus.Count} cases");
        Assert.Equal(HostileInputs.Corpus.Count, HostileInputs.Corpus.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Data_command_refuses_with_one_clear_line_and_leaves_nothing(string name)
    {
        HostileCase c = Case(name);
        string dir = c.WriteTo();
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var cache = new DatasetCache(dir, AppProcess.RefusedOrigin(), c.Verify);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int code = DataCommand.Run(new DataRequest(c.Dataset, DataDirectory: dir, Verify: c.Verify), output, error, cache);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(1, code);
            Assert.Equal(string.Empty, output.ToString());
            AppProcess.AssertCleanFailure(code, error.ToString(), c.Expected);
            AssertAdvice(error.ToString());
            Assert.True(allocated < 256L << 20, $"{allocated} bytes allocated to refuse a {c.Files.Values.Sum(f => f?.Length ?? 0)}-byte input");
            Assert.Equal(
                c.Files.Where(f => f.Value is not null).Select(f => f.Key).Order(StringComparer.Ordinal),
                Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(EndToEndCases))]
    public void Experiment_command_refuses_with_one_clear_line_and_writes_no_output(string name)
    {
        HostileCase c = Case(name);
        string dir = c.WriteTo();
        string output = Path.Combine(dir, "out");
        try
        {
            string[] args =
            [
                c.Dataset, "--data-dir", dir, "--out", output, "--epochs", "1", "--threads", "1", "-q",
                .. c.Dataset == "boston" ? ["--folds", "2"] : Array.Empty<string>(), // --folds is boston's only (refused elsewhere)
                .. c.Verify ? Array.Empty<string>() : ["--no-verify"],
            ];
            var result = AppProcess.Run(args);
            AppProcess.AssertCleanFailure(result.Code, result.Err, c.Expected);
            AssertAdvice(result.Err);
            Assert.Equal(1, result.Code);
            Assert.Empty(Directory.Exists(output) ? Directory.EnumerateFileSystemEntries(output) : []);
            Assert.Equal(
                c.Files.Where(f => f.Value is not null).Select(f => f.Key).Append("out").Order(StringComparer.Ordinal),
                Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Append("out").Distinct().Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("subprocess", "call")]
    public void A_pickle_calling_a_command_executes_nothing(string module, string name)
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-pwn").FullName;
        string marker = Path.Combine(dir, "pwned");
        string command = name is "eval" or "exec" ? $"__import__('os').system('touch {marker}')" : $"touch {marker}";
        try
        {
            File.WriteAllBytes(Path.Combine(dir, HostileInputs.Imdb), HostileInputs.ImdbNpz(HostileInputs.ObjectArrayNpy(4, HostileInputs.CallingPickle(module, name, command))));
            File.WriteAllBytes(Path.Combine(dir, HostileInputs.ImdbWords), HostileInputs.Words);

            var result = AppProcess.Run(["imdb", "--data-dir", dir, "--no-verify", "--out", Path.Combine(dir, "out"), "--epochs", "1", "-q"]);
            AppProcess.AssertCleanFailure(result.Code, result.Err, $"GLOBAL '{module} {name}' is not allowed");
            Assert.False(File.Exists(marker), "the pickle's command ran");
            Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "pwned")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
