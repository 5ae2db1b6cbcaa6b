using AotNet.Data;
using AotNet.Kernels;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>SparseCategoricalCrossentropy (integer labels), MeanAbsoluteError and Huber as losses.</summary>
public class LossTests
{
    public static TheoryData<string> Models => new() { nameof(SparseLabelNet), nameof(SparseLabelAdamNet), nameof(MaeNet), nameof(HuberNet) };

    [Theory]
    [MemberData(nameof(Models))]
    public void LossGradientAndStepsMatchTheReference(string model) => ModelCases.Run(model, new RegularizerTests.ReferenceCheck());

    [Theory]
    [MemberData(nameof(Models))]
    public void ReferenceGradientMatchesCentralDifferences(string model) => ModelCases.Run(model, new RegularizerTests.FiniteDifferences());

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCountAndTrainBatchIsBackwardPlusStep(int batchSize)
    {
        RegularizerTests.AssertThreadIndependent<SparseLabelNet>(batchSize, sparse: true);
        RegularizerTests.AssertThreadIndependent<SparseLabelAdamNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<MaeNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<HuberNet>(batchSize, sparse: false);
    }

    [Fact]
    public void IntegerLabelsTrainExactlyAsTheirOneHotForm()
    {
        // SparseLabelNet is WideSparseNet with integer labels: the same loss, gradient and weights, bit for bit
        var (sparse, onehot) = ModelHarness.MultiHot(WideSparseNet.Description, 600, 0.05, 3);
        var labels = new DenseMatrix(600, 1);
        for (int r = 0; r < 600; r++)
        {
            labels.Row(r)[0] = MetricKernels.ArgMax(onehot.Row(r));
        }

        var a = SparseLabelNet.Create(4);
        var b = WideSparseNet.Create(4);
        Assert.Equal(b.Parameters, a.Parameters);
        var options = new FitOptions { Epochs = 2, BatchSize = 128, Seed = 2 };
        History ha, hb;
        using (var trainer = new Trainer<SparseLabelNet>(a, threads: 2))
        {
            ha = trainer.Fit(new LabeledData(sparse, labels), new LabeledData(sparse, labels).SliceRows(0, 100), options);
        }

        using (var trainer = new Trainer<WideSparseNet>(b, threads: 2))
        {
            hb = trainer.Fit(new LabeledData(sparse, onehot), new LabeledData(sparse, onehot).SliceRows(0, 100), options);
        }

        Assert.Equal(b.Parameters, a.Parameters);
        Assert.Equal(hb.Loss, ha.Loss);
        Assert.Equal(hb["accuracy"], ha["accuracy"]);
        Assert.Equal(hb["val_accuracy"], ha["val_accuracy"]);
        Assert.Equal(1, SparseLabelNet.Description.TargetCount);
    }

    [Fact]
    public void KernelsFollowKerasDefinitions()
    {
        float[] p = [0.2f, -3f, 1.5f, 0f], y = [0f, 0f, 0f, 0.5f];
        Assert.Equal(((0.5 * 0.04) + 2.5 + 1.0 + (0.5 * 0.25)) / 4, LossKernels.Huber(p, y), 6);
        Assert.Equal((0.2 + 3 + 1.5 + 0.5) / 4, LossKernels.MeanAbsoluteError(p, y), 6);
        var d = new float[4];
        LossKernels.HuberGradient(p, y, d);
        Assert.Equal([0.05f, -0.25f, 0.25f, -0.125f], d);
        LossKernels.MeanAbsoluteErrorGradient(p, p, d);
        Assert.Equal([0f, 0f, 0f, 0f], d); // sign(0) = 0

        float[] logits = [1f, 2f, -1f];
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(-1));
        Assert.Equal(lse - 2, LossKernels.SparseCategoricalCrossentropyFromLogits(logits, [1f]), 5);
        Assert.Equal(LossKernels.CategoricalCrossentropyFromLogits(logits, [0f, 0f, 1f]), LossKernels.SparseCategoricalCrossentropyFromLogits(logits, [2f]));
        Assert.Throws<ArgumentException>(() => LossKernels.SparseCategoricalCrossentropyFromLogits(logits, [3f]));
        Assert.Throws<ArgumentException>(() => LossKernels.SparseCategoricalCrossentropyFromLogits(logits, [0.5f]));
        Assert.Throws<ArgumentException>(() => LossKernels.SparseCategoricalCrossentropyFromLogits(logits, [-1f]));
        Assert.Equal(1f, MetricKernels.SparseCategoricalAccuracy([0.1f, 0.7f, 0.2f], [1f]));
        Assert.Equal(0f, MetricKernels.SparseCategoricalAccuracy([0.1f, 0.7f, 0.2f], [2f]));
    }

    [Fact]
    public void OneHotTargetsForASparseModelAreRefusedWithAClearMessage()
    {
        var (sparse, _) = ModelHarness.MultiHot(SparseLabelNet.Description, 10, 0.05, 3);
        var model = SparseLabelNet.Create(1);
        using var trainer = new Trainer<SparseLabelNet>(model);
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(new LabeledData(sparse, new DenseMatrix(10, 7)), null, new FitOptions()));
        Assert.Contains("expected 10 x 1", error.Message, StringComparison.Ordinal);
    }
}
