using AotNet.Data;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>
/// A learning-rate schedule (evaluated every step) and ReduceLROnPlateau allocate nothing after the first epoch. Each
/// measures fits after a first one has run every method often enough for tiered compilation to promote it, and takes
/// the least of up to three (as <see cref="AllocationMeasurements.SteadyState"/> does): an allocation per step or
/// epoch shows in every fit, while the runtime's one-off counter jumps (about 7–8 KB) seen in the full parallel run
/// do not repeat.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public class ScheduleAllocationTests
{
    [Fact]
    public void ScheduledTrainingAllocatesNothingAfterTheFirstEpoch()
    {
        // the fused one-row step (batch 1) and the multi-hot row-wise step on two threads
        var (inputs, targets) = ModelHarness.RealValued(AdamWNet.Description, 200, 2);
        using (var trainer = new Trainer<AdamWNet>(AdamWNet.Create(1), threads: 2))
        {
            var data = new LabeledData(inputs, targets);
            var options = new FitOptions { Epochs = 3, BatchSize = 1, Seed = 1, LearningRateSchedule = new CosineDecay(0.01, 500, warmupTarget: 0.02, warmupSteps: 50) };
            trainer.Fit(data, data, options);
            Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(data, data, options)));
        }

        var (sparse, labels) = ModelHarness.MultiHot(RmsPropDecayNet.Description, 700, 0.05, 2);
        using (var trainer = new Trainer<RmsPropDecayNet>(RmsPropDecayNet.Create(1), threads: 2))
        {
            var data = new LabeledData(sparse, labels);
            var options = new FitOptions { Epochs = 3, BatchSize = 256, Seed = 1, LearningRateSchedule = new ExponentialDecay(0.01, 2, 0.9) };
            trainer.Fit(data, data, options);
            Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(data, data, options)));
        }
    }

    [Fact]
    public void ReduceLROnPlateauAllocatesNothingAfterTheFirstEpoch()
    {
        var (inputs, targets) = ModelHarness.RealValued(SgdDecayClipNet.Description, 300, 2);
        var data = new LabeledData(inputs, targets);
        using var trainer = new Trainer<SgdDecayClipNet>(SgdDecayClipNet.Create(1), threads: 2);
        var options = new FitOptions { Epochs = 6, BatchSize = 32, Seed = 1, ReduceLROnPlateau = new ReduceLROnPlateau { Patience = 1, MinDelta = 1e9 } };
        trainer.Fit(data, data, options);
        Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() =>
        {
            trainer.LearningRate = null;
            var history = trainer.Fit(data, data, options);
            Assert.True(history["learning_rate"][^1] < history["learning_rate"][0], "no reduction");
            return history;
        }));
    }

}
