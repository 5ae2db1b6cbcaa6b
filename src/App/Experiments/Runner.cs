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
                    var imdb = DataSources.Imdb(settings, reporter, cancellation);
                    results.Imdb = TextClassification.Run<ImdbNet>(imdb, settings, reporter, cancellation);
                    foreach (string variant in settings.ImdbVariants)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        (results.ImdbVariants ??= new Dictionary<string, TextResult>(StringComparer.Ordinal))[variant] = ImdbVariants.Run(variant, imdb, settings, reporter, cancellation);
                    }

                    break;
                case Experiment.Reuters:
                    results.Reuters = TextClassification.Run<ReutersNet>(DataSources.Reuters(settings, reporter, cancellation), settings, reporter, cancellation);
                    break;
                case Experiment.Boston:
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

        if (results.Imdb is { } original && results.ImdbVariants is { Count: > 0 } variants)
        {
            var rows = new List<(string, string)>();
            foreach (var (name, result) in new[] { ("original", original) }.Concat(variants.Select(v => (v.Key, v.Value))))
            {
                var valLoss = result.History["val_loss"];
                double lowest = valLoss.Min();
                rows.Add((name == "original" ? "original (16-16)" : ImdbVariants.Describe(name),
                    I($"lowest val_loss {lowest:0.0000} at epoch {Array.IndexOf(valLoss, lowest) + 1}, final {valLoss[^1]:0.0000}; test accuracy {result.Test["accuracy"]:0.0000}")));
            }

            sections.Add(("imdb-variants", rows));
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
