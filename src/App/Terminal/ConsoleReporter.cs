using System.Globalization;
using System.Text;
using AotNet.Training;
using Spectre.Console;

namespace AotNet.App.Terminal;

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
            _out.WriteLine(Mode == OutputMode.Rich ? $"\u001b[1m{text}\u001b[0m" : text);
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
            _out.WriteLine(text);
        }
    }

    public void OnEpochEnd(int epoch, History history, TimeSpan epochTime)
    {
        if (Mode == OutputMode.Quiet)
        {
            return;
        }

        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {epoch}/{_epochs}");
        if (Mode == OutputMode.Rich)
        {
            line.Append(' ').Append(Bar(1.0));
        }

        line.Append(CultureInfo.InvariantCulture, $" {FormatDuration(epochTime)}");
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

    /// <summary>The number of epochs shown in "Epoch i/N".</summary>
    public void BeginFit(int epochs) => _epochs = epochs;

    private int _epochs;

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

        var stop = new CancellationTokenSource();
        var thread = new Thread(() =>
        {
            while (!stop.Token.WaitHandle.WaitOne(100))
            {
                int batches = progress.Batches;
                if (batches == 0)
                {
                    continue;
                }

                double fraction = (double)progress.Batch / batches;
                lock (_gate)
                {
                    _out.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[2KEpoch {progress.Epoch}/{progress.Epochs} {Bar(fraction)} {progress.Batch}/{batches} - loss: {progress.Loss:0.0000}"));
                }
            }
        })
        { IsBackground = true, Name = "aotnet-progress" };
        thread.Start();
        return new Stopper(stop, thread);
    }

    /// <summary>The end-of-run summary: a table on a terminal, aligned text otherwise.</summary>
    public void Summary(IReadOnlyList<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> sections)
    {
        if (Mode == OutputMode.Quiet)
        {
            return;
        }

        lock (_gate)
        {
            if (Mode == OutputMode.Rich)
            {
                var table = new Table().Title("[bold]AotNet summary[/]").AddColumn("experiment").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
                foreach (var (experiment, rows) in sections)
                {
                    for (int i = 0; i < rows.Count; i++)
                    {
                        table.AddRow(i == 0 ? $"[bold]{Markup.Escape(experiment)}[/]" : string.Empty, Markup.Escape(rows[i].Label), Markup.Escape(rows[i].Value));
                    }
                }

                AnsiConsole.Write(table);
                return;
            }

            _out.WriteLine("== summary");
            int width = sections.SelectMany(s => s.Rows).Select(r => r.Label.Length).DefaultIfEmpty(0).Max();
            foreach (var (experiment, rows) in sections)
            {
                foreach (var (label, value) in rows)
                {
                    _out.WriteLine($"{experiment,-8} {label.PadRight(width)}  {value}");
                }
            }
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

    private sealed class Stopper(CancellationTokenSource stop, Thread thread) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            thread.Join();
            stop.Dispose();
        }
    }
}
