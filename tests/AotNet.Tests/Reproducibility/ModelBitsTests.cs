using System.Runtime.CompilerServices;

namespace AotNet.Tests.Reproducibility;

/// <summary>
/// User topologies train to the same bits at every vector width: tests/AotNet.ModelProbe fits tanh/sigmoid/softmax
/// models with SGD-momentum, Adam and RMSprop on dense and multi-hot inputs at batch 1, 32 and 512 (two threads), and
/// models with BatchNormalization, LayerNormalization and Embedding(MaskZero) + GlobalAveragePooling1D on 1, 2 and 3
/// threads each (one golden line per thread count, the same hash), and hashes every weight, state and history value; here it runs in child processes whose JIT is limited to 128-, 256- or 512-bit
/// vectors or to no SIMD, and every run must print the hashes committed in ModelBits.golden.txt.
/// Regenerate the golden file (after a deliberate change of the floats) with
/// <c>AOTNET_UPDATE_GOLDEN=1 dotnet test tests/AotNet.Tests -c Release --filter FullyQualifiedName~ModelBitsTests</c>.
/// </summary>
public class ModelBitsTests
{
    [Fact]
    public async Task UserTopologiesTrainToTheGoldenBitsAtEveryVectorWidth()
    {
        (string Name, string? Variable, string? Value, string? Expect)[] settings =
        [
            ("default", null, null, null),
            ("128-bit", "DOTNET_PreferredVectorBitWidth", "128", "128"),
            ("256-bit", "DOTNET_PreferredVectorBitWidth", "256", null),
            ("512-bit", "DOTNET_PreferredVectorBitWidth", "512", null),
            ("scalar", "DOTNET_EnableHWIntrinsic", "0", "scalar"),
        ];
        var runs = await Task.WhenAll(settings.Select(s => Task.Run(() => Probe(s.Variable, s.Value))));
        string golden = GoldenPath();
        if (Environment.GetEnvironmentVariable("AOTNET_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllLines(golden, Lines(runs[0]).Hashes);
        }

        var expected = File.ReadAllLines(golden).Where(l => l.Length > 0).ToList();
        Assert.True(expected.Count >= 15, $"{golden} holds {expected.Count} cases");
        for (int i = 0; i < settings.Length; i++)
        {
            var (vectors, hashes) = Lines(runs[i]);
            if (settings[i].Expect is { } width)
            {
                Assert.True(width == vectors, $"{settings[i].Name}: the probe ran with {vectors} vectors, expected {width}");
            }

            var differing = expected.Where(h => !hashes.Contains(h)).Select(h => h.Split(' ')[0]).ToArray();
            Assert.True(
                differing.Length == 0 && hashes.Count == expected.Count,
                $"{settings[i].Name} ({vectors} vectors) trains other bits than {Path.GetFileName(golden)} in: {string.Join(", ", differing)} " +
                "(a deliberate change of the floats? regenerate it: AOTNET_UPDATE_GOLDEN=1 dotnet test tests/AotNet.Tests -c Release --filter FullyQualifiedName~ModelBitsTests)");
        }
    }

    private static (string Vectors, List<string> Hashes) Lines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("vectors ", lines[0]);
        return (lines[0]["vectors ".Length..], lines.Skip(1).ToList());
    }

    private static string Probe(string? variable, string? value) =>
        string.Join('\n', ProbeProcess.Run("AotNet.ModelProbe", variable, value, TimeSpan.FromSeconds(300)));

    private static string GoldenPath([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "ModelBits.golden.txt");
}
