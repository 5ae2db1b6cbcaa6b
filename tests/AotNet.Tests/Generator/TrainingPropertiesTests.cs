using AotNet.Data;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>Allocation-free hot paths, determinism and the Backward contract (sums, accumulation, chunking).</summary>
[Collection(AllocationMeasurements.Name)]
public class TrainingPropertiesTests
{
    [Fact]
    public void BackwardStepEvaluateAndPredictAllocateNothing()
    {
        AssertNoAllocations<ImdbNet>(sparse: true);
        AssertNoAllocations<ImdbNet>(sparse: false);
        AssertNoAllocations<BostonNet>(sparse: false);
        AssertNoAllocations<SoftmaxAdamNet>(sparse: false);
        AssertNoAllocations<SigmoidMseMomentumNet>(sparse: false);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsAfterTraining()
    {
        var a = Train(7, 5);
        var b = Train(7, 5);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.NotEqual(Train(8, 5).Parameters, a.Parameters);
    }

    [Theory]
    [InlineData(1, 0.002)] // few rows per chunk: most kernel rows untouched, some used by one chunk only
    [InlineData(2, 0.002)]
    [InlineData(2, 0.03)] // most rows touched
    [InlineData(3, 0.03)]
    public void SparseFitEqualsDenseFitBitForBit(int threads, double density)
    {
        // batches of 300 rows over chunks of 256 (2 chunks, the last partial) and a last batch of 100: the sparse path
        // keeps the first kernel's gradient row-wise (FirstKernelGradient), the dense path sums a gradient block per chunk
        AssertSparseFitEqualsDenseFit<ImdbNet>(threads, density);
        AssertSparseFitEqualsDenseFit<WideSparseNet>(threads, density * 10); // 40 columns: 16-wide pairs and an 8-wide block
        AssertSparseFitEqualsDenseFit<OddBinaryNet>(threads, 0.2); // 17 columns (a scalar tail), legacy epsilon
        AssertSparseFitEqualsDenseFit<SoftmaxAdamNet>(threads, 0.2); // Adam: the row-wise step moves unused rows too
        AssertSparseFitEqualsDenseFit<SigmoidMseMomentumNet>(threads, 0.4); // SGD with momentum
    }

    private static void AssertSparseFitEqualsDenseFit<TModel>(int threads, double density)
        where TModel : class, IModelGradients<TModel>
    {
        var description = TModel.Description;
        var (sparse, targets) = ModelHarness.MultiHot(description, 700, density, 21);
        var options = new FitOptions { Epochs = 3, BatchSize = 300, Seed = 5 };
        var sparseModel = TModel.Create(3);
        var denseModel = TModel.Create(3);
        var dense = new LabeledData(sparse.ToDense(), targets);
        using (var trainer = new Trainer<TModel>(sparseModel, threads))
        {
            trainer.Fit(new LabeledData(sparse, targets), null, options);

            // a dense fit next uses the optimizer state of every row: the sparse fit must have left all of it as the dense one did
            trainer.Fit(dense, null, options with { Epochs = 1, Seed = 6 });
        }

        using (var trainer = new Trainer<TModel>(denseModel, threads))
        {
            trainer.Fit(dense, null, options);
            trainer.Fit(dense, null, options with { Epochs = 1, Seed = 6 });
        }

        Assert.Equal(denseModel.Parameters, sparseModel.Parameters);
        Assert.NotEqual(TModel.Create(3).Parameters, sparseModel.Parameters);
    }

    [Fact]
    public void BackwardSumsEachChunkAndAddsTheChunksInOrder()
    {
        // the summation contract: a batch of 300 rows is chunk [0, 256) summed from +0, then chunk [256, 300) added
        var description = OddBinaryNet.Description;
        var (inputs, targets) = ModelHarness.RealValued(description, 300, 4);
        var model = OddBinaryNet.Create(4);
        var workspace = model.CreateWorkspace(TrainingContext.ChunkRows);
        int[] rows = ModelHarness.AllRows(300);
        var batch = new Batch(inputs, targets, rows);

        var whole = new float[description.ParameterCount];
        var wholeStats = model.Backward(batch, workspace, whole);

        var chunked = new float[description.ParameterCount];
        var first = model.Backward(batch.Slice(0, 256), workspace, chunked);
        var second = model.Backward(batch.Slice(256, 44), workspace, chunked);
        Assert.Equal(whole, chunked);
        Assert.Equal(wholeStats.LossSum, (first + second).LossSum, 12);
        Assert.Equal(wholeStats.Hits, (first + second).Hits);
        Assert.Equal(wholeStats.AbsoluteErrors, (first + second).AbsoluteErrors);

        // rows within a chunk are summed in one chain, not in pieces: splitting the first chunk changes the floats
        var pieces = new float[description.ParameterCount];
        model.Backward(batch.Slice(0, 100), workspace, pieces);
        model.Backward(batch.Slice(100, 156), workspace, pieces);
        model.Backward(batch.Slice(256, 44), workspace, pieces);
        Assert.NotEqual(whole, pieces);
        Assert.Throws<ArgumentException>(() => model.Backward(new Batch(inputs, targets, rows), model.CreateWorkspace(8), whole));
    }

    [Fact]
    public void BackwardAddsToTheGradientAndSumsOverRows()
    {
        var description = BostonNet.Description;
        var (inputs, targets) = ModelHarness.RealValued(description, 6, 2);
        var model = BostonNet.Create(2);
        var workspace = model.CreateWorkspace(6);
        int[] rows = ModelHarness.AllRows(6);

        var once = new float[description.ParameterCount];
        model.Backward(new Batch(inputs, targets, rows), workspace, once);
        var twice = new float[description.ParameterCount];
        model.Backward(new Batch(inputs, targets, rows), workspace, twice);
        model.Backward(new Batch(inputs, targets, rows), workspace, twice);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 1e-5f * Math.Max(1f, Math.Abs(once[i])));
        }

