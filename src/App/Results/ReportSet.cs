using System.Globalization;
using System.Text.Json;
using AotNet.Reporting;

namespace AotNet.App.Results;

/// <summary>
/// Everything an <c>--out</c> folder holds, drawn from one <see cref="ResultsFile"/>: results.json, every figure and
/// report.html (a summary across the experiments with the reference numbers, then one section per experiment with
/// when and how it was produced, its numbers, Boston's folds and the figures).
/// </summary>
internal static class ReportSet
{
    /// <summary>The files of the set, name and text, figures first.</summary>
    public static List<(string File, string Text)> Render(ResultsFile results, string commandLine, DateTimeOffset generated)
    {
        var figures = Figures.For(results);
        var files = figures.Select(f => (f.File, SvgLineChart.Render(f.Chart))).ToList();
        files.Add((OutputFolder.ResultsFileName, JsonSerializer.Serialize(results, ResultsJsonContext.Default.ResultsFile)));
        var sections = Summary(results).Select(s => new ReportSection(
            s.Experiment,
            s.Rows.Select(r => new KeyValuePair<string, string>(r.Label, r.Value)).ToList(),
            files.Join(figures.Where(f => f.Experiment == s.Experiment), f => f.File, f => f.File, (file, f) => new ReportFigure(f.Caption, file.Item2) { FileName = f.File }).ToList())
        {
            Description = Figures.Describe(s.Experiment),
            Provenance = Provenance(Run(results, s.Experiment)),
            Tables = s.Experiment == "boston" && results.Boston is { } boston ? [FoldTable(boston)] : [],
        }).ToList();
        files.Add((OutputFolder.ReportFileName, HtmlReport.Render(new ReportModel(generated, sections)
        {
            CommandLine = commandLine,
            Version = string.Create(CultureInfo.InvariantCulture, $"report written by AotNet {RunInfo.Version} on {RunInfo.Machine().Describe()}"),
            Tables = sections.Count > 0 ? [Overview(results)] : [],
        })));
        return files;
    }

    /// <summary>The label/value rows of each experiment present, in the tutorial's order (also the terminal summary).</summary>
    public static List<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> Summary(ResultsFile results)
    {
        var sections = new List<(string, IReadOnlyList<(string, string)>)>();
        foreach (var (name, text) in new[] { ("imdb", results.Imdb), ("reuters", results.Reuters) })
        {
            if (text is null)
            {
                continue;
            }

            var rows = new List<(string, string)>();
            if (text.History.TryGetValue("val_accuracy", out var valAccuracy) && valAccuracy.Length > 0)
            {
                int best = Array.IndexOf(valAccuracy, valAccuracy.Max()) + 1;
                rows.Add(("highest val_accuracy (epoch)", I($"{valAccuracy[best - 1]:0.0000} ({best})")));
            }

            if (text.History.TryGetValue("val_loss", out var valLoss) && valLoss.Length > 0)
            {
                int lowest = Array.IndexOf(valLoss, valLoss.Min()) + 1;
                rows.Add(("lowest val_loss (epoch)", I($"{valLoss[lowest - 1]:0.0000} ({lowest})")));
            }

            rows.Add(("final loss / accuracy", I($"{Last(text, "loss"):0.0000} / {Last(text, "accuracy"):0.0000}")));
            rows.Add(("final val_loss / val_accuracy", I($"{Last(text, "val_loss"):0.0000} / {Last(text, "val_accuracy"):0.0000}")));
            rows.Add(("test loss / accuracy", I($"{Get(text.Test, "loss"):0.0000} / {Get(text.Test, "accuracy"):0.0000}")));
            rows.Add(("seconds load / train / test", I($"{text.Seconds.Load:0.000} / {text.Seconds.Train:0.000} / {text.Seconds.Test:0.000}")));
            rows.Add(("bytes allocated after epoch 1", I($"{text.AllocatedBytesAfterFirstEpoch}")));
            sections.Add((name, rows));
        }

        if (results.Imdb is { } original && results.ImdbVariants is { Count: > 0 } variants)
        {
            var rows = new List<(string, string)>();
            foreach (var (name, result) in new[] { ("original", original) }.Concat(variants.Select(v => (v.Key, v.Value))))
            {
                var valLoss = result.History["val_loss"];
                double lowest = valLoss.Min();
                rows.Add((name == "original" ? "original (16-16)" : Experiments.ImdbVariants.Describe(name),
                    I($"lowest val_loss {lowest:0.0000} at epoch {Array.IndexOf(valLoss, lowest) + 1}, final {valLoss[^1]:0.0000}; test accuracy {Get(result.Test, "accuracy"):0.0000}")));
            }

            sections.Add(("imdb-variants", rows));
        }

        if (results.Boston is { MeanValMae.Length: > 0 } boston)
        {
            double min = boston.MeanValMae.Min();
            sections.Add(("boston",
            [
                ("lowest mean val_mae (epoch)", I($"{min:0.000} ({Array.IndexOf(boston.MeanValMae, min) + 1})")),
                ($"best epoch ({boston.Smoothing} smoothed)", I($"{boston.BestEpoch}")),
                ("final model test mae / mse", I($"{Get(boston.Test, "mae"):0.000} / {Get(boston.Test, "loss"):0.000}")),
                ("seconds load / k-fold / final", I($"{boston.Seconds.Load:0.000} / {boston.Seconds.Train:0.000} / {boston.Seconds.Test:0.000}")),
                ("bytes allocated after epoch 1", I($"{boston.AllocatedBytesAfterFirstEpoch}")),
            ]));
        }

        return sections;
    }

