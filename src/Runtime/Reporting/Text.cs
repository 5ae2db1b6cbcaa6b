using System.Globalization;
using System.Text;

namespace AotNet.Reporting;

/// <summary>Escaping and text measurement shared by the SVG and HTML writers.</summary>
internal static class Text
{
    // Advance widths (fraction of the em) of DejaVu Sans, matplotlib's default font, for ' ' … '~' (read from DejaVuSans.ttf).
    private static readonly double[] AsciiWidths =
    [
        0.318, 0.401, 0.460, 0.838, 0.636, 0.950, 0.780, 0.275, 0.390, 0.390, 0.500, 0.838, 0.318, 0.361, 0.318, 0.337,
        0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
        1.000, 0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
        0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.390, 0.337, 0.390, 0.838, 0.500,
        0.500, 0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
        0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
    ];

    /// <summary>Approximate rendered width in pixels of <paramref name="s"/> at <paramref name="sizePx"/>.</summary>
    public static double Width(string s, double sizePx)
    {
        double em = 0;
        foreach (char c in s)
        {
            em += c switch
            {
                >= ' ' and <= '~' => AsciiWidths[c - ' '],
                '\u2212' => 0.838,
                >= '\u1100' => 1.0, // CJK, Hangul and other wide scripts
                _ => 0.65,
            };
        }

        return em * sizePx;
    }

    /// <summary>Escapes text for XML/HTML content and attribute values; drops characters XML 1.0 forbids.</summary>
    public static string Escape(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return "";
        }

        var sb = new StringBuilder(s.Length + 16);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '\t' or '\n' or '\r': sb.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': break;
                default:
                    if (char.IsSurrogate(c))
                    {
                        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[++i]);
                        }

                        break; // lone surrogates are not valid XML
                    }

                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>A coordinate with at most two decimals, invariant, never "-0".</summary>
    public static string Num(double v)
    {
        double r = Math.Round(v, 2);
        return r == 0 ? "0" : r.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
