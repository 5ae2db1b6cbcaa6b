using AotNet.App.Terminal;
using AotNet.Tests.Reliability;
using AotNet.Reporting;

namespace AotNet.Tests.App;

/// <summary>Progress as Keras shows it: time per step, the time left, per-fold times, and lines that never run together.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-progress").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0.0025, "2.5ms/step")]
    [InlineData(0.000804, "804us/step")]
    public void Step_times_read_as_keras_prints_them(double seconds, string expected) =>
        Assert.Equal(expected, ConsoleReporter.FormatStep(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void The_live_line_shows_batches_loss_and_the_time_left_for_the_whole_fit()
    {
        // epoch 3 of 10 after two epochs of 1 s each, half a second into the third: 8 epochs' worth left minus 0.5 s
        string line = ConsoleReporter.LiveLine(3, 10, 15, 30, 0.25, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2));
        Assert.StartsWith("Epoch 3/10 ", line);
        Assert.Contains("15/30 - loss: 0.2500", line);
        Assert.EndsWith("ETA 7.50s", line);

        // in the first epoch the pace comes from the fraction done: 0.5 s for a quarter, so 2 s an epoch, 2 epochs
        Assert.EndsWith("ETA 3.50s", ConsoleReporter.LiveLine(1, 2, 1, 4, 0.5, TimeSpan.FromSeconds(0.5), TimeSpan.Zero));
    }

    [Fact]
    public void An_epoch_line_has_the_time_per_step()
    {
        var output = new StringWriter();
        var reporter = new ConsoleReporter(OutputMode.Plain, output);
        reporter.BeginFit(2, stepsPerEpoch: 40);
        var history = new AotNet.Training.History("accuracy", hasValidation: false, capacity: 2);
        history.Add(0.5, [0.75], double.NaN, []);
        reporter.OnEpochEnd(1, history, TimeSpan.FromSeconds(1));
        Assert.Equal("Epoch 1/2 1.00s 25.0ms/step - loss: 0.5000 - accuracy: 0.7500" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Stopping_the_live_line_clears_it_so_the_next_message_starts_on_its_own_line()
    {
        var output = new StringWriter();
        var reporter = new ConsoleReporter(OutputMode.Rich, output);
        using (reporter.Redraw(() => "Epoch 1/20 ━━━━ 3/40 - loss: 0.6931"))
        {
        }

        Assert.EndsWith("\r\u001b[2K", output.ToString());
        reporter.Line("fold 1/5: done");
        Assert.EndsWith("\r\u001b[2Kfold 1/5: done" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Boston_fold_lines_give_each_folds_own_time_and_step_time()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--epochs", "5", "--folds", "2"], timeoutSeconds: 120);
        Assert.True(result.Code == 0, result.Err);
        var folds = result.Out.Split('\n').Where(l => l.StartsWith("fold ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, folds.Count);
        Assert.All(folds, l => Assert.Matches(@"^fold \d/2: val_mae [\d.]+ after 5 epochs \(lowest [\d.]+ at epoch \d\), [\d.]+m?s \([\d.]+(us|ms)/step\)$", l.TrimEnd('\r')));
        Assert.Contains("wrote the trained weights", AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--epochs", "2", "--folds", "2", "--save-weights", Path.Combine(_dir, "w.safetensors")], timeoutSeconds: 120).Out);
    }

    [Fact]
    public void The_folds_line_estimates_the_time_left_from_the_folds_done()
    {
        Assert.Equal("k-fold: 0/5 folds done, 2 at a time - 1.00s", AotNet.App.Experiments.Boston.FoldsLine(0, 5, 2, TimeSpan.FromSeconds(1), 0));
        // 3 folds left at 2 s each, two at a time
        Assert.Equal("k-fold: 2/5 folds done, 2 at a time - 2.00s - ETA 3.00s", AotNet.App.Experiments.Boston.FoldsLine(2, 5, 2, TimeSpan.FromSeconds(2), 4));
    }

    [Fact]
    public void The_folds_line_shows_the_epoch_of_every_fold_still_training()
    {
        var running = new AotNet.Training.TrainingProgress();
        var done = new AotNet.Training.TrainingProgress();
        var model = AotNet.App.BostonNet.Create(1);
        var data = new AotNet.Data.LabeledData(new AotNet.Data.DenseMatrix(4, 13), new AotNet.Data.DenseMatrix(4, 1));
        using (var trainer = new AotNet.Training.Trainer<AotNet.App.BostonNet>(model))
        {
            trainer.Fit(data, null, new AotNet.Training.FitOptions { Epochs = 2, BatchSize = 2 });
            done = trainer.Progress; // finished: not shown
        }

        Assert.Equal(string.Empty, AotNet.App.Experiments.Boston.RunningFolds([null, done]));
        using (var trainer = new AotNet.Training.Trainer<AotNet.App.BostonNet>(AotNet.App.BostonNet.Create(1)))
        {
            var observer = new StopAfterFirstEpoch();
            Assert.Throws<OperationCanceledException>(() => trainer.Fit(data, null, new AotNet.Training.FitOptions { Epochs = 3, BatchSize = 2 }, observer, observer.Token));
            running = trainer.Progress; // stopped after epoch 1 of 3
        }

        Assert.Equal(" - fold 2: epoch 1/3", AotNet.App.Experiments.Boston.RunningFolds([done, running, null]));
    }

    private sealed class StopAfterFirstEpoch : AotNet.Training.ITrainingObserver
    {
        private readonly CancellationTokenSource _cancel = new();

        public CancellationToken Token => _cancel.Token;

        public void OnEpochEnd(int epoch, AotNet.Training.History history, TimeSpan elapsed) => _cancel.Cancel();
    }
}

/// <summary>What a person at a terminal sees, through tmux (a real pseudo-terminal): skipped, saying so, without tmux.</summary>
public sealed class TerminalTests
{
    [TmuxFact]
    public void Predict_without_inputs_on_a_terminal_says_it_reads_one_input_per_line_until_ctrl_d()
    {
        string session = "aotnet-test-" + Guid.NewGuid().ToString("N")[..8];
        string dll = Path.Combine(AppContext.BaseDirectory, "aotnet.dll");
        string weights = Path.Combine(Path.GetTempPath(), "aotnet-no-such-weights.safetensors");
        Tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "20", $"dotnet {dll} predict boston --weights {weights}; sleep 60");
        try
        {
            string screen = string.Empty;
            for (int i = 0; i < 300 && !screen.Contains("no-such-weights", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(100);
                screen = Tmux("capture-pane", "-p", "-t", session);
            }

            Assert.Contains("aotnet predict boston: reading one row of 13 values per line until Ctrl+D", screen);
        }
        finally
        {
            Tmux("kill-session", "-t", session);
        }
    }

    private static string Tmux(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}

/// <summary>A fact that needs tmux: skipped, saying how to install it, when it is absent.</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "tmux"))))
        {
            Skip = "tmux is not installed: apt-get install tmux (the test runs aotnet on a real pseudo-terminal)";
        }
    }
}