        // the same row twice contributes twice its gradient
        var single = new float[description.ParameterCount];
        model.Backward(new Batch(inputs, targets, [3]), workspace, single);
        var doubled = new float[description.ParameterCount];
        var stats = model.Backward(new Batch(inputs, targets, [3, 3]), workspace, doubled);
        Assert.Equal(2 * model.Evaluate(new Batch(inputs, targets, [3]), workspace).LossSum, stats.LossSum, 6);
        Assert.Equal(single.Select(g => 2 * g), doubled);
    }

    [Fact]
    public void MisuseThrowsClearErrors()
    {
        var model = BostonNet.Create(1);
        var (inputs, targets) = ModelHarness.RealValued(BostonNet.Description, 3, 1);
        var workspace = model.CreateWorkspace(3);
        Assert.Throws<ArgumentException>(() => model.Backward(new Batch(inputs, null, [0]), workspace, model.Gradients));
        Assert.Throws<ArgumentException>(() => model.Backward(new Batch(inputs, targets, [0]), workspace, new float[3]));
        Assert.Throws<ArgumentException>(() => model.Evaluate(new Batch(inputs, targets, [0]), new Workspace(1, 2)));
        var (wrongInputs, _) = ModelHarness.RealValued(ImdbNet.Description, 3, 1);
        Assert.Throws<ArgumentException>(() => model.Predict(new Batch(wrongInputs, null, [0]), workspace, new float[3]));
        Assert.Throws<ArgumentException>(() => model.Predict(new Batch(inputs, null, [0, 1]), workspace, new float[1]));
    }

    private static ImdbNet Train(ulong seed, int steps)
    {
        var (sparse, targets) = ModelHarness.MultiHot(ImdbNet.Description, 64, 0.012, 99);
        var model = ImdbNet.Create(seed);
        var workspace = model.CreateWorkspace(64);
        int[] rows = ModelHarness.AllRows(64);
        for (int s = 0; s < steps; s++)
        {
            Array.Clear(model.Gradients);
            model.Backward(new Batch(sparse, targets, rows), workspace, model.Gradients);
            model.Step(1f / rows.Length);
        }

        return model;
    }

    private static void AssertNoAllocations<T>(bool sparse)
        where T : class, IModelGradients<T>
    {
        var description = T.Description;
        AotNet.Data.Features inputs;
        AotNet.Data.DenseMatrix targets;
        if (sparse)
        {
            var data = ModelHarness.MultiHot(description, 32, 0.012, 1);
            (inputs, targets) = (data.Sparse, data.Targets);
        }
        else
        {
            var data = ModelHarness.RealValued(description, 32, 1);
            (inputs, targets) = (data.Inputs, data.Targets);
        }

        var model = T.Create(1);
        var workspace = model.CreateWorkspace(32);
        int[] rows = ModelHarness.AllRows(32);
        var outputs = new float[32 * description.Outputs];

        void Round()
        {
            var batch = new Batch(inputs, targets, rows);
            Array.Clear(model.Gradients);
            model.Backward(batch, workspace, model.Gradients);
            model.Step(1f / 32);
            model.Evaluate(batch, workspace);
            model.Predict(batch, workspace, outputs);
        }

        var measured = AllocationMeasurements.SteadyState(Round, rounds: 5);
        Assert.True(
            measured.Bytes == 0,
            $"{description.Name}: 5 rounds of Backward/Step/Evaluate/Predict allocated {measured.Bytes} bytes (windows: {measured.Windows})");
    }
}
