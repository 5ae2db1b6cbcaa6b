using AotNet.Reporting;
using Spectre.Console;

namespace AotNet.App.Terminal;

/// <summary>The app's end-of-run summary (a Spectre.Console table on a terminal); the progress itself is the runtime's <see cref="ConsoleReporter"/>.</summary>
internal static class SummaryTable
{
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
}
