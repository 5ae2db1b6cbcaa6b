using AotNet.IO;
using AotNet.Tests.App;

namespace AotNet.Tests.Reproducibility;

/// <summary>The bit comparison the reproducibility tests and scripts/compare-bits.sh rely on finds every kind of difference.</summary>
public sealed class BitDiffTests
{
    private static string Weights(params Tensor[] tensors)
    {
        string path = Path.Combine(AppRun.TempDir(), "weights.safetensors");
        File.WriteAllBytes(path, SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["model"] = "M" }));
        return path;
    }

    private static Tensor[] Model(float kernel12 = 0.25f, float bias = -1.5f) =>
    [
        new Tensor("dense_0.kernel", [2, 3], [0.5f, 1f, 2f, 3f, 4f, kernel12]),
        new Tensor("dense_0.bias", [3], [0f, bias, 1e-30f]),
    ];

    [Fact]
    public void EqualWeightsAreEqual() => Assert.Null(BitDiff.CompareWeights(Weights(Model()), Weights(Model())));

    [Fact]
    public void OneUlpInOneWeightIsADifferenceNamedByTensorAndIndex()
    {
        float next = MathF.BitIncrement(0.25f);
        string? diff = BitDiff.CompareWeights(Weights(Model()), Weights(Model(kernel12: next)));
        Assert.NotNull(diff);
        Assert.StartsWith("1 of 9 values differ, in 1 of 2 tensors; first dense_0.kernel[1, 2] = 0.25 (0x3E800000) vs 0.25000003 (0x3E800001)", diff);
        Assert.Contains("relative difference 1.19E-07", diff);
    }

    [Fact]
    public void ZeroAndNegativeZeroDiffer() =>
        Assert.NotNull(BitDiff.CompareWeights(Weights(Model(bias: 0f)), Weights(Model(bias: -0f))));

    [Fact]
    public void MissingAndMisshapenTensorsAreDifferences()
    {
        var model = Model();
        Assert.Contains("tensor dense_0.bias missing from the second file", BitDiff.CompareWeights(Weights(model), Weights(model[0])));
        Assert.Contains("tensor dense_0.kernel: F32[2, 3] vs F32[3, 2]",
            BitDiff.CompareWeights(Weights(model), Weights(model[0] with { Shape = [3, 2] }, model[1])));
    }

    [Fact]
    public void ResultsCompareEveryValueButTheMeasurements()
    {
        const string a = """{"imdb":{"history":{"loss":[0.5,0.25]},"best_epoch":2,"seconds":{"total":1.5},"allocated_bytes_after_first_epoch":0}}""";
        const string sameButTimings = """{"imdb":{"history":{"loss":[0.5,0.25]},"best_epoch":2,"seconds":{"total":9.25},"allocated_bytes_after_first_epoch":64}}""";
        Assert.Null(BitDiff.CompareResults(a, sameButTimings));

        string loss = BitDiff.CompareResults(a, """{"imdb":{"history":{"loss":[0.5,0.25000000000000006]},"best_epoch":2,"seconds":{}}}""")!;
        Assert.StartsWith("1 of 3 values differ; first results.imdb.history.loss[1] = 0.25 vs 0.25000000000000006 (relative difference 2.22E-16)", loss);

        Assert.Contains("results.imdb.best_epoch", BitDiff.CompareResults(a, """{"imdb":{"history":{"loss":[0.5,0.25]},"best_epoch":1}}"""));
        Assert.Contains("results.imdb.history.loss: 2 values vs 1", BitDiff.CompareResults(a, """{"imdb":{"history":{"loss":[0.5]},"best_epoch":2}}"""));
        Assert.Contains("results.imdb.history missing from the second file", BitDiff.CompareResults(a, """{"imdb":{"best_epoch":2}}"""));
    }

    [Fact]
    public void CompareNamesBothRunsAndBothFiles()
    {
        string dirA = AppRun.TempDir(), dirB = AppRun.TempDir();
        File.Copy(Weights(Model()), RunFiles.In(dirA).Weights);
        File.Copy(Weights(Model(kernel12: 0.5f)), RunFiles.In(dirB).Weights);
        File.WriteAllText(RunFiles.In(dirA).Results, """{"boston":{"test":{"mae":2.5}}}""");
        File.WriteAllText(RunFiles.In(dirB).Results, """{"boston":{"test":{"mae":2.5}}}""");
        string diff = BitDiff.Compare("x64", RunFiles.In(dirA), "arm64", RunFiles.In(dirB))!;
        Assert.StartsWith("x64 (first value) and arm64 (second value) differ:\n  weights: 1 of 9 values differ", diff);
        Assert.DoesNotContain("results.json", diff);
        Assert.Null(BitDiff.Compare("x64", RunFiles.In(dirA), "x64 again", RunFiles.In(dirA)));
    }
}
