using System.Globalization;
using System.Text;

namespace AotNet.Reporting;

/// <summary>One figure of the report.</summary>
/// <param name="Caption">Text under the figure (escaped).</param>
/// <param name="Svg">The figure's SVG document, e.g. from <see cref="SvgLineChart.Render"/>; inlined as markup (not escaped),
/// an XML declaration or DOCTYPE in front is removed.</param>
public sealed record ReportFigure(string Caption, string Svg)
{
    /// <summary>Optional relative file name of the same figure; the caption then links to it.</summary>
    public string? FileName { get; init; }
}

/// <summary>A table with a header row; every cell is escaped text.</summary>
/// <param name="Caption">Shown above the table; may be empty.</param>
/// <param name="Columns">The header cells.</param>
/// <param name="Rows">The body rows, each with at most as many cells as <paramref name="Columns"/>.</param>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>One experiment: a heading, a label/value summary table and its figures.</summary>
public sealed record ReportSection(string Heading, IReadOnlyList<KeyValuePair<string, string>> Summary, IReadOnlyList<ReportFigure> Figures)
{
    /// <summary>Optional paragraph under the heading (escaped).</summary>
    public string? Description { get; init; }

    /// <summary>Optional line on how the section's results were produced (escaped), e.g. the time, command and settings.</summary>
    public string? Provenance { get; init; }

    /// <summary>Further tables after the summary, e.g. per-fold results.</summary>
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];
}

/// <summary>Everything the report shows; the caller supplies the time so rendering is deterministic.</summary>
public sealed record ReportModel(DateTimeOffset GeneratedAt, IReadOnlyList<ReportSection> Sections)
{
    public string Title { get; init; } = "AotNet report";

    /// <summary>The command line that produced the report, shown in the footer.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Tool version (and anything else worth a line), shown in the footer.</summary>
    public string? Version { get; init; }

    /// <summary>Tables shown before the sections, e.g. a summary across them.</summary>
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];
}

/// <summary>
/// Renders a <see cref="ReportModel"/> as one self-contained HTML page: inline CSS, inline SVG figures, no scripts.
/// Figures are shown two to a row on a wide screen (one on a narrow one); a figure with a file name links to it, so a
/// click opens it at full size.
/// </summary>
public static class HtmlReport
{
    /// <summary>The narrowest a figure is shown (CSS px) unless the window itself is narrower; figures share wider rows.</summary>
    public const int MinFigureWidth = 620;

    private static readonly string Css = $$"""
        :root { color-scheme: light; }
        body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1.5rem 2rem; color: #1a1a1a; background: #fafafa; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
        .generated { color: #666; margin: 0 0 1.5rem; }
        section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 1rem 1.4rem 1.4rem; margin-bottom: 1.6rem; }
        h2 { font-size: 1.3rem; margin: .2rem 0 .8rem; }
        table.summary { border-collapse: collapse; margin-bottom: 1rem; font-variant-numeric: tabular-nums; }
        table.summary th, table.summary td { border-bottom: 1px solid #eee; padding: .3rem .9rem .3rem 0; vertical-align: top; }
        table.summary th { text-align: left; font-weight: 600; color: #444; }
        table.summary td { text-align: right; font-family: 'DejaVu Sans Mono', Consolas, monospace; }
        table.grid { border-collapse: collapse; margin: .3rem 0 1rem; font-variant-numeric: tabular-nums; }
        table.grid caption { text-align: left; font-weight: 600; color: #444; padding-bottom: .3rem; }
        table.grid th, table.grid td { border: 1px solid #e2e2e2; padding: .3rem .7rem; text-align: left; vertical-align: top; }
        table.grid th { background: #f3f3f3; font-weight: 600; }
        .provenance { color: #555; font-size: .9rem; margin: -.3rem 0 .9rem; }
        .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, {{MinFigureWidth}}px), 1fr)); gap: 1.2rem; }
        figure { margin: 0; }
        figure svg { display: block; width: 100%; height: auto; border: 1px solid #eee; }
        figure a.enlarge:hover svg { border-color: #888; }
        figcaption { text-align: center; color: #444; font-size: .92rem; margin-top: .35rem; }
        footer { color: #666; font-size: .85rem; border-top: 1px solid #ddd; padding-top: .8rem; }
        footer code { font-family: 'DejaVu Sans Mono', Consolas, monospace; background: #f0f0f0; padding: .1rem .3rem; border-radius: 3px; word-break: break-all; }
        """;

