using System.Diagnostics;
using System.Text.Json;

namespace AotNet.Tests.App;

/// <summary>Runs the aotnet command line in-process (errors captured) and reads what it wrote.</summary>
internal static class AppRun
{
    internal static readonly object ConsoleGate = new();

    /// <summary>Runs <c>aotnet args…</c> in-process; returns the exit code and what went to stderr.</summary>
    public static (int ExitCode, string Error) Cli(params string[] args)
    {
        lock (ConsoleGate)
        {
            var error = new StringWriter();
            var savedError = Console.Error;
            Console.SetError(error);
            try
            {
                return (AotNet.App.Program.Main(args), error.ToString());
            }
            finally
            {
                Console.SetError(savedError);
            }
        }
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "aotnet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static JsonElement Results(string outDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement;

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>The README's publish path, relative to the repository root.</summary>
    public const string PublishPath = "artifacts/aotnet/aotnet";

    /// <summary>
    /// The published native binary: $AOTNET_BINARY, else the README's publish path when the binary there was built
    /// from the same commit as these tests (a stale one would test old code); null with the reason otherwise.
    /// </summary>
    public static (string? Path, string? Reason) NativeBinary { get; } = FindBinary();

    private static (string?, string?) FindBinary()
    {
        string? named = Environment.GetEnvironmentVariable("AOTNET_BINARY");
        if (!string.IsNullOrEmpty(named))
        {
            return File.Exists(named) ? (named, null) : (null, $"AOTNET_BINARY={named} does not exist: publish it (dotnet publish src/App -c Release -o artifacts/aotnet) or unset the variable");
        }

        string path = System.IO.Path.Combine(TestData.RepoRoot, PublishPath);
        if (!File.Exists(path))
        {
            return (null, $"the published binary is not at {PublishPath}: run dotnet publish src/App -c Release -o artifacts/aotnet (as the README says), or set AOTNET_BINARY");
        }

        string? version = Version(path);
        return version == AotNet.App.BuildInfo.InformationalVersion
            ? (path, null)
            : (null, $"{PublishPath} is from another build (it says {version ?? "nothing"}, the tests are {AotNet.App.BuildInfo.InformationalVersion}): publish it again, or set AOTNET_BINARY");
    }

    private static string? Version(string binary)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(30_000) && process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Runs the published native binary (<see cref="NativeBinary"/>).</summary>
    public static (int ExitCode, string Output, string Error) Binary(params string[] args)
    {
        var start = new ProcessStartInfo(NativeBinary.Path ?? throw new InvalidOperationException(NativeBinary.Reason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException("aotnet did not finish in 2 minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>
/// A fact about the published native binary ($AOTNET_BINARY, else the README's artifacts/aotnet/aotnet): skipped, with
/// the reason, when there is none built from this commit or the Keras files are absent.
/// </summary>
public sealed class NativeBinaryFactAttribute : FactAttribute
{
    public NativeBinaryFactAttribute()
    {
        if (AppRun.NativeBinary.Reason is { } reason)
        {
            Skip = reason;
        }
        else if (TestData.KerasDir is null)
        {
            Skip = TestData.AbsentReason;
        }
    }
}
