using AotNet.Data;
using AotNet.Kernels;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>KernelL1/KernelL2/BiasL1/BiasL2: the penalty in the loss (as Keras reports it), its gradient in the step, against the reference.</summary>
[Collection(AllocationMeasurements.Name)]
public class RegularizerTests
{
    public static TheoryData<string> Models => new() { nameof(L2Net), nameof(RegularizedNet), nameof(RegularizedRmsNet) };

    [Fact]
    public void KernelsFollowKerasFormulas()
    {
        float[] w = [0.5f, -2f, 0f, 3f];
        Assert.Equal((0.1 * 5.5) + (0.01 * 13.25), RegularizerKernels.Penalty(w, 0.1, 0.01), 12);
        float[] g = [1f, 1f, 1f, 1f];
        RegularizerKernels.AddGradient(w, g, 0.1f, 0.01f, 0.25f);
        Assert.Equal(1 + ((0.1f + (0.02f * 0.5f)) / 0.25f), g[0], 5);
        Assert.Equal(1 + ((-0.1f - 0.04f) / 0.25f), g[1], 5);
        Assert.Equal(1f, g[2]); // sign(0) = 0 and 2 l2 0 = 0
        Assert.Equal(0.002, L2Net.Description.Layers[0].KernelL2);
        Assert.Equal(0.02, RegularizedNet.Description.Layers[1].BiasL1);
        Assert.False(L2Net.Description.Layers[2].IsRegularized);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LossGradientAndStepsMatchTheReference(string model) => ModelCases.Run(model, new ReferenceCheck());

    [Theory]
    [MemberData(nameof(Models))]
    public void TheLossesGradientIsTheDataGradientPlusThePenaltys(string model) => ModelCases.Run(model, new FiniteDifferences());

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCountAndTrainBatchIsBackwardPlusStep(int batchSize)
    {
        AssertThreadIndependent<L2Net>(batchSize, sparse: true);
        AssertThreadIndependent<RegularizedNet>(batchSize, sparse: false);
        AssertThreadIndependent<RegularizedRmsNet>(batchSize, sparse: false);
    }

    [Fact]
    public void TheReportedLossesIncludeThePenalty()
    {
        var (inputs, targets) = ModelHarness.RealValued(RegularizedRmsNet.Description, 50, 2);
        var data = new LabeledData(inputs, targets);
        var model = RegularizedRmsNet.Create(4);
        using var trainer = new Trainer<RegularizedRmsNet>(model, threads: 1);
        var history = trainer.Fit(data, data, new FitOptions { Epochs = 3, BatchSize = 50, Seed = 1, Shuffle = false });

        // one batch per epoch: the epoch loss is that batch's (before the step); val_loss is evaluate's after it
        var reference = new ReferenceNetwork(RegularizedRmsNet.Description, model.Parameters);
        var evaluation = trainer.Evaluate(data);
        Assert.Equal(history.ValLoss[^1], evaluation.Loss, 12);
        double penalty = reference.RegularizationLoss();
        Assert.True(penalty > 1e-4, $"penalty {penalty}");
        ModelHarness.AssertClose(reference.Evaluate(inputs, targets, ModelHarness.AllRows(50)).LossSum / 50, evaluation.Loss, 1e-6, 1e-5, "val loss with the penalty");
        ModelHarness.AssertClose(penalty, model.RegularizationLoss(), 1e-9, 1e-9, "penalty");
    }

    [Fact]
    public void RegularisedTrainingAllocatesNothingAfterTheFirstEpoch()
    {
        var (sparse, targets) = ModelHarness.MultiHot(L2Net.Description, 700, 0.05, 2);
        var model = L2Net.Create(1);
        using var trainer = new Trainer<L2Net>(model, threads: 2);
        Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(new LabeledData(sparse, targets), new LabeledData(sparse, targets), new FitOptions { Epochs = 4, BatchSize = 256, Seed = 1 })));
    }

    private static bool HasDropout(ModelDescription description) => description.Layers.Any(l => l.DropoutRate > 0);

    private static void SetKey<T>(T model, long step)
        where T : class, IModel<T>
    {
        if (HasDropout(T.Description))
        {
            ((dynamic)model).SetDropoutKey(3UL, 1L, step);
        }
    }

    internal static void AssertThreadIndependent<T>(int batchSize, bool sparse, LearningRateSchedule? schedule = null)
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
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 3, LearningRateSchedule = schedule };
        ModelHarness.AssertFitIsThreadIndependent<T>(data, data.SliceRows(0, Math.Min(count, 100)), options, $"{T.Description.Name}, batch {batchSize}");

        int n = Math.Min(batchSize, count);
        var a = T.Create(9);
        var b = T.Create(9);
        int[] rows = ModelHarness.AllRows(count);
        BatchStats trained;
        using (var context = new TrainingContext(threads: 2) { Seed = 3, Epoch = 1 })
        {
            context.SetBatch(data, rows, 0, n);
            trained = a.TrainBatch(context);
        }

        SetKey(b, 1);
        var stats = b.Backward(new Batch(inputs, targets, rows.AsSpan(0, n)), b.CreateWorkspace(TrainingContext.ChunkRows), b.Gradients);
        b.Step(1f / n);
        Assert.Equal(stats, trained);
        Assert.True(b.Parameters.AsSpan().SequenceEqual(a.Parameters), $"{T.Description.Name}, batch {batchSize}: TrainBatch differs from Backward + Step");
    }

    private static (Features Inputs, DenseMatrix Targets) Data(ModelDescription description, int rows, bool dense)
    {
        if (description.Inputs > 100)
        {
            var (sparse, targets) = ModelHarness.MultiHot(description, rows, 0.05, 21);
            return (dense ? sparse.ToDense() : sparse, targets);
        }

        return ModelHarness.RealValued(description, rows, 21);
    }

    internal sealed class ReferenceCheck : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            const int Rows = 23;
            var description = T.Description;
            var (inputs, targets) = Data(description, Rows, dense: false);
            var model = T.Create(17);
            var reference = new ReferenceNetwork(description, model.Parameters, legacyEpsilon, momentum);
            var workspace = model.CreateWorkspace(Rows);
            int[] rows = ModelHarness.AllRows(Rows).Reverse().ToArray();
            var batch = new Batch(inputs, targets, rows);
            ModelHarness.AssertClose(reference.Evaluate(inputs, targets, rows).LossSum, model.Evaluate(batch, workspace).LossSum, 1e-5, 1e-5, "evaluation loss");
            for (int step = 1; step <= 4; step++)
            {
                SetKey(model, step);
                reference.DropoutKey = HasDropout(description) ? DropoutKernels.Key(3, 1, step) : null;
                ModelHarness.AssertStepMatchesReference(model, reference, inputs, targets, rows, workspace, $"step {step}");
            }
        }
    }

    internal sealed class FiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            const int Rows = 9;
            var (inputs, targets) = Data(description, Rows, dense: true);
            int[] rows = ModelHarness.AllRows(Rows);
            var reference = new ReferenceNetwork(description, T.Create(2).Parameters) { DropoutKey = HasDropout(description) ? DropoutKernels.Key(3, 1, 6) : null };
            var gradient = new double[description.ParameterCount];
            reference.Backward(inputs, targets, rows, gradient);
            var penalty = reference.RegularizationGradient();
            var random = new DeterministicRandom(3);
            foreach (var layer in description.Layers)
            {
                for (int k = 0; k < 6; k++)
                {
                    foreach (int p in new[] { layer.KernelOffset + random.NextInt(layer.KernelLength), layer.BiasOffset + random.NextInt(layer.Units) })
                    {
                        double saved = reference.Parameters[p];
                        if (Math.Abs(saved) < 1e-5)
                        {
                            continue; // |w| has a kink at 0 (a zero bias, before any step)
                        }

                        reference.Parameters[p] = saved + 1e-6;
                        double plus = reference.Backward(inputs, targets, rows, new double[gradient.Length]).LossSum;
                        reference.Parameters[p] = saved - 1e-6;
                        double minus = reference.Backward(inputs, targets, rows, new double[gradient.Length]).LossSum;
                        reference.Parameters[p] = saved;
                        ModelHarness.AssertClose((plus - minus) / 2e-6, gradient[p] + (Rows * penalty[p]), 1e-6, 1e-5, $"d (loss + rows x penalty) / d parameter {p}");
                    }
                }
            }
        }
    }
}
