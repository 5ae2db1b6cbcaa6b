using AotNet.Data;
using AotNet.Tests.Generator;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>
/// The summation contract of <see cref="TrainingContext"/> at every batch size: whichever strategy a batch takes (the fused
/// one-row step, one thread, one chunk split into tiles over the workers, chunks in rounds), the trained weights are the same
/// bits for any thread count, and the same as Backward + Step.
/// </summary>
public class BatchMajorDeterminismTests
{
    public static TheoryData<int> BatchSizes => new() { 1, 16, 32, 128, 300, 600, 2048 };

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void WideAdamFitIsTheSameForAnyThreadCount(int batchSize) => AssertThreadIndependent<WideAdamNet>(batchSize, rows: batchSize == 1 ? 40 : 700);

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void WideRmsFitIsTheSameForAnyThreadCount(int batchSize) => AssertThreadIndependent<WideRmsNet>(batchSize, rows: batchSize == 1 ? 40 : 700);

    [Theory]
    [InlineData(128, 2)] // one chunk split into tiles
    [InlineData(32, 1)] // one chunk on one thread
    [InlineData(600, 2)] // three chunks: a round of two, then one
    public void TrainBatchEqualsBackwardAndStep(int batchSize, int threads)
    {
        AssertTrainBatchEqualsBackwardAndStep<WideAdamNet>(batchSize, threads);
        AssertTrainBatchEqualsBackwardAndStep<WideRmsNet>(batchSize, threads);
    }

    [Fact]
    public void ABatchLargerThanTheDataIsOneBatchPerEpoch()
    {
        var (inputs, targets) = ModelHarness.RealValued(WideRmsNet.Description, 50, 3);
        var data = new LabeledData(inputs, targets);
        var a = WideRmsNet.Create(1);
        var b = WideRmsNet.Create(1);
        using (var trainer = new Trainer<WideRmsNet>(a, threads: 2))
        {
            trainer.Fit(data, null, new FitOptions { Epochs = 2, BatchSize = int.MaxValue, Seed = 1 });
        }

        using (var trainer = new Trainer<WideRmsNet>(b, threads: 1))
        {
            trainer.Fit(data, null, new FitOptions { Epochs = 2, BatchSize = 50, Seed = 1 });
        }

        Assert.Equal(2, a.Iterations);
        Assert.Equal(b.Parameters, a.Parameters);
    }

    private static void AssertThreadIndependent<T>(int batchSize, int rows)
        where T : class, IModelGradients<T>
    {
        var (inputs, targets) = ModelHarness.RealValued(T.Description, rows, 7);
        var data = new LabeledData(inputs, targets);
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 3 };
        var expected = ModelHarness.AssertFitIsThreadIndependent<T>(data, data.SliceRows(0, Math.Min(rows, 300)), options, $"{T.Description.Name}, batch {batchSize}");
        Assert.NotEqual(T.Create(5).Parameters, expected);
    }

    private static void AssertTrainBatchEqualsBackwardAndStep<T>(int batchSize, int threads)
        where T : class, IModelGradients<T>
    {
        var (inputs, targets) = ModelHarness.RealValued(T.Description, batchSize, 9);
        var data = new LabeledData(inputs, targets);
        int[] rows = ModelHarness.AllRows(batchSize).Reverse().ToArray();
        var trained = T.Create(2);
        var reference = T.Create(2);
        var workspace = reference.CreateWorkspace(TrainingContext.ChunkRows);
        using var context = new TrainingContext(threads);
        for (int step = 0; step < 3; step++)
        {
            context.SetBatch(data, rows, 0, batchSize);
            var stats = trained.TrainBatch(context);
            Array.Clear(reference.Gradients);
            var expected = reference.Backward(new Batch(inputs, targets, rows), workspace, reference.Gradients);
            reference.Step(1f / batchSize);
            Assert.Equal(expected, stats);
            Assert.True(reference.Parameters.AsSpan().SequenceEqual(trained.Parameters), $"{T.Description.Name}, batch {batchSize}, {threads} threads, step {step}");
        }
    }
}
