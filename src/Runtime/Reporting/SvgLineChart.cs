using System.Text;

namespace AotNet.Reporting;

/// <summary>
/// Renders a <see cref="LineChart"/> as a standalone SVG 1.1 document that looks like a default matplotlib figure:
/// axes box at the figure fractions matplotlib uses (widened when labels need room), ticks out on the left and bottom,
/// DejaVu Sans text at matplotlib's point sizes (at 100 dpi), legend with a semi-opaque white box.
/// </summary>
public static class SvgLineChart
{
    private const double Pt = 100.0 / 72.0; // pixels per point at 100 dpi
    private const string FontFamily = "'DejaVu Sans', 'Bitstream Vera Sans', Arial, Helvetica, sans-serif";
    private const char IdPlaceholder = '\u0001'; // Text.Escape drops U+0001, so no user text can contain it

    // DejaVu Sans vertical metrics (fractions of the em)
    private const double Ascent = 0.928;
    private const double Descent = 0.236;
    private const double CapHeight = 0.729;

    /// <summary>The chart as SVG text (no XML declaration, so it can also be inlined into HTML).</summary>
    public static string Render(LineChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (chart.Width < 50 || chart.Height < 50)
        {
            throw new ArgumentOutOfRangeException(nameof(chart), $"Chart must be at least 50×50 px, got {chart.Width}×{chart.Height}.");
        }

        var points = chart.Series.Select(FinitePoints).ToArray();
        var (x0, x1) = Limits(points.SelectMany(p => p).Select(p => p.X).Concat(chart.Markers.Select(m => m.X)), chart.XMin, chart.XMax);
        var (y0, y1) = Limits(points.SelectMany(p => p).Select(p => p.Y), chart.YMin, chart.YMax);

        double fs = chart.FontSize * Pt;
        double tfs = chart.TitleFontSize * Pt;
        var layout = Layout.Compute(chart, fs, tfs, x0, x1, y0, y1);

        var svg = new StringBuilder(16_384);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")
           .Append($" width=\"{chart.Width}\" height=\"{chart.Height}\" viewBox=\"0 0 {chart.Width} {chart.Height}\"")
           .Append($" font-family=\"{FontFamily}\" font-size=\"{Text.Num(fs)}\">\n");
        if (chart.Title.Length > 0)
        {
            svg.Append("<title>").Append(Text.Escape(chart.Title)).Append("</title>\n");
        }

        svg.Append("<defs><clipPath id=\"aotnet-clip-").Append(IdPlaceholder).Append("\">")
           .Append(Rect(layout.Left, layout.Top, layout.Right - layout.Left, layout.Bottom - layout.Top)).Append("/></clipPath></defs>\n");
        svg.Append($"<rect width=\"{chart.Width}\" height=\"{chart.Height}\" fill=\"#ffffff\"/>\n");

        if (chart.Grid)
        {
            WriteGrid(svg, layout);
        }

        var plotted = points.Select(pts => pts.Select(p => (X: layout.Px(p.X), Y: layout.Py(p.Y), p.Run)).ToArray()).ToArray();
        WriteSeries(svg, chart, plotted);
        var labelBoxes = WriteVerticalMarkers(svg, chart, layout, fs);
        WriteAxes(svg, chart, layout, fs, tfs);
        WriteLegend(svg, chart, layout, plotted, labelBoxes, fs);
        svg.Append("</svg>\n");

        string text = svg.ToString();
        string id = Fnv1a64(text).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        return text.Replace(IdPlaceholder.ToString(), id, StringComparison.Ordinal);
    }

    /// <summary>Finite points of a series; <c>Run</c> numbers consecutive stretches (a non-finite point starts a new run).</summary>
    private static (double X, double Y, int Run)[] FinitePoints(Series s)
    {
        var result = new List<(double, double, int)>(s.X.Count);
        int run = 0;
        for (int i = 0; i < s.X.Count; i++)
        {
            if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
            {
                result.Add((s.X[i], s.Y[i], run));
            }
            else
            {
                run++;
            }
        }

        return [.. result];
    }

    /// <summary>View limits: data range with 5 % margins (matplotlib's axes.xmargin/ymargin), fixed sides overriding.</summary>
    private static (double Min, double Max) Limits(IEnumerable<double> values, double? fixedMin, double? fixedMax)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        if (lo > hi)
        {
            (lo, hi) = (0, 1); // empty: matplotlib's default unit view
        }
        else if (hi > lo)
        {
            double margin = 0.05 * (hi - lo);
            (lo, hi) = (lo - margin, hi + margin);
        }
        else
        {
            (lo, hi) = AxisTicks.NonSingular(lo, hi);
        }

        if (fixedMin is double fmin && double.IsFinite(fmin))
        {
            lo = fmin;
        }

        if (fixedMax is double fmax && double.IsFinite(fmax))
        {
            hi = fmax;
        }

