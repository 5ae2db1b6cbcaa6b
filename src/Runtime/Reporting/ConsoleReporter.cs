using System.Globalization;
using System.Text;
using AotNet.Training;

namespace AotNet.Reporting;

/// <summary>How much the app prints: Keras-like lines with progress bars on a terminal, plain lines when piped, nothing but errors when quiet.</summary>
public enum OutputMode
{
    Rich,
    Plain,
    Quiet,
}

/// <summary>Prints training progress the way Keras's <c>verbose=1</c> does: one line per epoch with its metrics.</summary>
public sealed class ConsoleReporter : ITrainingObserver
{
    private const int BarWidth = 20;
    private readonly TextWriter _out;
    private readonly object _gate = new();

    /// <summary>Guards the output: whoever writes to it between progress redraws takes this lock.</summary>
    public object Gate => _gate;

    /// <summary>Where the reporter writes.</summary>
    public TextWriter Output => _out;

    public ConsoleReporter(OutputMode mode, TextWriter? output = null)
    {
        Mode = mode;
        _out = output ?? Console.Out;
    }

    public OutputMode Mode { get; }

    public static OutputMode Detect(bool quiet) =>
        quiet ? OutputMode.Quiet : Console.IsOutputRedirected ? OutputMode.Plain : OutputMode.Rich;

    public void Heading(string text)
    {
        if (Mode == OutputMode.Quiet)
        {
            return;
        }

        lock (_gate)
        {
            _out.WriteLine(Mode == OutputMode.Rich ? $"\r\u001b[2K\u001b[1m{text}\u001b[0m" : text);
        }
    }

    public void Line(string text)
    {
        if (Mode == OutputMode.Quiet)
        {
            return;
        }

        lock (_gate)
        {
            // on a terminal a live progress line may be showing: replace it, the next redraw puts it below
            _out.WriteLine(Mode == OutputMode.Rich ? "\r\u001b[2K" + text : text);
        }
    }

    public void OnEpochEnd(int epoch, History history, TimeSpan epochTime)
    {
        if (Mode == OutputMode.Quiet)
        {
            return;
        }

        _fitElapsed += epochTime;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {epoch}/{_epochs}");
        if (Mode == OutputMode.Rich)
        {
            line.Append(' ').Append(Bar(1.0));
        }

        line.Append(CultureInfo.InvariantCulture, $" {FormatDuration(epochTime)}");
        if (_steps > 0)
        {
            // Keras's "40/40 ━━━ 1s 25ms/step": the mean time of one batch (training step) of this epoch
            line.Append(' ').Append(FormatStep(epochTime / _steps));
        }

        foreach (string key in history.Keys)
        {
            line.Append(CultureInfo.InvariantCulture, $" - {key}: {history[key][epoch - 1]:0.0000}");
        }

        lock (_gate)
        {
            if (Mode == OutputMode.Rich)
            {
                _out.Write("\r\u001b[2K");
            }

            _out.WriteLine(line.ToString());
        }
    }

    /// <summary>The number of epochs shown in "Epoch i/N" and the batches of one epoch (for ms/step; 0: unknown).</summary>
    public void BeginFit(int epochs, int stepsPerEpoch = 0)
    {
        _epochs = epochs;
        _steps = stepsPerEpoch;
        _fitElapsed = TimeSpan.Zero;
    }

    private int _epochs, _steps;
    private TimeSpan _fitElapsed;

