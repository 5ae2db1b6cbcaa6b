using AotNet.Data;
using AotNet.Tests.Generator;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>
/// Issue 21 items 4, 6, 7 and 12: a trainer refuses, before it changes the model, what would deadlock, poison the
/// weights or fail after the first epoch: concurrent use, a schedule giving NaN/∞/negative rates, callbacks monitoring
/// keys the fit does not record or writing where they cannot, and absurd thread counts.
/// </summary>
public sealed class TrainerGuardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-guards").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LabeledData Data(int rows = 64)
    {
        var (inputs, targets) = ModelHarness.RealValued(SgdDecayNet.Description, rows, 3);
        return new LabeledData(inputs, targets);
    }

    private sealed class FixedSchedule(double rate, long from = 0) : LearningRateSchedule
    {
        public override double At(long step) => step >= from ? rate : 0.01;
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 0)]
    [InlineData(-1.0, 0)]
    [InlineData(1e39, 0)] // finite in double, infinite as the float the step uses
    [InlineData(double.NaN, 5)]
    public void A_schedule_giving_a_rate_that_is_not_finite_and_non_negative_stops_the_fit_before_that_step(double rate, long from)
    {
        var model = SgdDecayNet.Create(2);
        using var trainer = new Trainer<SgdDecayNet>(model, threads: 1);
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Data(), null, new FitOptions { Epochs = 2, BatchSize = 8, LearningRateSchedule = new FixedSchedule(rate, from) }));
        Assert.Contains("FixedSchedule", e.Message);
        Assert.Contains($"for step {from}", e.Message);
        Assert.All(model.Parameters.ToArray(), w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public async Task Two_threads_fitting_one_trainer_get_a_clear_error_not_a_deadlock()
    {
        var model = SgdDecayNet.Create(2);
        using var trainer = new Trainer<SgdDecayNet>(model, threads: 2);
        var data = Data(512);
        using var inFit = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var observer = new Observer(() =>
        {
            inFit.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        });
        var first = Task.Run(() => trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 32 }, observer));
        Assert.True(inFit.Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 32 }));
        Assert.Contains("one caller at a time", e.Message);
        Assert.Throws<InvalidOperationException>(() => trainer.Evaluate(data));
        release.Set();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 32 }); // free again afterwards
    }

    [Fact]
    public void A_callback_may_evaluate_on_its_own_trainer_during_fit()
    {
        var model = SgdDecayNet.Create(2);
        using var trainer = new Trainer<SgdDecayNet>(model, threads: 2);
        var data = Data();
        double evaluated = double.NaN;
        trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 16 }, new Observer(() => evaluated = trainer.Evaluate(data).Loss));
        Assert.True(double.IsFinite(evaluated));
    }

    private sealed class Observer(Action onEpochEnd) : ITrainingObserver
    {
        public void OnEpochEnd(int epoch, History history, TimeSpan epochTime) => onEpochEnd();
    }

    private static void AssertRefusedBeforeTraining<TException>(FitOptions options, LabeledData? validation, params string[] expected)
        where TException : Exception
    {
        var model = SgdDecayNet.Create(2);
        float[] before = model.Parameters.ToArray();
        using var trainer = new Trainer<SgdDecayNet>(model, threads: 1);
        var e = Assert.ThrowsAny<TException>(() => trainer.Fit(Data(), validation, options));
        foreach (string text in expected)
        {
            Assert.Contains(text, e.Message);
        }

        Assert.Equal(before, model.Parameters.ToArray()); // nothing trained
    }

    [Fact]
    public void Callback_monitor_keys_are_checked_before_training_with_did_you_mean()
    {
        var model = SgdDecayNet.Create(2);
        string path = Path.Combine(_dir, "best.safetensors");
        AssertRefusedBeforeTraining<ArgumentException>(new FitOptions { Epochs = 2, BatchSize = 8, EarlyStopping = new EarlyStopping { Monitor = "val_los" } }, Data(), "EarlyStopping", "'val_los'", "did you mean 'val_loss'");
        AssertRefusedBeforeTraining<ArgumentException>(new FitOptions { Epochs = 2, BatchSize = 8, Callbacks = [new ModelCheckpoint<SgdDecayNet>(model, path) { Monitor = "val_acc" }] }, Data(), "ModelCheckpoint", "'val_acc'");
        AssertRefusedBeforeTraining<ArgumentException>(new FitOptions { Epochs = 2, BatchSize = 8, EarlyStopping = new EarlyStopping() }, null, "EarlyStopping", "no validation data", "ValidationSplit");
        AssertRefusedBeforeTraining<ArgumentException>(new FitOptions { Epochs = 2, BatchSize = 8, ReduceLROnPlateau = new ReduceLROnPlateau { Monitor = "lss" } }, Data(), "did you mean 'loss'");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_checkpoint_or_log_into_a_folder_that_cannot_take_files_is_refused_before_training()
    {
        var model = SgdDecayNet.Create(2);
        string missing = Path.Combine(_dir, "no-such-folder", "best.safetensors");
        AssertRefusedBeforeTraining<IOException>(new FitOptions { Epochs = 2, BatchSize = 8, Callbacks = [new ModelCheckpoint<SgdDecayNet>(model, missing)] }, Data(), "ModelCheckpoint", "no-such-folder", "does not exist");
        using var log = new CsvLogger(Path.Combine(_dir, "nowhere", "log.csv"));
        AssertRefusedBeforeTraining<IOException>(new FitOptions { Epochs = 2, BatchSize = 8, Callbacks = [log] }, Data(), "CsvLogger", "nowhere");
    }

    [Fact]
    public void Thread_counts_outside_1_to_MaxThreads_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<SgdDecayNet>(SgdDecayNet.Create(1), threads: Trainer<SgdDecayNet>.MaxThreads + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<SgdDecayNet>(SgdDecayNet.Create(1), threads: 5000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<SgdDecayNet>(SgdDecayNet.Create(1), threads: 0));
        using var most = new Trainer<SgdDecayNet>(SgdDecayNet.Create(1), threads: 4);
        Assert.Equal(256, Trainer<SgdDecayNet>.MaxThreads);
    }
}