    public static string Render(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var html = new StringBuilder(64 * 1024);
        string title = Text.Escape(model.Title);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<title>").Append(title).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(title).Append("</h1>\n")
            .Append("<p class=\"generated\">Generated ")
            .Append(Text.Escape(model.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append("</p>\n");
        foreach (var table in model.Tables)
        {
            AppendTable(html, table);
        }

        foreach (var section in model.Sections)
        {
            html.Append("<section>\n<h2>").Append(Text.Escape(section.Heading)).Append("</h2>\n");
            if (!string.IsNullOrEmpty(section.Description))
            {
                html.Append("<p>").Append(Text.Escape(section.Description)).Append("</p>\n");
            }

            if (!string.IsNullOrEmpty(section.Provenance))
            {
                html.Append("<p class=\"provenance\">").Append(Text.Escape(section.Provenance)).Append("</p>\n");
            }

            if (section.Summary.Count > 0)
            {
                html.Append("<table class=\"summary\">\n");
                foreach (var (label, value) in section.Summary)
                {
                    html.Append("<tr><th scope=\"row\">").Append(Text.Escape(label)).Append("</th><td>")
                        .Append(Text.Escape(value)).Append("</td></tr>\n");
                }

                html.Append("</table>\n");
            }

            foreach (var table in section.Tables)
            {
                AppendTable(html, table);
            }

            if (section.Figures.Count > 0)
            {
                html.Append("<div class=\"figures\">\n");
                foreach (var figure in section.Figures)
                {
                    html.Append("<figure>\n");
                    if (!string.IsNullOrEmpty(figure.FileName))
                    {
                        html.Append("<a class=\"enlarge\" href=\"").Append(Text.Escape(figure.FileName)).Append("\" title=\"open at full size\">")
                            .Append(StripProlog(figure.Svg)).Append("</a>\n");
                    }
                    else
                    {
                        html.Append(StripProlog(figure.Svg));
                    }

                    html.Append("<figcaption>");
                    if (!string.IsNullOrEmpty(figure.FileName))
                    {
                        html.Append("<a href=\"").Append(Text.Escape(figure.FileName)).Append("\">")
                            .Append(Text.Escape(figure.Caption)).Append("</a>");
                    }
                    else
                    {
                        html.Append(Text.Escape(figure.Caption));
                    }

                    html.Append("</figcaption>\n</figure>\n");
                }

                html.Append("</div>\n");
            }

            html.Append("</section>\n");
        }

        html.Append("<footer>\n");
        if (!string.IsNullOrEmpty(model.CommandLine))
        {
            html.Append("<div>Command: <code>").Append(Text.Escape(model.CommandLine)).Append("</code></div>\n");
        }

        if (!string.IsNullOrEmpty(model.Version))
        {
            html.Append("<div>").Append(Text.Escape(model.Version)).Append("</div>\n");
        }

        html.Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendTable(StringBuilder html, ReportTable table)
    {
        html.Append("<table class=\"grid\">\n");
        if (!string.IsNullOrEmpty(table.Caption))
        {
            html.Append("<caption>").Append(Text.Escape(table.Caption)).Append("</caption>\n");
        }

        html.Append("<thead><tr>");
        foreach (string column in table.Columns)
        {
            html.Append("<th scope=\"col\">").Append(Text.Escape(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row)
            {
                html.Append("<td>").Append(Text.Escape(cell)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>Removes a leading XML declaration, comments and DOCTYPE so the SVG can sit inside HTML.</summary>
    internal static string StripProlog(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new ArgumentException("Figure text contains no <svg> element.", nameof(svg));
        }

        string body = svg[start..].TrimEnd();
        return body + "\n";
    }
}
