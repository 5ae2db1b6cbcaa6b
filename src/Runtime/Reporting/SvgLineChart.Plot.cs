using System.Text;

namespace AotNet.Reporting;

/// <summary>The plot area: grid, series, vertical markers, axes, ticks and title.</summary>
public static partial class SvgLineChart
{
    private static void WriteGrid(StringBuilder svg, Layout l)
    {
        svg.Append($"<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"{Text.Num(0.8 * Pt)}\" fill=\"none\"><path d=\"");
        foreach (double t in l.XTicks)
        {
            svg.Append($"M{Text.Num(l.Px(t))} {Text.Num(l.Top)}V{Text.Num(l.Bottom)}");
        }

        foreach (double t in l.YTicks)
        {
            svg.Append($"M{Text.Num(l.Left)} {Text.Num(l.Py(t))}H{Text.Num(l.Right)}");
        }

        svg.Append("\"/></g>\n");
    }

    private static void WriteSeries(StringBuilder svg, LineChart chart, (double X, double Y, int Run)[][] plotted)
    {
        svg.Append("<g class=\"data\" clip-path=\"url(#aotnet-clip-").Append(IdPlaceholder).Append(")\">\n");
        for (int i = 0; i < chart.Series.Count; i++)
        {
            var s = chart.Series[i];
            var pts = plotted[i];
            string color = Text.Escape(s.Color);
            svg.Append($"<g class=\"series\" data-name=\"{Text.Escape(s.Name)}\">\n");
            if (s.Style is SeriesStyle.Line or SeriesStyle.LineWithMarkers)
            {
                foreach (var run in pts.GroupBy(p => p.Run))
                {
                    var list = run.ToArray();
                    if (list.Length < 2)
                    {
                        continue; // a lone point has no line (matplotlib draws nothing either)
                    }

                    svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{Text.Num(s.LineWidth * Pt)}\"")
                       .Append(" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"");
                    for (int k = 0; k < list.Length; k++)
                    {
                        svg.Append(k == 0 ? "" : " ").Append(Text.Num(list[k].X)).Append(',').Append(Text.Num(list[k].Y));
                    }

                    svg.Append("\"/>\n");
                }
            }

            if (s.Style is SeriesStyle.Markers or SeriesStyle.LineWithMarkers)
            {
                string r = Text.Num(s.MarkerSize * Pt / 2);
                svg.Append($"<g fill=\"{color}\" stroke=\"{color}\" stroke-width=\"{Text.Num(Pt)}\">");
                foreach (var p in pts)
                {
                    svg.Append($"<circle cx=\"{Text.Num(p.X)}\" cy=\"{Text.Num(p.Y)}\" r=\"{r}\"/>");
                }

                svg.Append("</g>\n");
            }

            svg.Append("</g>\n");
        }

        svg.Append("</g>\n");
    }

    /// <summary>Draws the dashed vertical markers; returns the label boxes so the legend can avoid them.</summary>
    private static List<Box> WriteVerticalMarkers(StringBuilder svg, LineChart chart, Layout l, double fs)
    {
        var boxes = new List<Box>();
        if (chart.Markers.Count == 0)
        {
            return boxes;
        }

        double size = 0.9 * fs;
        svg.Append("<g class=\"markers\">\n");
        foreach (var m in chart.Markers.Where(m => double.IsFinite(m.X)))
        {
            double x = l.Px(m.X);
            if (x < l.Left - 0.5 || x > l.Right + 0.5)
            {
                continue;
            }

            string color = Text.Escape(m.Color);
            svg.Append($"<line x1=\"{Text.Num(x)}\" y1=\"{Text.Num(l.Top)}\" x2=\"{Text.Num(x)}\" y2=\"{Text.Num(l.Bottom)}\"")
               .Append($" stroke=\"{color}\" stroke-width=\"{Text.Num(1.2 * Pt)}\" stroke-dasharray=\"{Text.Num(5 * Pt)} {Text.Num(3 * Pt)}\"/>\n");
            if (m.Label.Length == 0)
            {
                continue;
            }

            double width = Text.Width(m.Label, size);
            bool right = x + 4 + width <= l.Right - 4;
            double tx = right ? x + 4 : x - 4;
            double baseline = l.Top + 4 + Ascent * size;
            // a white halo copy first (SVG 1.1 has no paint-order), then the label itself
            string attributes = $"x=\"{Text.Num(tx)}\" y=\"{Text.Num(baseline)}\" font-size=\"{Text.Num(size)}\"" + (right ? "" : " text-anchor=\"end\"");
            svg.Append($"<text {attributes} fill=\"#ffffff\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" aria-hidden=\"true\">")
               .Append(Text.Escape(m.Label)).Append("</text>");
            svg.Append($"<text {attributes} fill=\"{color}\">").Append(Text.Escape(m.Label)).Append("</text>\n");
            boxes.Add(new Box(right ? tx : tx - width, l.Top + 4, width, (Ascent + Descent) * size));
        }

        svg.Append("</g>\n");
        return boxes;
    }

