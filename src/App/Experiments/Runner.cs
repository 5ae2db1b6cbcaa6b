using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;

namespace AotNet.App.Experiments;

public enum Experiment
{
    Imdb,
    Reuters,
    Boston,
}

/// <summary>Runs the chosen experiments in order, then writes results.json, the figures and report.html.</summary>
internal static class Runner
{
    public static readonly Experiment[] All = [Experiment.Imdb, Experiment.Reuters, Experiment.Boston];

    public static int Run(IReadOnlyList<Experiment> experiments, RunSettings settings, ConsoleReporter reporter, string commandLine, CancellationToken cancellation)
    {
        var output = new OutputFolder(settings.OutDir); // fails early when --out cannot be written
        var started = DateTimeOffset.UtcNow;
        var results = new ResultsFile();
        foreach (var experiment in experiments)
        {
            cancellation.ThrowIfCancellationRequested();
            switch (experiment)
            {
                case Experiment.Imdb:
                    ModelFactory.LoadInitialWeights<ImdbNet>(settings);
                    results.Imdb = TextClassification.Run<ImdbNet>(DataSources.Imdb(settings, reporter, cancellation), settings, reporter, cancellation);
                    break;
                case Experiment.Reuters:
                    ModelFactory.LoadInitialWeights<ReutersNet>(settings);
                    results.Reuters = TextClassification.Run<ReutersNet>(DataSources.Reuters(settings, reporter, cancellation), settings, reporter, cancellation);
                    break;
                case Experiment.Boston:
                    ModelFactory.LoadInitialWeights<BostonNet>(settings);
                    results.Boston = Boston.Run(DataSources.Boston(settings, reporter, cancellation), settings, reporter, cancellation);
                    break;
            }
        }

        cancellation.ThrowIfCancellationRequested();
        var summary = Summary(results);
        output.Write(results, summary, commandLine, started);
        reporter.Summary(summary);
        reporter.Line($"wrote {string.Join(", ", output.Written)} to {output.Path}");
        return 0;
    }

    public static List<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> Summary(ResultsFile results)
    {
        var sections = new List<(string, IReadOnlyList<(string, string)>)>();
        foreach (var (name, text) in new[] { ("imdb", results.Imdb), ("reuters", results.Reuters) })
        {
            if (text is null)
            {
                continue;
            }

            int best = text.BestEpoch;
            sections.Add((name,
            [
                ("best epoch (val_accuracy)", I($"{best}")),
                ("best val_accuracy", I($"{text.History["val_accuracy"][best - 1]:0.0000}")),
                ("final loss / accuracy", I($"{text.History["loss"][^1]:0.0000} / {text.History["accuracy"][^1]:0.0000}")),
                ("final val_loss / val_accuracy", I($"{text.History["val_loss"][^1]:0.0000} / {text.History["val_accuracy"][^1]:0.0000}")),
                ("test loss / accuracy", I($"{text.Test["loss"]:0.0000} / {text.Test["accuracy"]:0.0000}")),
                ("seconds load / train / test", I($"{text.Seconds.Load:0.000} / {text.Seconds.Train:0.000} / {text.Seconds.Test:0.000}")),
                ("bytes allocated after epoch 1", I($"{text.AllocatedBytesAfterFirstEpoch}")),
            ]));
        }

        if (results.Boston is { } boston)
        {
            double min = boston.MeanValMae.Min();
            sections.Add(("boston",
            [
                ("lowest mean val_mae (epoch)", I($"{min:0.000} ({Array.IndexOf(boston.MeanValMae, min) + 1})")),
                ($"best epoch ({boston.Smoothing} smoothed)", I($"{boston.BestEpoch}")),
                ("final model test mae / mse", I($"{boston.Test["mae"]:0.000} / {boston.Test["loss"]:0.000}")),
                ("seconds load / k-fold / final", I($"{boston.Seconds.Load:0.000} / {boston.Seconds.Train:0.000} / {boston.Seconds.Test:0.000}")),
                ("bytes allocated after epoch 1", I($"{boston.AllocatedBytesAfterFirstEpoch}")),
            ]));
        }

        return sections;
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
