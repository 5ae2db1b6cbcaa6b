using AotNet.Data;
using AotNet.Kernels;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>[Dropout(rate)]: masks from the counter-based hash, the training passes against the reference, finite differences, thread counts.</summary>
[Collection(AllocationMeasurements.Name)]
public class DropoutTests
{
    public static TheoryData<string> Models => new() { nameof(DropoutNet), nameof(DropoutAdamNet), nameof(DropoutSparseNet) };

    [Fact]
    public void MasksKeepAboutOneMinusTheRateAndDependOnEveryCounter()
    {
        foreach (double rate in new[] { 0.1, 0.5, 0.9 })
        {
            uint threshold = DropoutKernels.Threshold(rate);
            int kept = 0, total = 0;
            for (int row = 0; row < 400; row++)
            {
                ulong rowKey = DropoutKernels.RowKey(DropoutKernels.Key(7, 1, 3), row);
                for (int unit = 0; unit < 250; unit++)
                {
                    kept += DropoutKernels.Keeps(rowKey, unit, threshold) ? 1 : 0;
                    total++;
                }
            }

            // 100,000 draws: the standard deviation of the kept fraction is at most 0.0016
            Assert.InRange(kept / (double)total, 1 - rate - 0.01, 1 - rate + 0.01);
        }

        Assert.Equal(0u, DropoutKernels.Threshold(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.Threshold(1));
        var masks = new HashSet<string>();
        foreach (var (seed, epoch, step, row) in new (ulong, long, long, int)[] { (1, 1, 1, 0), (2, 1, 1, 0), (1, 2, 1, 0), (1, 1, 2, 0), (1, 1, 1, 1) })
        {
            ulong rowKey = DropoutKernels.RowKey(DropoutKernels.Key(seed, epoch, step), row);
            masks.Add(string.Concat(Enumerable.Range(0, 64).Select(u => DropoutKernels.Keeps(rowKey, u, DropoutKernels.Threshold(0.5)) ? '1' : '0')));
        }

        Assert.Equal(5, masks.Count);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TrainingPassesMatchTheReferenceWithTheSameMasks(string model) => ModelCases.Run(model, new ReferenceCheck());

    [Theory]
    [MemberData(nameof(Models))]
    public void GradientMatchesCentralDifferencesUnderAFixedMask(string model) => ModelCases.Run(model, new FiniteDifferences());

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(128)]
    [InlineData(600)]
    public void FitIsTheSameForAnyThreadCountAndTrainBatchIsBackwardPlusStep(int batchSize)
    {
        AssertThreadIndependent<DropoutNet>(batchSize, sparse: false);
        AssertThreadIndependent<DropoutSparseNet>(batchSize, sparse: true);
        AssertThreadIndependent<DropoutAdamNet>(batchSize, sparse: false);
    }

    [Fact]
    public void TrainBatchUsesTheContextsSeedEpochAndStep()
    {
        var (inputs, targets) = ModelHarness.RealValued(DropoutNet.Description, 300, 4);
        var data = new LabeledData(inputs, targets);
        int[] rows = ModelHarness.AllRows(300);
        var a = DropoutNet.Create(3);
        var b = DropoutNet.Create(3);
        using var context = new TrainingContext(threads: 2) { Seed = 11, Epoch = 2 };
        context.SetBatch(data, rows, 0, 200); // one chunk split into tiles
        context.SetBatch(data, rows, 100, 200); // step 2
        var trained = a.TrainBatch(context);

        b.SetDropoutKey(11, 2, 2);
        var workspace = b.CreateWorkspace(256);
        var stats = b.Backward(new Batch(inputs, targets, rows.AsSpan(100, 200)), workspace, b.Gradients);
        b.Step(1f / 200);
        Assert.Equal(stats, trained);
        Assert.Equal(b.Parameters, a.Parameters);

        // another step key gives other masks, so other weights
        var c = DropoutNet.Create(3);
        c.SetDropoutKey(11, 2, 3);
        Array.Clear(c.Gradients);
        c.Backward(new Batch(inputs, targets, rows.AsSpan(100, 200)), workspace, c.Gradients);
        c.Step(1f / 200);
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Fact]
    public void EvaluationAndPredictionDoNotDrop()
    {
        var (inputs, targets) = ModelHarness.RealValued(DropoutAdamNet.Description, 30, 8);
        var model = DropoutAdamNet.Create(5);
        var reference = new ReferenceNetwork(DropoutAdamNet.Description, model.Parameters);
        int[] rows = ModelHarness.AllRows(30);
        var outputs = new float[30 * 3];
        model.SetDropoutKey(1, 1, 1);
        model.Predict(new Batch(inputs, null, rows), model.CreateWorkspace(7), outputs);
        ModelHarness.AssertClose(reference.Predict(inputs, rows), outputs, 1e-6, 1e-5, "prediction");
        var stats = model.Evaluate(new Batch(inputs, targets, rows), model.CreateWorkspace(30));
        ModelHarness.AssertClose(reference.Evaluate(inputs, targets, rows).LossSum, stats.LossSum, 1e-5, 1e-5, "loss");
        Assert.Equal(0.4, DropoutAdamNet.Description.Layers[0].DropoutRate);
        Assert.Equal("20 → 12 sigmoid → dropout 0.4 → 3 linear", DropoutAdamNet.Description.Topology);
    }

    [Fact]
    public void DropoutTrainingAllocatesNothingAfterTheFirstEpoch()
    {
        var (sparse, targets) = ModelHarness.MultiHot(DropoutSparseNet.Description, 700, 0.05, 2);
        var model = DropoutSparseNet.Create(1);
        using var trainer = new Trainer<DropoutSparseNet>(model, threads: 2);
        Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(new LabeledData(sparse, targets), null, new FitOptions { Epochs = 4, BatchSize = 300, Seed = 1 })));
    }

    private static void AssertThreadIndependent<T>(int batchSize, bool sparse)
        where T : class, IModelGradients<T>
    {
        int count = batchSize == 1 ? 40 : 700;
        Features inputs;
        DenseMatrix targets;
        if (sparse)
        {
            (var csr, targets) = ModelHarness.MultiHot(T.Description, count, 0.05, 7);
            inputs = csr;
        }
        else
        {
            (var dense, targets) = ModelHarness.RealValued(T.Description, count, 7);
            inputs = dense;
        }

        var data = new LabeledData(inputs, targets);
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 3 };
        ModelHarness.AssertFitIsThreadIndependent<T>(data, null, options, $"{T.Description.Name}, batch {batchSize}");

        // one TrainBatch equals Backward + Step under the same key
        int n = Math.Min(batchSize, count);
        var a = T.Create(9);
        var b = T.Create(9);
        int[] rows = ModelHarness.AllRows(count);
        using (var context = new TrainingContext(threads: 2) { Seed = 5, Epoch = 1 })
        {
            context.SetBatch(data, rows, 0, n);
            a.TrainBatch(context);
        }

        var workspace = b.CreateWorkspace(TrainingContext.ChunkRows);
        ((dynamic)b).SetDropoutKey(5UL, 1L, 1L);
        b.Backward(new Batch(inputs, targets, rows.AsSpan(0, n)), workspace, b.Gradients);
        b.Step(1f / n);
        Assert.True(b.Parameters.AsSpan().SequenceEqual(a.Parameters), $"{T.Description.Name}, batch {batchSize}: TrainBatch differs from Backward + Step");
    }

    private static (Features Inputs, DenseMatrix Targets) Data(ModelDescription description, int rows, bool forFiniteDifferences)
    {
        if (description.Inputs > 100)
        {
            var (sparse, targets) = ModelHarness.MultiHot(description, rows, 0.05, 21);
            return (forFiniteDifferences ? sparse.ToDense() : sparse, targets);
        }

        return ModelHarness.RealValued(description, rows, 21);
    }

    private sealed class ReferenceCheck : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            const int Rows = 23;
            var description = T.Description;
            var (inputs, targets) = Data(description, Rows, forFiniteDifferences: false);
            var model = T.Create(17);
            var reference = new ReferenceNetwork(description, model.Parameters);
            var workspace = model.CreateWorkspace(Rows);
            int[] rows = ModelHarness.AllRows(Rows).Reverse().ToArray();
            var batch = new Batch(inputs, targets, rows);
            for (int step = 1; step <= 4; step++)
            {
                ((dynamic)model).SetDropoutKey(3UL, 1L, (long)step);
                reference.DropoutKey = DropoutKernels.Key(3, 1, step);
                ModelHarness.AssertStepMatchesReference(model, reference, inputs, targets, rows, workspace, $"step {step}");
            }

            // the training loss differs from the evaluation loss (dropout is on in one of them only)
            reference.DropoutKey = null;
            Assert.NotEqual(reference.Evaluate(inputs, targets, rows).LossSum, model.Backward(batch, workspace, new float[description.ParameterCount]).LossSum, 3);
        }
    }

    private sealed class FiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            var (inputs, targets) = Data(description, 9, forFiniteDifferences: true);
            int[] rows = ModelHarness.AllRows(9);

            // the reference in double, tight
            var reference = new ReferenceNetwork(description, T.Create(2).Parameters) { DropoutKey = DropoutKernels.Key(4, 2, 6) };
            var gradient = new double[description.ParameterCount];
            reference.Backward(inputs, targets, rows, gradient);
            var random = new DeterministicRandom(3);
            foreach (var layer in description.Layers)
            {
                for (int k = 0; k < 6; k++)
                {
                    foreach (int p in new[] { layer.KernelOffset + random.NextInt(layer.KernelLength), layer.BiasOffset + random.NextInt(layer.Units) })
                    {
                        double saved = reference.Parameters[p];
                        reference.Parameters[p] = saved + 1e-6;
                        double plus = reference.Backward(inputs, targets, rows, new double[gradient.Length]).LossSum;
                        reference.Parameters[p] = saved - 1e-6;
                        double minus = reference.Backward(inputs, targets, rows, new double[gradient.Length]).LossSum;
                        reference.Parameters[p] = saved;
                        ModelHarness.AssertClose((plus - minus) / 2e-6, gradient[p], 1e-6, 1e-5, $"reference d loss / d parameter {p}");
                    }
                }
            }

            // the generated model in float: the training loss (Backward's) under the same mask
            var model = T.Create(2);
            ((dynamic)model).SetDropoutKey(4UL, 2L, 6L);
            var workspace = model.CreateWorkspace(9);
            var generated = new float[description.ParameterCount];
            var scratch = new float[description.ParameterCount];
            model.Backward(new Batch(inputs, targets, rows), workspace, generated);
            const float H = 5e-4f;
            foreach (var layer in description.Layers)
            {
                for (int k = 0; k < 4; k++)
                {
                    foreach (int p in new[] { layer.KernelOffset + random.NextInt(layer.KernelLength), layer.BiasOffset + random.NextInt(layer.Units) })
                    {
                        float saved = model.Parameters[p];
                        model.Parameters[p] = saved + H;
                        double plus = model.Backward(new Batch(inputs, targets, rows), workspace, scratch).LossSum;
                        model.Parameters[p] = saved - H;
                        double minus = model.Backward(new Batch(inputs, targets, rows), workspace, scratch).LossSum;
                        model.Parameters[p] = saved;
                        double step = (double)(saved + H) - (saved - H);
                        ModelHarness.AssertClose((plus - minus) / step, generated[p], 2e-3, 2e-2, $"generated d loss / d parameter {p}");
                    }
                }
            }
        }
    }
}