    private static void WriteAxes(StringBuilder svg, LineChart chart, Layout l, double fs, double tfs)
    {
        string sw = Text.Num(0.8 * Pt);
        double tick = 3.5 * Pt, pad = 3.5 * Pt;
        svg.Append("<g class=\"axes\">\n");
        svg.Append(Rect(l.Left, l.Top, l.Right - l.Left, l.Bottom - l.Top)).Append($" fill=\"none\" stroke=\"#000000\" stroke-width=\"{sw}\"/>\n");

        svg.Append($"<path fill=\"none\" stroke=\"#000000\" stroke-width=\"{sw}\" d=\"");
        foreach (double t in l.XTicks)
        {
            svg.Append($"M{Text.Num(l.Px(t))} {Text.Num(l.Bottom)}v{Text.Num(tick)}");
        }

        foreach (double t in l.YTicks)
        {
            svg.Append($"M{Text.Num(l.Left)} {Text.Num(l.Py(t))}h{Text.Num(-tick)}");
        }

        svg.Append("\"/>\n");

        double xBaseline = l.Bottom + tick + pad + Ascent * fs;
        svg.Append($"<g class=\"xticks\" text-anchor=\"middle\" fill=\"#000000\">");
        for (int i = 0; i < l.XTicks.Length; i++)
        {
            svg.Append($"<text x=\"{Text.Num(l.Px(l.XTicks[i]))}\" y=\"{Text.Num(xBaseline)}\">{Text.Escape(l.XLabels[i])}</text>");
        }

        svg.Append("</g>\n");

        double yRight = l.Left - tick - pad;
        svg.Append($"<g class=\"yticks\" text-anchor=\"end\" fill=\"#000000\">");
        for (int i = 0; i < l.YTicks.Length; i++)
        {
            svg.Append($"<text x=\"{Text.Num(yRight)}\" y=\"{Text.Num(l.Py(l.YTicks[i]) + CapHeight / 2 * fs)}\">{Text.Escape(l.YLabels[i])}</text>");
        }

        svg.Append("</g>\n");

        if (chart.XLabel.Length > 0)
        {
            double baseline = l.Bottom + tick + pad + (Ascent + Descent) * fs + 4 * Pt + Ascent * fs;
            svg.Append($"<text class=\"xlabel\" x=\"{Text.Num((l.Left + l.Right) / 2)}\" y=\"{Text.Num(baseline)}\" text-anchor=\"middle\">")
               .Append(Text.Escape(chart.XLabel)).Append("</text>\n");
        }

        if (chart.YLabel.Length > 0)
        {
            double widest = l.YLabels.Length == 0 ? 0 : l.YLabels.Max(s => Text.Width(s, fs));
            double x = yRight - widest - 4 * Pt - Descent * fs;
            double y = (l.Top + l.Bottom) / 2;
            svg.Append($"<text class=\"ylabel\" x=\"{Text.Num(x)}\" y=\"{Text.Num(y)}\" text-anchor=\"middle\" transform=\"rotate(-90 {Text.Num(x)} {Text.Num(y)})\">")
               .Append(Text.Escape(chart.YLabel)).Append("</text>\n");
        }

        if (chart.Title.Length > 0)
        {
            double baseline = l.Top - 6 * Pt - Descent * tfs;
            svg.Append($"<text class=\"title\" x=\"{Text.Num((l.Left + l.Right) / 2)}\" y=\"{Text.Num(baseline)}\" text-anchor=\"middle\" font-size=\"{Text.Num(tfs)}\">")
               .Append(Text.Escape(chart.Title)).Append("</text>\n");
        }

        svg.Append("</g>\n");
    }
}