        return AxisTicks.NonSingular(lo, hi);
    }

    private sealed class Layout
    {
        public double Left, Right, Top, Bottom;
        public double X0, X1, Y0, Y1;
        public double[] XTicks = [], YTicks = [];
        public string[] XLabels = [], YLabels = [];

        public double Px(double x) => Left + (x - X0) / (X1 - X0) * (Right - Left);

        public double Py(double y) => Bottom - (y - Y0) / (Y1 - Y0) * (Bottom - Top);

        public static Layout Compute(LineChart chart, double fs, double tfs, double x0, double x1, double y0, double y1)
        {
            double w = chart.Width, h = chart.Height;
            var l = new Layout
            {
                X0 = x0, X1 = x1, Y0 = y0, Y1 = y1,
                Left = 0.125 * w, Right = 0.9 * w, Top = 0.12 * h, Bottom = 0.89 * h,
            };

            double outside = (3.5 + 3.5) * Pt; // tick length + tick label pad
            double textBox = (Ascent + Descent) * fs;
            double topNeeded = chart.Title.Length > 0 ? (Ascent + Descent) * tfs + 6 * Pt + 6 : 6;
            double bottomNeeded = outside + textBox + (chart.XLabel.Length > 0 ? 4 * Pt + textBox : 0) + 6;
            l.Top = Math.Max(l.Top, topNeeded);
            l.Bottom = Math.Min(l.Bottom, h - bottomNeeded);

            // twice: the tick count depends on the axes size, the left margin on the tick label widths
            for (int pass = 0; pass < 2; pass++)
            {
                l.Ticks(chart);
                double widest = l.YLabels.Length == 0 ? 0 : l.YLabels.Max(s => Text.Width(s, fs));
                double leftNeeded = outside + widest + (chart.YLabel.Length > 0 ? 4 * Pt + textBox : 0) + 6;
                double lastX = l.XLabels.Length == 0 ? 0 : Text.Width(l.XLabels[^1], fs) / 2;
                l.Left = Math.Max(0.125 * w, leftNeeded);
                l.Right = Math.Min(0.9 * w, w - lastX - 6);
                if (l.Right - l.Left < 20 || l.Bottom - l.Top < 20)
                {
                    throw new ArgumentOutOfRangeException(nameof(chart), $"Chart {chart.Width}×{chart.Height} px is too small for its labels.");
                }
            }

            l.Ticks(chart);
            return l;
        }

        private void Ticks(LineChart chart)
        {
            // matplotlib's 'auto' bin count: one tick per 3 font sizes of width (x) or 2 of height (y), at most 9 intervals
            int xBins = Math.Clamp((int)((Right - Left) / Pt / (chart.FontSize * 3)), 1, 9);
            int yBins = Math.Clamp((int)((Bottom - Top) / Pt / (chart.FontSize * 2)), 1, 9);
            XTicks = AxisTicks.Locate(X0, X1, xBins, chart.IntegerXTicks);
            YTicks = AxisTicks.Locate(Y0, Y1, yBins);
            XLabels = AxisTicks.Format(XTicks);
            YLabels = AxisTicks.Format(YTicks);
        }
    }

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

    private readonly record struct Box(double X, double Y, double W, double H)
    {
        public bool Contains(double x, double y) => x >= X && x <= X + W && y >= Y && y <= Y + H;

        public bool Overlaps(Box o) => X < o.X + o.W && o.X < X + W && Y < o.Y + o.H && o.Y < Y + H;

        /// <summary>Liang–Barsky: does the segment (ax, ay)–(bx, by) touch the box?</summary>
        public bool Intersects(double ax, double ay, double bx, double by)
        {
            double t0 = 0, t1 = 1, dx = bx - ax, dy = by - ay;
            return Clip(-dx, ax - X) && Clip(dx, X + W - ax) && Clip(-dy, ay - Y) && Clip(dy, Y + H - ay);

            bool Clip(double p, double q)
            {
                if (p == 0)
                {
                    return q >= 0;
                }

                double r = q / p;
                if (p < 0)
                {
                    if (r > t1)
                    {
                        return false;
                    }

                    t0 = Math.Max(t0, r);
                }
                else
                {
                    if (r < t0)
                    {
                        return false;
                    }

                    t1 = Math.Min(t1, r);
                }

                return true;
            }
        }
    }

    private static void WriteLegend(StringBuilder svg, LineChart chart, Layout l, (double X, double Y, int Run)[][] plotted, List<Box> avoid, double fs)
    {
        var entries = Enumerable.Range(0, chart.Series.Count).Where(i => chart.Series[i].Name.Length > 0).ToArray();
        if (chart.Legend == LegendLocation.None || entries.Length == 0)
        {
            return;
        }

        // matplotlib's legend geometry in font sizes: borderpad 0.4, labelspacing 0.5, handlelength 2, handletextpad 0.8, borderaxespad 0.5
        double rowH = (Ascent + Descent) * fs, border = 0.4 * fs, spacing = 0.5 * fs, handle = 2 * fs, gap = 0.8 * fs, axesPad = 0.5 * fs;
        double textW = entries.Max(i => Text.Width(chart.Series[i].Name, fs));
        double w = 2 * border + handle + gap + textW;
        double h = 2 * border + entries.Length * rowH + (entries.Length - 1) * spacing;

        Box At(LegendLocation loc)
        {
            double left = l.Left + axesPad, right = l.Right - axesPad - w, cx = (l.Left + l.Right - w) / 2;
            double top = l.Top + axesPad, bottom = l.Bottom - axesPad - h, cy = (l.Top + l.Bottom - h) / 2;
            return loc switch
            {
                LegendLocation.UpperLeft => new Box(left, top, w, h),
                LegendLocation.LowerLeft => new Box(left, bottom, w, h),
                LegendLocation.LowerRight => new Box(right, bottom, w, h),
                LegendLocation.Right or LegendLocation.CenterRight => new Box(right, cy, w, h),
                LegendLocation.CenterLeft => new Box(left, cy, w, h),
                LegendLocation.LowerCenter => new Box(cx, bottom, w, h),
                LegendLocation.UpperCenter => new Box(cx, top, w, h),
                LegendLocation.Center => new Box(cx, cy, w, h),
                _ => new Box(right, top, w, h),
            };
        }

        int Badness(Box box)
        {
            int bad = 0;
            for (int i = 0; i < plotted.Length; i++)
            {
                var pts = plotted[i];
                bool line = chart.Series[i].Style != SeriesStyle.Markers;
                for (int k = 0; k < pts.Length; k++)
                {
                    if (box.Contains(pts[k].X, pts[k].Y))
                    {
                        bad++;
                    }

                    if (line && k > 0 && pts[k].Run == pts[k - 1].Run && box.Intersects(pts[k - 1].X, pts[k - 1].Y, pts[k].X, pts[k].Y))
                    {
                        bad++;
                    }
                }
            }

            foreach (var m in chart.Markers)
            {
                double x = l.Px(m.X);
                if (box.Intersects(x, l.Top, x, l.Bottom))
                {
                    bad++;
                }
            }

            return bad + 1000 * avoid.Count(box.Overlaps);
        }

        Box legend;
        if (chart.Legend == LegendLocation.Best)
        {
            LegendLocation[] order =
            [
                LegendLocation.UpperRight, LegendLocation.UpperLeft, LegendLocation.LowerLeft, LegendLocation.LowerRight,
                LegendLocation.Right, LegendLocation.CenterLeft, LegendLocation.LowerCenter, LegendLocation.UpperCenter, LegendLocation.Center,
            ];
            legend = At(order[0]);
            int best = Badness(legend);
            foreach (var loc in order.Skip(1))
            {
                if (best == 0)
                {
                    break;
                }

                var box = At(loc);
                int bad = Badness(box);
                if (bad < best)
                {
                    (legend, best) = (box, bad);
                }
            }
        }
        else
        {
            legend = At(chart.Legend);
        }

        svg.Append("<g class=\"legend\">\n");
        svg.Append(Rect(legend.X, legend.Y, legend.W, legend.H))
           .Append($" rx=\"{Text.Num(0.2 * fs)}\" fill=\"#ffffff\" fill-opacity=\"0.8\" stroke=\"#cccccc\" stroke-width=\"{Text.Num(Pt)}\"/>\n");
        for (int e = 0; e < entries.Length; e++)
        {
            var s = chart.Series[entries[e]];
            string color = Text.Escape(s.Color);
            double cy = legend.Y + border + e * (rowH + spacing) + rowH / 2;
            double hx = legend.X + border;
            if (s.Style != SeriesStyle.Markers)
            {
                svg.Append($"<line x1=\"{Text.Num(hx)}\" y1=\"{Text.Num(cy)}\" x2=\"{Text.Num(hx + handle)}\" y2=\"{Text.Num(cy)}\"")
                   .Append($" stroke=\"{color}\" stroke-width=\"{Text.Num(s.LineWidth * Pt)}\"/>");
            }

            if (s.Style != SeriesStyle.Line)
            {
                svg.Append($"<circle cx=\"{Text.Num(hx + handle / 2)}\" cy=\"{Text.Num(cy)}\" r=\"{Text.Num(s.MarkerSize * Pt / 2)}\"")
                   .Append($" fill=\"{color}\" stroke=\"{color}\" stroke-width=\"{Text.Num(Pt)}\"/>");
            }

            svg.Append($"<text x=\"{Text.Num(hx + handle + gap)}\" y=\"{Text.Num(cy + CapHeight / 2 * fs)}\">")
               .Append(Text.Escape(s.Name)).Append("</text>\n");
        }

        svg.Append("</g>\n");
    }

    private static string Rect(double x, double y, double w, double h) =>
        $"<rect x=\"{Text.Num(x)}\" y=\"{Text.Num(y)}\" width=\"{Text.Num(w)}\" height=\"{Text.Num(h)}\"";

    private static ulong Fnv1a64(string s)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in s)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