    /// <summary>
    /// The experiments side by side with the numbers to compare them with: the Keras book (Chollet, Deep Learning with
    /// Python, ch. 3: its retrained models' test scores) and PyTorch following the same rules (docs/reference.md).
    /// </summary>
    internal static ReportTable Overview(ResultsFile results)
    {
        var rows = new List<IReadOnlyList<string>>();
        if (results.Imdb is { } imdb)
        {
            rows.Add(["imdb", TextHeadline(imdb), "test accuracy ≈ 0.88 (retrained for 4 epochs)", "test accuracy 0.8602; highest val_accuracy 0.8878 at epoch 6", Settings(imdb.Run)]);
        }

        if (results.ImdbVariants?.GetValueOrDefault("embedding") is { } embedding)
        {
            // next to the multi-hot model: the same recipe, which leaves this slower learner short of its best at 20 epochs
            rows.Add(["imdb embedding", TextHeadline(embedding), "— (the book's Embedding model differs)",
                "test accuracy 0.8029 (3 seeds: 0.796–0.807); val_accuracy still rising at epoch 20", Settings(embedding.Run)]);
        }

        if (results.Reuters is { } reuters)
        {
            rows.Add(["reuters", TextHeadline(reuters), "test accuracy ≈ 0.80 (retrained for 9 epochs)", "test accuracy 0.7947; highest val_accuracy 0.818 at epoch 13", Settings(reuters.Run)]);
        }

        if (results.Boston is { MeanValMae.Length: > 0 } boston)
        {
            double min = boston.MeanValMae.Min();
            rows.Add(["boston", I($"lowest mean val_mae {min:0.000} at epoch {Array.IndexOf(boston.MeanValMae, min) + 1}; final model test mae {Get(boston.Test, "mae"):0.000}"),
                "final model test mae ≈ 2.55", "lowest mean val_mae 2.270 at epoch 38", Settings(boston.Run)]);
        }

        return new ReportTable("Summary (reference numbers: the tutorial's settings; each run's own settings in the last column)", ["experiment", "AotNet", "Keras book", "PyTorch, same rules", "settings"], rows);
    }

    private static ReportTable FoldTable(BostonResult boston)
    {
        var rows = boston.Folds.Select((f, i) =>
        {
            if (f.ValMae.Length == 0)
            {
                return (IReadOnlyList<string>)[I($"{i + 1}"), "", "", ""];
            }

            int lowest = Array.IndexOf(f.ValMae, f.ValMae.Min()) + 1;
            return [I($"{i + 1}"), I($"{f.ValMae[^1]:0.000}"), I($"{f.ValMae[lowest - 1]:0.000} ({lowest})"), f.ValLoss.Length > 0 ? I($"{f.ValLoss[^1]:0.000}") : ""];
        }).ToList();
        return new ReportTable("Per fold", ["fold", "final val_mae", "lowest val_mae (epoch)", "final val_loss (mse)"], rows);
    }

    private static RunRecord? Run(ResultsFile results, string experiment) => experiment switch
    {
        "imdb" => results.Imdb?.Run,
        "reuters" => results.Reuters?.Run,
        "boston" => results.Boston?.Run,
        _ => null,
    };

    /// <summary>"Produced 2026-12-01 23:10 UTC by `aotnet imdb` — 20 epochs, batch 512, … — AotNet 0.1.0 on …".</summary>
    internal static string Provenance(RunRecord? run) => run is null
        ? "Produced by an earlier AotNet that did not record when or how."
        : I($"Produced {run.FinishedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC by: {run.Command} — {Settings(run)} — AotNet {run.Version} on {run.Machine.Describe()}.");

    internal static string Settings(RunRecord? run)
    {
        if (run is null)
        {
            return "not recorded";
        }

        var s = run.Settings;
        var parts = new List<string> { I($"{s.Epochs} epochs"), I($"batch {s.BatchSize}"), I($"seed {s.Seed}"), I($"{s.Threads} threads"), s.Shuffle ? "shuffled" : "no shuffle" };
        if (s.Folds is int folds)
        {
            parts.Add(I($"{folds} folds"));
        }

        if (s.Smoothing is { } smoothing)
        {
            parts.Add($"{smoothing} smoothing");
        }

        if (s.InitialWeights is { } initial)
        {
            parts.Add($"initial weights {initial}");
        }

        return string.Join(", ", parts);
    }

    private static string TextHeadline(TextResult text)
    {
        string best = text.History.TryGetValue("val_accuracy", out var v) && v.Length > 0
            ? I($"; highest val_accuracy {v.Max():0.0000} at epoch {Array.IndexOf(v, v.Max()) + 1}")
            : string.Empty;
        return I($"test accuracy {Get(text.Test, "accuracy"):0.0000}{best}");
    }

    private static double Last(TextResult text, string key) => text.History.TryGetValue(key, out var v) && v.Length > 0 ? v[^1] : double.NaN;

    private static double Get(Dictionary<string, double> values, string key) => values.TryGetValue(key, out double v) ? v : double.NaN;

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
