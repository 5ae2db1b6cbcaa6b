using Xunit.Abstractions;

namespace AotNet.Tests.Kernels;

/// <summary>
/// The JIT's vector width cannot change inside a process, so this runs <c>AotNet.WidthProbe</c> (every activation, loss,
/// metric, reduction and optimizer kernel on fixed inputs, one hash per kernel) in child processes with 128-, 256- and
/// 512-bit vectors preferred and with hardware intrinsics off (the scalar bodies), and requires the same hashes.
/// </summary>
public sealed class MathAndOptimizerWidthTests(ITestOutputHelper output)
{
    private static readonly (string Name, string Variable, string Value)[] Configurations =
    [
        ("128-bit", "DOTNET_PreferredVectorBitWidth", "128"),
        ("256-bit", "DOTNET_PreferredVectorBitWidth", "256"),
        ("512-bit", "DOTNET_PreferredVectorBitWidth", "512"),
        ("scalar", "DOTNET_EnableHWIntrinsic", "0"),
    ];

    [Fact]
    public void EveryKernelGivesTheSameBitsAtEveryVectorWidthAndWithoutSimd()
    {
        var runs = Configurations.Select(c => (c.Name, Lines: Run(c.Variable, c.Value))).ToArray();
        foreach (var (name, lines) in runs)
        {
            output.WriteLine($"{name}: {lines[0]}");
        }

        var (referenceName, reference) = runs[0];
        Assert.True(reference.Length > 10, string.Join('\n', reference));
        foreach (var (name, lines) in runs.Skip(1))
        {
            var differing = reference.Skip(1).Zip(lines.Skip(1)).Where(p => p.First != p.Second).Select(p => $"{p.First.Split(' ')[0]}: {referenceName} {p.First.Split(' ')[^1]}, {name} {p.Second.Split(' ')[^1]}").ToArray();
            Assert.True(lines.Length == reference.Length && differing.Length == 0, $"kernel outputs differ between {referenceName} and {name} vectors:\n{string.Join('\n', differing)}");
        }
    }

    private static string[] Run(string variable, string value) =>
        ProbeProcess.Run("AotNet.WidthProbe", variable, value, TimeSpan.FromMinutes(3), ("DOTNET_TieredPGO", "0"));
}
