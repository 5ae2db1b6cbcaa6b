using System.Globalization;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Reporting;

/// <summary>One figure of a <see cref="History"/>: its file name, caption and chart.</summary>
public sealed record HistoryFigure(string FileName, string Caption, LineChart Chart);

/// <summary>
/// Figures and an HTML report for the <see cref="History"/> of any model's <c>Fit</c>: one figure per series (loss and
/// every metric), training as red dots and validation as a cyan line, marked at the best validation epoch, as the
/// Keras tutorial draws them; and a self-contained report.html with a summary table, further tables and the figures.
/// </summary>
/// <example>
/// <code>
/// var history = trainer.Fit(train, validation, options);
/// HistoryReport.Write("out", history, "WineNet", [new("test accuracy", "0.97")]);   // out/loss.svg, out/accuracy.svg, out/report.html
/// </code>
/// </example>
public static class HistoryReport
{
    /// <summary>The report's file name.</summary>
    public const string ReportFileName = "report.html";

    /// <summary>One figure per training series of <paramref name="history"/> (loss first), each with its validation series when there is one.</summary>
    public static IReadOnlyList<HistoryFigure> Figures(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var figures = new List<HistoryFigure>();
        foreach (string key in history.Keys)
        {
            if (key.StartsWith("val_", StringComparison.Ordinal) || history[key].Count == 0)
            {
                continue;
            }

            string valKey = "val_" + key;
            IReadOnlyList<double> validation = history.Contains(valKey) ? history[valKey] : [];
            bool lower = LowerIsBetter(key);
            int? best = validation.Count > 0 ? HistoryCharts.BestEpoch(Series.Epochs(validation.Count), validation, lower) : null;
            string name = Title(key);
            var chart = HistoryCharts.History(
                $"Training and validation {name}", char.ToUpperInvariant(name[0]) + name[1..],
                $"Training {name}", history[key], $"Validation {name}", validation,
                best, best is int e ? $"{(lower ? "lowest" : "highest")} {valKey}: epoch {e}" : null);
            string caption = validation.Count > 0
                ? $"{key} and {valKey} per epoch (marker: {(lower ? "lowest" : "highest")} {valKey})"
                : $"{key} per epoch";
            figures.Add(new HistoryFigure(FileName(key), caption, chart));
        }

        return figures;
    }

    /// <summary>The report page: <paramref name="summary"/> rows, <paramref name="tables"/>, then the figures (linked to their files).</summary>
    public static string Html(
        History history, string title, IReadOnlyList<KeyValuePair<string, string>> summary, DateTimeOffset generated,
        IReadOnlyList<ReportTable>? tables = null, string? description = null, string? commandLine = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(summary);
        var figures = Figures(history).Select(f => new ReportFigure(f.Caption, SvgLineChart.Render(f.Chart)) { FileName = f.FileName }).ToList();
        var section = new ReportSection(title, summary, figures) { Description = description, Tables = tables ?? [] };
        return HtmlReport.Render(new ReportModel(generated, [section])
        {
            Title = $"{title}: AotNet report",
            CommandLine = commandLine,
            Version = string.Create(CultureInfo.InvariantCulture, $"report written by AotNet {typeof(HistoryReport).Assembly.GetName().Version?.ToString(3)} on {MachineInfo.Describe()}"),
        });
    }

    /// <summary>
    /// The texts of every figure (<c>loss.svg</c>, <c>accuracy.svg</c>, …) and of <c>report.html</c>, last, each with
    /// its file name: what <see cref="Write"/> writes, for a caller that commits them itself (e.g. through an
    /// <see cref="AotNet.Hosting.OutputSet"/> with a manifest).
    /// </summary>
    public static IReadOnlyList<(string FileName, string Text)> Files(
        History history, string title, IReadOnlyList<KeyValuePair<string, string>> summary, DateTimeOffset generated,
        IReadOnlyList<ReportTable>? tables = null, string? description = null, string? commandLine = null)
    {
        var files = Figures(history).Select(f => (f.FileName, SvgLineChart.Render(f.Chart))).ToList();
        files.Add((ReportFileName, Html(history, title, summary, generated, tables, description, commandLine)));
        return files;
    }

    /// <summary>The file names <see cref="Files"/> can give for a model reporting <paramref name="metricNames"/> (any history of it), report last.</summary>
    public static IReadOnlyList<string> FileNames(IEnumerable<string> metricNames) =>
        [.. metricNames.Prepend("loss").Append("learning_rate").Select(FileName), ReportFileName];

    /// <summary>
    /// Writes every figure (<c>loss.svg</c>, <c>accuracy.svg</c>, …) and <c>report.html</c> into <paramref name="folder"/>
    /// (created when missing), each atomically; nothing else in the folder is read or changed. Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> Write(
        string folder, History history, string title, IReadOnlyList<KeyValuePair<string, string>> summary,
        IReadOnlyList<ReportTable>? tables = null, string? description = null, string? commandLine = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (name, text) in Files(history, title, summary, DateTimeOffset.UtcNow, tables, description, commandLine))
        {
            string path = Path.Combine(folder, name);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }

        return written;
    }

    /// <summary>"loss.svg", "accuracy.svg", …: the series key with anything but letters, digits, '_' and '-' replaced.</summary>
    public static string FileName(string key) =>
        new string(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray()) + ".svg";

    private static bool LowerIsBetter(string key) =>
        key is "loss" or "mae" or "mse" || key.EndsWith("error", StringComparison.Ordinal);

    private static string Title(string key) => key switch
    {
        "mae" => "MAE",
        "mse" => "MSE",
        "auc" => "AUC",
        "learning_rate" => "learning rate",
        _ => key.Replace('_', ' '),
    };
}
