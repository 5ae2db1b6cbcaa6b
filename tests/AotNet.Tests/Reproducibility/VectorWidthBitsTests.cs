using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit.Abstractions;

namespace AotNet.Tests.Reproducibility;

/// <summary>
/// Issue 12: a fit gives the same bits whatever the vector width. Each seed experiment, with short settings, runs
/// under the JIT at DOTNET_PreferredVectorBitWidth = 128, 256 and 512 (child processes of the App dll); every saved
/// weight and every results.json value of the 128- and 512-bit runs must equal the 256-bit run's, bit for bit (IMDB with
/// its Embedding variant, whose history and test values are in results.json).
/// By hand: <c>scripts/compare-bits.sh imdb --epochs 2</c> also adds the native x64 and the ARM64 binary.
/// </summary>
public sealed class VectorWidthBitsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [RealDataTheory]
    [InlineData("imdb", "--epochs 2 --variant embedding")]
    [InlineData("reuters", "--epochs 2")]
    [InlineData("boston", "--epochs 3 --folds 2")]
    public void JitGivesTheSameBitsAt128And256And512BitVectors(string experiment, string options)
    {
        string root = Path.Combine(Path.GetTempPath(), "aotnet-tests", "widths-" + Guid.NewGuid().ToString("N"));
        try
        {
            var runs = new List<(string Label, RunFiles Files)>();
            foreach (int bits in new[] { 256, 128, 512 })
            {
                var runner = AotNetRunner.Jit(bits);
                var (files, elapsed) = runner.Run(experiment, options.Split(' '), Path.Combine(root, runner.Label), Timeout);
                output.WriteLine($"{runner.Label}: {experiment} {options} in {elapsed.TotalSeconds:F1} s");
                runs.Add((runner.Label, files));
            }

            var differences = runs.Skip(1)
                .Select(r => BitDiff.Compare(runs[0].Label, runs[0].Files, r.Label, r.Files))
                .OfType<string>()
                .ToList();
            string note = Avx512F.IsSupported && Vector512.IsHardwareAccelerated
                ? string.Empty
                : "\n(this machine has no accelerated Vector512: the 512-bit run used 256-bit vectors)";
            Assert.True(differences.Count == 0, $"{experiment} {options}: the bits depend on the vector width:\n{string.Join('\n', differences)}{note}");
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
