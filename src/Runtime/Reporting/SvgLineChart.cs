using System.Text;

namespace AotNet.Reporting;

/// <summary>
/// Renders a <see cref="LineChart"/> as a standalone SVG 1.1 document that looks like a default matplotlib figure:
/// axes box at the figure fractions matplotlib uses (widened when labels need room), ticks out on the left and bottom,
/// DejaVu Sans text at matplotlib's point sizes (at 100 dpi), legend with a semi-opaque white box.
/// </summary>
public static partial class SvgLineChart
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
}
