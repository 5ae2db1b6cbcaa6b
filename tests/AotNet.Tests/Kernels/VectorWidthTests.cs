
namespace AotNet.Tests.Kernels;

/// <summary>
/// Every dense kernel gives the same bits at every vector width: the width probe (tests/AotNet.WidthProbe, its "dense" part) hashes the
/// outputs of <see cref="AotNet.Kernels.DenseKernels"/>, <see cref="AotNet.Kernels.MatrixKernels"/> and
/// <see cref="AotNet.Kernels.Reductions"/> on fixed inputs, and runs here in child processes whose JIT is limited to
/// 128-, 256- or 512-bit vectors, to SSE-class x64 without AVX, or to no SIMD at all. A process cannot change its own
/// JIT's width, hence the children.
/// </summary>
public class VectorWidthTests
{
    [Fact]
    public async Task EveryKernelGivesTheSameBitsAtEveryVectorWidth()
    {
        (string Name, string? Variable, string? Value, string? Expect)[] settings =
        [
            ("default", null, null, null),
            ("128-bit", "DOTNET_PreferredVectorBitWidth", "128", "128"),
            ("256-bit", "DOTNET_PreferredVectorBitWidth", "256", null),
            ("512-bit", "DOTNET_PreferredVectorBitWidth", "512", null),
            ("no AVX", "DOTNET_EnableAVX", "0", null),
            ("scalar", "DOTNET_EnableHWIntrinsic", "0", "scalar"),
        ];
        var runs = await Task.WhenAll(settings.Select(s => Task.Run(() => Probe(s.Variable, s.Value))));
        var reference = Lines(runs[0]);
        Assert.NotEmpty(reference.Hashes);
        for (int i = 0; i < settings.Length; i++)
        {
            var (vectors, hashes) = Lines(runs[i]);
            if (settings[i].Expect is { } expected)
            {
                Assert.True(expected == vectors, $"{settings[i].Name}: the probe ran with {vectors} vectors, expected {expected}");
            }

            var differing = reference.Hashes.Where(h => !hashes.Contains(h)).Select(h => h.Split(' ')[0]).ToArray();
            Assert.True(differing.Length == 0 && hashes.Count == reference.Hashes.Count,
                $"{settings[i].Name} ({vectors} vectors) differs from the default ({reference.Vectors} vectors) in: {string.Join(", ", differing)}");
        }
    }

    private static (string Vectors, List<string> Hashes) Lines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("vectors ", lines[0]);
        return (lines[0]["vectors ".Length..], lines.Skip(1).ToList());
    }

    private static string Probe(string? variable, string? value) =>
        string.Join('\n', ProbeProcess.Run("AotNet.WidthProbe", ["dense"], variable, value, TimeSpan.FromSeconds(120), ("DOTNET_TieredCompilation", "0"))); // the optimised code, not tier 0
}