    /// <summary>
    /// Keras's <c>model.fit(…, verbose=1)</c> from the library: a live bar with the ETA while an epoch runs (on a
    /// terminal), then one line per epoch with every history value.
    /// </summary>
    /// <example><c>var history = new ConsoleReporter(ConsoleReporter.Detect(quiet: false)).Fit(trainer, train, validation, options);</c></example>
    public History Fit<TModel>(Trainer<TModel> trainer, Data.LabeledData train, Data.LabeledData? validation, FitOptions options, CancellationToken cancellation = default)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        int rows = validation is null && options.ValidationSplit > 0 ? (int)Math.Floor(train.Count * (1.0 - options.ValidationSplit)) : train.Count;
        BeginFit(options.Epochs, options.BatchSize > 0 ? (rows + options.BatchSize - 1) / options.BatchSize : 0);
        using (Live(trainer.Progress))
        {
            return trainer.Fit(train, validation, options, this, cancellation);
        }
    }

    /// <summary>"1.2ms/step" or "850us/step", as Keras prints a step's time.</summary>
    public static string FormatStep(TimeSpan step) =>
        step.TotalMilliseconds >= 1
            ? step.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + "ms/step"
            : (step.TotalMilliseconds * 1000).ToString("0", CultureInfo.InvariantCulture) + "us/step";

    /// <summary>
    /// The live line of a fit: the epoch's bar, batch i/n, the running loss and the time left for the whole fit,
    /// estimated from the epochs done and the current epoch's pace.
    /// </summary>
    public static string LiveLine(int epoch, int epochs, int batch, int batches, double loss, TimeSpan epochElapsed, TimeSpan doneElapsed)
    {
        double fraction = batches > 0 ? (double)batch / batches : 0;
        string eta = string.Empty;
        if (epoch >= 1 && (epoch > 1 || fraction > 0))
        {
            double perEpoch = epoch > 1 ? doneElapsed.TotalSeconds / (epoch - 1) : epochElapsed.TotalSeconds / fraction;
            double left = Math.Max(0, ((epochs - epoch + 1) * perEpoch) - (epoch > 1 ? epochElapsed.TotalSeconds : perEpoch * fraction));
            eta = " - ETA " + FormatDuration(TimeSpan.FromSeconds(left));
        }

        return string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}/{epochs} {Bar(fraction)} {batch}/{batches} - loss: {loss:0.0000}{eta}");
    }

    /// <summary>
    /// On a terminal, redraws the current epoch's progress bar from <paramref name="progress"/> every 100 ms until the
    /// returned handle is disposed; elsewhere does nothing. Drawing happens on its own thread, never in the training loop.
    /// </summary>
    public IDisposable Live(TrainingProgress progress)
    {
        if (Mode != OutputMode.Rich)
        {
            return NoOp.Instance;
        }

        int lastEpoch = 0;
        var epochClock = System.Diagnostics.Stopwatch.StartNew();
        return Redraw(() =>
        {
            int batches = progress.Batches;
            if (batches == 0)
            {
                return null;
            }

            if (progress.Epoch != lastEpoch)
            {
                lastEpoch = progress.Epoch;
                epochClock.Restart();
            }

            return LiveLine(progress.Epoch, progress.Epochs, progress.Batch, batches, progress.Loss, epochClock.Elapsed, _fitElapsed);
        });
    }

    /// <summary>
    /// On a terminal, redraws the line <paramref name="text"/> gives (null: nothing yet) every 100 ms until the handle
    /// is disposed, which clears the line, so what follows (a result, or Ctrl+C's message) starts on a clean line.
    /// </summary>
    public IDisposable Redraw(Func<string?> text)
    {
        if (Mode != OutputMode.Rich)
        {
            return NoOp.Instance;
        }

        var stop = new CancellationTokenSource();
        var thread = new Thread(() =>
        {
            while (!stop.Token.WaitHandle.WaitOne(100))
            {
                if (text() is { } line)
                {
                    lock (_gate)
                    {
                        _out.Write("\r\u001b[2K" + line);
                    }
                }
            }
        })
        { IsBackground = true, Name = "aotnet-progress" };
        thread.Start();
        return new Stopper(stop, thread, this);
    }

    private void ClearLine()
    {
        lock (_gate)
        {
            _out.Write("\r\u001b[2K");
            _out.Flush();
        }
    }

    public static string FormatDuration(TimeSpan time) =>
        time.TotalSeconds >= 1
            ? time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s"
            : time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + "ms";

    private static string Bar(double fraction)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * BarWidth);
        return new string('━', filled) + new string('─', BarWidth - filled);
    }

    private sealed class NoOp : IDisposable
    {
        public static readonly NoOp Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Stopper(CancellationTokenSource stop, Thread thread, ConsoleReporter owner) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            thread.Join();
            stop.Dispose();
            owner.ClearLine();
        }
    }
}
