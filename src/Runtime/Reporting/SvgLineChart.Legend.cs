using System.Text;

namespace AotNet.Reporting;

/// <summary>The legend, placed where it hides the fewest points (matplotlib's "best"), and small helpers.</summary>
public static partial class SvgLineChart
{
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
