using AotNet.Data;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>
/// AdamW and <c>WeightDecay</c> (Keras 3's decoupled weight decay: clip, then <c>w − w·wd·lr</c> on every kernel and bias,
/// then the update) and learning-rate schedules, on every training path of the generated models (the fused one-row
/// step, the multi-hot first kernel kept row-wise, chunks), against the scalar reference.
/// </summary>
public class WeightDecayTests
{
    [Fact]
    public void DescriptionsExposeTheWeightDecayAndAdamWDefaultsToKeras()
    {
        Assert.Equal(Optimizer.AdamW, AdamWDefaultNet.Description.Optimizer);
        Assert.Equal(0.004, AdamWDefaultNet.Description.WeightDecay);
        Assert.Equal(0.001, AdamWDefaultNet.Description.LearningRate);
        Assert.Equal(0.5, AdamWNet.Description.WeightDecay);
        Assert.Equal(0.3, SgdDecayClipNet.Description.WeightDecay);
        Assert.Equal(0.0, ClipValueNet.Description.WeightDecay);
        Assert.Equal(0.004f, AdamWDefaultNet.WeightDecay);
    }

    public static TheoryData<string, int, bool, bool> Cases() => new()
    {
        // model, batch, multi-hot inputs, with a schedule
        { nameof(AdamWNet), 1, false, false },      // fused one-row step
        { nameof(AdamWNet), 1, false, true },
        { nameof(AdamWNet), 16, false, true },      // one chunk
        { nameof(AdamWDefaultNet), 5, false, false },
        { nameof(RmsPropDecayNet), 1, true, false }, // multi-hot, row-wise first kernel
        { nameof(RmsPropDecayNet), 32, true, true },
        { nameof(RmsPropDecayNet), 300, false, false }, // dense, two chunks
        { nameof(SgdDecayClipNet), 1, false, true }, // clipvalue: no fused step
        { nameof(SgdDecayClipNet), 40, false, false },
        { nameof(AdamWClipNet), 50, true, true },   // global_clipnorm, multi-hot through the block
        { nameof(SgdDecayNet), 1, false, true },    // fused step with a one-unit output (the column kernel)
        { nameof(SgdDecayNet), 7, false, false },
        { nameof(DecayWideNet), 200, false, true }, // tiles
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainBatchMatchesTheReference(string model, int batch, bool sparse, bool schedule)
    {
        switch (model)
        {
            case nameof(AdamWNet): Check<AdamWNet>(batch, sparse, schedule); break;
            case nameof(AdamWDefaultNet): Check<AdamWDefaultNet>(batch, sparse, schedule); break;
            case nameof(RmsPropDecayNet): Check<RmsPropDecayNet>(batch, sparse, schedule); break;
            case nameof(SgdDecayClipNet): Check<SgdDecayClipNet>(batch, sparse, schedule, momentum: 0.9, clipValue: 0.1); break;
            case nameof(AdamWClipNet): Check<AdamWClipNet>(batch, sparse, schedule, globalClipNorm: 0.05); break;
            case nameof(DecayWideNet): Check<DecayWideNet>(batch, sparse, schedule); break;
            default: Check<SgdDecayNet>(batch, sparse, schedule); break;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCount(int batchSize)
    {
        var schedule = new CosineDecay(0.02, 30, alpha: 0.1, warmupTarget: 0.05, warmupSteps: 3);
        RegularizerTests.AssertThreadIndependent<AdamWNet>(batchSize, sparse: false, schedule);
        RegularizerTests.AssertThreadIndependent<RmsPropDecayNet>(batchSize, sparse: true, schedule);
        RegularizerTests.AssertThreadIndependent<SgdDecayClipNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<AdamWClipNet>(batchSize, sparse: true, new ExponentialDecay(0.01, 5, 0.8, staircase: true));
        RegularizerTests.AssertThreadIndependent<SgdDecayNet>(batchSize, sparse: false, new PiecewiseConstantDecay([3, 10], [0.05, 0.02, 0.01]));
    }

    [Fact]
    public void TiledStepsAreTheSameForAnyThreadCount()
    {
        var (inputs, targets) = ModelHarness.RealValued(DecayWideNet.Description, 400, 8);
        var data = new LabeledData(inputs, targets);
        var options = new FitOptions { Epochs = 2, BatchSize = 200, Seed = 3, LearningRateSchedule = new CosineDecay(0.01, 3) };
        ModelHarness.AssertFitIsThreadIndependent<DecayWideNet>(data, null, options, nameof(DecayWideNet));
    }

    [Fact]
    public void TheScheduleFollowsTheOptimizerStepsAcrossFitsUntilResetOptimizer()
    {
        // iterations 0..5 at 0.05, then 0: six steps move the weights (with their decay), the seventh does not
        var (inputs, targets) = ModelHarness.RealValued(SgdDecayNet.Description, 1, 3);
        var data = new LabeledData(inputs, targets);
        var model = SgdDecayNet.Create(2);
        using var trainer = new Trainer<SgdDecayNet>(model, threads: 1);
        var options = new FitOptions { Epochs = 1, BatchSize = 1, LearningRateSchedule = new PiecewiseConstantDecay([5], [0.05, 0.0]) };
        for (int fit = 0; fit < 6; fit++)
        {
            float[] before = model.Parameters.ToArray();
            trainer.Fit(data, null, options);
            Assert.False(before.AsSpan().SequenceEqual(model.Parameters), $"step {fit} did not move the weights");
        }

        float[] frozen = model.Parameters.ToArray();
        trainer.Fit(data, null, options with { Epochs = 3 });
        Assert.Equal(frozen, model.Parameters);
        Assert.Equal(9, model.Iterations);

        model.ResetOptimizer();
        trainer.Fit(data, null, options);
        Assert.NotEqual(frozen, model.Parameters);

        // without a schedule the declared rate comes back
        float[] again = model.Parameters.ToArray();
        trainer.Fit(data, null, options with { LearningRateSchedule = null });
        Assert.NotEqual(again, model.Parameters);
    }

    /// <summary>Six TrainBatch steps on two threads against the reference stepping with the same rate (the schedule's, rounded to float).</summary>
    private static void Check<T>(int batch, bool sparse, bool schedule, double momentum = 0, double clipValue = 0, double globalClipNorm = 0)
        where T : class, IModelGradients<T>
    {
        const int Steps = 6;
        var description = T.Description;
        Features inputs;
        DenseMatrix targets;
        if (sparse)
        {
            (var csr, targets) = ModelHarness.MultiHot(description, batch * Steps, 0.05, 5);
            inputs = csr;
        }
        else
        {
            (var dense, targets) = ModelHarness.RealValued(description, batch * Steps, 5);
            inputs = dense;
        }

        var model = T.Create(4);
        ReferenceNetwork Reference(double weightDecay) => new(description, model.Parameters, momentum: momentum)
        {
            ClipValue = clipValue,
            GlobalClipNorm = globalClipNorm,
            WeightDecay = weightDecay,
        };

        var reference = Reference(description.WeightDecay);
        var undecayed = Reference(0);
        LearningRateSchedule? rates = schedule ? new ExponentialDecay(description.LearningRate * 3, 2, 0.5) : null;
        var data = new LabeledData(inputs, targets);
        int[] rows = ModelHarness.AllRows(batch * Steps);
        using var context = new TrainingContext(threads: 2) { LearningRateSchedule = rates };
        for (int step = 0; step < Steps; step++)
        {
            context.SetBatch(data, rows, step * batch, batch);
            var stats = model.TrainBatch(context);
            var gradient = new double[description.ParameterCount];
            var expected = reference.Backward(inputs, targets, rows.AsSpan(step * batch, batch), gradient);
            ModelHarness.AssertClose(expected.LossSum, stats.LossSum, 1e-5, 1e-5, $"step {step} loss");
            double? rate = rates is null ? null : (float)rates.At(step);
            reference.LearningRate = undecayed.LearningRate = rate;
            reference.Step(gradient, 1.0 / batch);
            var plain = new double[description.ParameterCount];
            undecayed.Backward(inputs, targets, rows.AsSpan(step * batch, batch), plain);
            undecayed.Step(plain, 1.0 / batch);
            ModelHarness.AssertClose(reference.Parameters, model.Parameters, 2e-6, 1e-5, $"{description.Name}, batch {batch}, step {step} parameters");
        }

        Assert.Equal(Steps, ((dynamic)model).Iterations);
        var difference = reference.Parameters.Zip(undecayed.Parameters, (a, b) => a - b).ToArray();
        Assert.True(ModelHarness.MaxAbs(difference) > 1e-5, $"the weight decay changed the weights by at most {ModelHarness.MaxAbs(difference)}");
    }
}
