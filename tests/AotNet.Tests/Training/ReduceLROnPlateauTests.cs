using AotNet.Data;
using AotNet.Tests.Generator;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>Keras 3's ReduceLROnPlateau: its waiting, cooldown, min_lr and min_delta on crafted histories, and in a fit.</summary>
public class ReduceLROnPlateauTests
{
    /// <summary>The rates after each epoch of a monitored series, starting from <paramref name="start"/>.</summary>
    private static float[] Rates(ReduceLROnPlateau settings, float start, params double[] monitored)
    {
        var tracker = new PlateauTracker(settings);
        float rate = start;
        return monitored.Select(value => rate = tracker.OnEpochEnd(value, rate)).ToArray();
    }

    [Fact]
    public void WaitsPatienceEpochsWithoutImprovementThenMultipliesByTheFactor()
    {
        var settings = new ReduceLROnPlateau { Patience = 2, Factor = 0.5, MinDelta = 0 };
        // 1.0 and 0.9 improve; 0.95 twice: the second makes wait = 2 = patience; 0.95 again waits; 0.8 improves
        float[] rates = Rates(settings, 0.1f, 1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85);
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f, 0.025f], rates);

        // Keras's defaults: patience 10, factor 0.1
        float[] flat = Rates(new ReduceLROnPlateau(), 0.001f, Enumerable.Repeat(1.0, 12).ToArray());
        Assert.Equal(Enumerable.Repeat(0.001f, 10).Append((float)(0.001f * 0.1)).Append((float)(0.001f * 0.1)), flat);
    }

    [Fact]
    public void CooldownEpochsDoNotCountAsWaiting()
    {
        // patience 1, cooldown 2 on a flat series: reduce, two quiet epochs (the second also resets wait, then waits 1), reduce…
        var settings = new ReduceLROnPlateau { Patience = 1, Factor = 0.5, Cooldown = 2 };
        float[] rates = Rates(settings, 1f, 5, 5, 5, 5, 5, 5, 5, 5);
        Assert.Equal([1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.0625f], rates);

        // an improvement during the cooldown is taken as the new best
        var tracker = new PlateauTracker(settings with { Patience = 2 });
        Assert.Equal(1f, tracker.OnEpochEnd(5, 1f));
        Assert.Equal(1f, tracker.OnEpochEnd(5, 1f));
        Assert.Equal(0.5f, tracker.OnEpochEnd(5, 1f));
        Assert.Equal(2, tracker.CooldownCounter);
        Assert.Equal(0.5f, tracker.OnEpochEnd(4, 0.5f)); // better, in cooldown
        Assert.Equal(0.5f, tracker.OnEpochEnd(4.5, 0.5f)); // cooldown ends, not better than 4: wait 1
        Assert.Equal(1, tracker.Wait);
        Assert.Equal(0.25f, tracker.OnEpochEnd(4.5, 0.5f));
    }

    [Fact]
    public void NeverGoesBelowMinLearningRate()
    {
        var settings = new ReduceLROnPlateau { Patience = 0, Factor = 0.1, MinLearningRate = 0.005 };
        float[] rates = Rates(settings, 0.1f, 1, 1, 1, 1, 1);
        // epoch 1 improves (first value); then 0.1 → 0.01 → max(0.001, 0.005); at 0.005 nothing more
        Assert.Equal([0.1f, (float)(0.1f * 0.1), 0.005f, 0.005f, 0.005f], rates);
    }

    [Fact]
    public void ImprovementsSmallerThanMinDeltaAreNotImprovements()
    {
        var settings = new ReduceLROnPlateau { Patience = 1, Factor = 0.5, MinDelta = 1e-4 };
        Assert.Equal([1f, 0.5f], Rates(settings, 1f, 1.0, 0.99995));
        Assert.Equal([1f, 1f], Rates(settings, 1f, 1.0, 0.9998));
        Assert.Equal([1f, 1f], Rates(settings with { MinDelta = -1e-4 }, 1f, 1.0, 0.9998)); // Keras takes abs(min_delta)

        // accuracies are maximised
        var accuracy = new ReduceLROnPlateau { Monitor = "val_accuracy", Patience = 1, Factor = 0.5 };
        Assert.Equal([1f, 1f, 0.5f], Rates(accuracy, 1f, 0.5, 0.7, 0.6));
    }

    [Fact]
    public void AFitRecordsTheRatesAndStepsWithTheReducedRate()
    {
        // MinDelta 1e9: only the first epoch is an improvement, so the reductions come at fixed epochs
        var (inputs, targets) = ModelHarness.RealValued(AdamWNet.Description, 40, 6);
        var data = new LabeledData(inputs, targets);
        var plateau = new ReduceLROnPlateau { Patience = 2, Factor = 0.5, Cooldown = 1, MinDelta = 1e9 };
        var options = new FitOptions { Epochs = 8, BatchSize = 8, Shuffle = false, ReduceLROnPlateau = plateau };
        var model = AdamWNet.Create(3);
        using var trainer = new Trainer<AdamWNet>(model, threads: 2);
        var history = trainer.Fit(data, data, options);

        const float L = 0.01f;
        Assert.Equal(["loss", "mae", "val_loss", "val_mae", "learning_rate"], history.Keys);
        Assert.Equal(new double[] { L, L, L, L / 2, L / 2, L / 4, L / 4, L / 8 }, history["learning_rate"]);
        Assert.Equal(L / 8, trainer.LearningRate);

        // the same training epoch by epoch with those rates set by hand gives the same bits
        var twin = AdamWNet.Create(3);
        using var manual = new Trainer<AdamWNet>(twin, threads: 1);
        foreach (double rate in history["learning_rate"])
        {
            manual.LearningRate = (float)rate;
            manual.Fit(data, null, options with { Epochs = 1, ReduceLROnPlateau = null });
        }

        Assert.Equal(model.Parameters, twin.Parameters);

        // the reduced rate stays with the trainer (as with a Keras optimizer) until it is set back
        var next = trainer.Fit(data, data, options with { Epochs = 1 });
        Assert.Equal(new double[] { L / 8 }, next["learning_rate"]);
        trainer.LearningRate = null;
        Assert.Equal(new double[] { L }, trainer.Fit(data, data, options with { Epochs = 1 })["learning_rate"]);
    }

    [Fact]
    public void MisuseIsRejected()
    {
        var (inputs, targets) = ModelHarness.RealValued(AdamWNet.Description, 10, 6);
        var data = new LabeledData(inputs, targets);
        using var trainer = new Trainer<AdamWNet>(AdamWNet.Create(3));
        var options = new FitOptions { Epochs = 1, ReduceLROnPlateau = new ReduceLROnPlateau() };
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, data, options with { LearningRateSchedule = new ExponentialDecay(0.01, 10, 0.9) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, data, options with { ReduceLROnPlateau = new ReduceLROnPlateau { Factor = 1.0 } }));
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, null, options)); // no val_loss without validation data
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, data, options with { ReduceLROnPlateau = new ReduceLROnPlateau { Monitor = "val_accuracy" } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = float.NaN);
    }
}
