using System.Text;
using AotNet.Reporting;

namespace AotNet.App.Terminal;

/// <summary>
/// The app's end-of-run summary: a box-drawn table on a terminal, aligned text otherwise; the progress itself is the
/// runtime's <see cref="ConsoleReporter"/>. Drawn here rather than with Spectre.Console: one fixed three-column table
/// of short ASCII cells is all the app draws, and the library (with its ANSI detection's regular expressions) was
/// about 0.5 MB of the native binary (docs/performance.md, "Binary size").
/// </summary>
internal static class SummaryTable
{
    private const string Bold = "\u001b[1m", Plain = "\u001b[0m";

    /// <summary>The end-of-run summary: a table on a terminal, aligned text otherwise.</summary>
    public static void Summary(this ConsoleReporter reporter, IReadOnlyList<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> sections)
    {
        if (reporter.Mode == OutputMode.Quiet)
        {
            return;
        }

        lock (reporter.Gate)
        {
            if (reporter.Mode == OutputMode.Rich)
            {
                reporter.Output.Write(Table(sections));
                return;
            }

            reporter.Output.WriteLine("== summary");
            int width = sections.SelectMany(s => s.Rows).Select(r => r.Label.Length).DefaultIfEmpty(0).Max();
            foreach (var (experiment, rows) in sections)
            {
                foreach (var (label, value) in rows)
                {
                    reporter.Output.WriteLine($"{experiment,-8} {label.PadRight(width)}  {value}");
                }
            }
        }
    }

    /// <summary>
    /// The bold title "AotNet summary" centred over a table with the columns experiment, measure and value (right
    /// aligned); the experiment's name, in bold, on its first row.
    /// </summary>
    internal static string Table(IReadOnlyList<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> sections)
    {
        var rows = sections.SelectMany(s => s.Rows.Select((r, i) => (Experiment: i == 0 ? s.Experiment : string.Empty, r.Label, r.Value))).ToList();
        int[] widths =
        [
            rows.Select(r => r.Experiment.Length).Append("experiment".Length).Max(),
            rows.Select(r => r.Label.Length).Append("measure".Length).Max(),
            rows.Select(r => r.Value.Length).Append("value".Length).Max(),
        ];
        int total = widths.Sum() + 3 * 3 + 1;
        const string title = "AotNet summary";
        var text = new StringBuilder();
        text.Append(' ', Math.Max(0, (total - title.Length) / 2)).Append(Bold).Append(title).Append(Plain).Append('\n');
        Rule(text, widths, '┌', '┬', '┐');
        Row(text, widths, "experiment", "measure", "value", bold: false, rightAlignLast: false);
        Rule(text, widths, '├', '┼', '┤');
        foreach (var (experiment, label, value) in rows)
        {
            Row(text, widths, experiment, label, value, bold: experiment.Length > 0, rightAlignLast: true);
        }

        Rule(text, widths, '└', '┴', '┘');
        return text.ToString();
    }

    private static void Rule(StringBuilder text, int[] widths, char left, char middle, char right)
    {
        text.Append(left);
        for (int c = 0; c < widths.Length; c++)
        {
            text.Append('─', widths[c] + 2).Append(c == widths.Length - 1 ? right : middle);
        }

        text.Append('\n');
    }

    private static void Row(StringBuilder text, int[] widths, string first, string second, string third, bool bold, bool rightAlignLast)
    {
        text.Append("│ ").Append(bold ? Bold : string.Empty).Append(first).Append(bold ? Plain : string.Empty).Append(' ', widths[0] - first.Length);
        text.Append(" │ ").Append(second).Append(' ', widths[1] - second.Length).Append(" │ ");
        text.Append(rightAlignLast ? third.PadLeft(widths[2]) : third.PadRight(widths[2])).Append(" │\n");
    }
}
