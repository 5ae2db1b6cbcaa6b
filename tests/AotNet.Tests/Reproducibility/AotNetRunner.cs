using System.Diagnostics;
using System.Globalization;
using AotNet.Tests.Reliability;

namespace AotNet.Tests.Reproducibility;

/// <summary>
/// One way of running aotnet as a child process: the App dll under the JIT at a given vector width, the published
/// native binary, or the ARM64 binary under qemu-user. Each run trains with the given short settings and saves its
/// weights and results.json into its own folder (<see cref="RunFiles.In"/>), for <see cref="BitDiff"/>.
/// </summary>
internal sealed record AotNetRunner(string Label, string FileName, IReadOnlyList<string> Prefix, IReadOnlyDictionary<string, string> Environment)
{
    private static readonly Dictionary<string, string> None = [];

    /// <summary><c>dotnet aotnet.dll</c> from the test output folder with <c>DOTNET_PreferredVectorBitWidth=bits</c>.</summary>
    public static AotNetRunner Jit(int bits) => new(
        $"jit-{bits}",
        "dotnet",
        [Path.Combine(AppContext.BaseDirectory, "aotnet.dll")],
        new Dictionary<string, string> { ["DOTNET_PreferredVectorBitWidth"] = bits.ToString(CultureInfo.InvariantCulture) });

    public static AotNetRunner Native(string binary) => new("x64-native", binary, [], None);

    public static AotNetRunner Qemu(string qemu, string sysroot, string binary) => new("arm64-qemu", qemu, ["-L", sysroot, binary], None);

    /// <summary>
    /// Runs <c>aotnet experiment options… --data-dir --out DIR --save-weights DIR/weights.safetensors --quiet</c>; a
    /// non-zero exit or a run longer than <paramref name="timeout"/> fails the test. The datasets' hash checks run too:
    /// they are managed code, so the arm64 binary checks them under qemu without an arm64 libssl.
    /// </summary>
    public (RunFiles Files, TimeSpan Elapsed) Run(string experiment, IEnumerable<string> options, string dir, TimeSpan timeout)
    {
        Directory.CreateDirectory(dir);
        var info = new ProcessStartInfo(FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        string[] args =
        [
            .. Prefix, experiment, .. options, "--data-dir", TestData.Require(), "--out", dir,
            "--save-weights", RunFiles.In(dir).Weights, "--quiet",
        ];
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        // the vector width is this runner's choice alone: drop any inherited JIT instruction-set settings
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_PreferredVectorBitWidth", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["AOTNET_DATASETS_ORIGIN"] = AppProcess.RefusedOrigin();
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        string command = string.Join(' ', Environment.Select(e => $"{e.Key}={e.Value}").Append(FileName).Concat(args));
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Label}: did not finish within {timeout.TotalSeconds:F0} s: {command}");
        }

        process.WaitForExit();
        clock.Stop();
        Assert.True(process.ExitCode == 0, $"{Label}: exit code {process.ExitCode}: {command}\nstderr: {error.Result}\nstdout: {output.Result}");
        var files = RunFiles.In(dir);
        Assert.True(File.Exists(files.Weights) && File.Exists(files.Results), $"{Label}: {command} wrote no {files.Weights} or {files.Results}");
        return (files, clock.Elapsed);
    }
}
