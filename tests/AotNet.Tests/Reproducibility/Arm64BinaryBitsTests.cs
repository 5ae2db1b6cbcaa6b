using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace AotNet.Tests.Reproducibility;

/// <summary>
/// Issue 12: the ARM64 binary (NEON, 128-bit vectors), run under qemu-user on this x64 machine, gives the same bits
/// as the x64 binary (x86-64-v3, 256-bit vectors) on a short Boston and a short IMDB run: every weight of the saved
/// safetensors and every value of results.json. The IMDB run adds the Embedding variant (Embedding + masked
/// GlobalAveragePooling1D: its scatter-add and pooling kernels), compared through its history and test values in
/// results.json (a variant's weights are not saved: --save-weights names the original model's). bash .ci/run publishes both binaries, installs qemu and the arm64
/// sysroot (docs/arm64.md), and sets AOTNET_BINARY and AOTNET_ARM64_BINARY; without them the test is skipped.
/// </summary>
[Trait("Category", "Slow")]
public sealed class Arm64BinaryBitsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Arm64BinaryTheory]
    [InlineData("boston", "--epochs 3 --folds 2")]
    [InlineData("imdb", "--epochs 2 --variant embedding")]
    public void Arm64BinaryUnderQemuGivesTheSameBitsAsTheX64Binary(string experiment, string options)
    {
        string root = Path.Combine(Path.GetTempPath(), "aotnet-tests", "arm64-" + Guid.NewGuid().ToString("N"));
        try
        {
            var runs = new List<(string Label, RunFiles Files)>();
            foreach (var runner in new[] { AotNetRunner.Native(Arm64Tools.X64Binary!), AotNetRunner.Qemu(Arm64Tools.Qemu!, Arm64Tools.Sysroot!, Arm64Tools.Arm64Binary!) })
            {
                var (files, elapsed) = runner.Run(experiment, options.Split(' '), Path.Combine(root, runner.Label), Timeout);
                output.WriteLine($"{runner.Label}: {experiment} {options} in {elapsed.TotalSeconds:F1} s");
                runs.Add((runner.Label, files));
            }

            string? difference = BitDiff.Compare(runs[0].Label, runs[0].Files, runs[1].Label, runs[1].Files);
            Assert.True(difference is null, $"{experiment} {options}: the ARM64 binary's bits differ from the x64 binary's:\n{difference}");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}

/// <summary>What running the ARM64 binary on this machine needs: both binaries, qemu-user and the arm64 sysroot.</summary>
internal static class Arm64Tools
{
    /// <summary>$AOTNET_BINARY, else the README's publish folder artifacts/aotnet/aotnet of this checkout.</summary>
    public static string? X64Binary { get; } = ExistingFile(Environment.GetEnvironmentVariable("AOTNET_BINARY")) ?? InCheckout("artifacts", "aotnet", "aotnet");

    /// <summary>$AOTNET_ARM64_BINARY, else the README's artifacts/aotnet-arm64/aotnet of this checkout.</summary>
    public static string? Arm64Binary { get; } = ExistingFile(Environment.GetEnvironmentVariable("AOTNET_ARM64_BINARY")) ?? InCheckout("artifacts", "aotnet-arm64", "aotnet");

    /// <summary>A file of the checkout the tests run from (the folder above them that holds AotNet.sln), when it exists.</summary>
    internal static string? InCheckout(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotNet.sln")))
            {
                return ExistingFile(Path.Combine([dir.FullName, .. parts]));
            }
        }

        return null;
    }

    /// <summary>qemu-aarch64-static (Debian's qemu-user-static) or qemu-aarch64 on the PATH.</summary>
    public static string? Qemu { get; } = new[] { "qemu-aarch64-static", "qemu-aarch64" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>The arm64 glibc that qemu's -L points at: $AOTNET_ARM64_SYSROOT, else libc6-arm64-cross's /usr/aarch64-linux-gnu.</summary>
    public static string? Sysroot { get; } = new[] { Environment.GetEnvironmentVariable("AOTNET_ARM64_SYSROOT"), "/usr/aarch64-linux-gnu" }
        .FirstOrDefault(dir => !string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "lib", "ld-linux-aarch64.so.1")));

    public static string? SkipReason =>
        RuntimeInformation.OSArchitecture != Architecture.X64 ? "the ARM64-under-qemu test runs on x64 Linux machines only"
        : X64Binary is null ? "the x64 binary is not available: set AOTNET_BINARY (bash .ci/run publishes it and sets it)"
        : Arm64Binary is null ? "the ARM64 binary is not available: set AOTNET_ARM64_BINARY (bash .ci/run publishes it with -r linux-arm64 and sets it; docs/arm64.md)"
        : Qemu is null ? "qemu-aarch64-static is not on the PATH (apt-get install qemu-user-static; bash .ci/run installs it)"
        : Sysroot is null ? "no arm64 sysroot: apt-get install libc6-dev-arm64-cross (gives /usr/aarch64-linux-gnu), or set AOTNET_ARM64_SYSROOT"
        : TestData.KerasDir is null ? TestData.AbsentReason
        : null;

    private static string? ExistingFile(string? path) => !string.IsNullOrEmpty(path) && File.Exists(path) ? Path.GetFullPath(path) : null;
}

/// <summary>A theory that runs the ARM64 binary under qemu: skipped, with the reason, when anything it needs is missing.</summary>
public sealed class Arm64BinaryTheoryAttribute : TheoryAttribute
{
    public Arm64BinaryTheoryAttribute()
    {
        if (Arm64Tools.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
