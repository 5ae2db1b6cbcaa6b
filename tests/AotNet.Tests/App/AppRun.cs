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

    /// <summary>Runs the published native binary named by $AOTNET_BINARY.</summary>
    public static (int ExitCode, string Output, string Error) Binary(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("AOTNET_BINARY")!)
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

/// <summary>A fact about the published native binary: skipped unless $AOTNET_BINARY names it (.ci/run sets it).</summary>
public sealed class NativeBinaryFactAttribute : FactAttribute
{
    public NativeBinaryFactAttribute()
    {
        string? binary = Environment.GetEnvironmentVariable("AOTNET_BINARY");
        if (string.IsNullOrEmpty(binary) || !File.Exists(binary))
        {
            Skip = "the published binary is not available: set AOTNET_BINARY (bash .ci/run publishes it and sets it)";
        }
        else if (TestData.KerasDir is null)
        {
            Skip = TestData.AbsentReason;
        }
    }
}
