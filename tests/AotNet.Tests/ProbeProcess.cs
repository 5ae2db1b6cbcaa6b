using System.Diagnostics;

namespace AotNet.Tests;

/// <summary>
/// Runs one of the probe programs (tests/AotNet.WidthProbe, AotNet.ModelProbe: copied next to the
/// tests by their project references) in a child process whose JIT is held to one vector width — a process cannot
/// change its own — and returns its output lines. The width variables of this process are not inherited.
/// </summary>
internal static class ProbeProcess
{
    private static readonly string[] WidthVariables =
        ["DOTNET_PreferredVectorBitWidth", "DOTNET_EnableAVX", "DOTNET_EnableAVX2", "DOTNET_EnableAVX512", "DOTNET_EnableHWIntrinsic"];

    /// <summary>The probe's stdout lines; <paramref name="variable"/>=<paramref name="value"/> set for it when not null.</summary>
    public static string[] Run(string probe, string? variable, string? value, TimeSpan timeout, params (string Name, string Value)[] environment) =>
        Run(probe, [], variable, value, timeout, environment);

    /// <summary>The same with <paramref name="arguments"/> for the probe (e.g. the width probe's part).</summary>
    public static string[] Run(string probe, string[] arguments, string? variable, string? value, TimeSpan timeout, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, probe + ".dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (string inherited in WidthVariables)
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (name, setting) in environment)
        {
            info.Environment[name] = setting;
        }

        if (variable is not null)
        {
            info.Environment[variable] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{probe} with {variable}={value} did not finish within {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{probe} with {variable}={value} exited with {process.ExitCode}:\n{error.Result}\n{output.Result}");
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
