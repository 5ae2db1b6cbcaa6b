using System.Globalization;

namespace AotNet.Reporting;

/// <summary>
/// "Nice" axis ticks: a port of matplotlib's default <c>AutoLocator</c> (<c>MaxNLocator</c> with steps 1, 2, 2.5, 5, 10)
/// and of <c>ScalarFormatter</c>'s rule that all labels of an axis share one number of decimals.
/// </summary>
public static class AxisTicks
{
    // matplotlib's "extended" steps: one below and one above the 1, 2, 2.5, 5, 10 staircase
    private static readonly double[] ExtendedSteps = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20];
    private static readonly double[] ExtendedIntegerSteps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20];

    /// <summary>
    /// The ticks inside <c>[min, max]</c>, as matplotlib's <c>MaxNLocator</c> picks them: the smallest nice step
    /// (1, 2, 2.5, 5 × 10^k) that gives at most <paramref name="maxBins"/> intervals, stepping down to a finer step
    /// when fewer than two ticks would be visible. A flat or reversed range is widened first (matplotlib's <c>nonsingular</c>).
    /// Values are rounded so that e.g. 0.3 comes out as 0.3, not 0.30000000000000004.
    /// </summary>
    /// <param name="min">Lower view limit.</param>
    /// <param name="max">Upper view limit.</param>
    /// <param name="maxBins">Largest number of intervals (matplotlib uses at most 9).</param>
    /// <param name="integer">Only whole-number ticks (steps 1, 2, 5, 10 × 10^k with k ≥ 0), like <c>MaxNLocator(integer=True)</c>.</param>
    public static double[] Locate(double min, double max, int maxBins = 9, bool integer = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"Axis limits must be finite, got [{min}, {max}].");
        }

        (min, max) = NonSingular(min, max);
        double raw = (max - min) / maxBins;
        double scale = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        if (integer)
        {
            scale = Math.Max(scale, 1);
        }

        // with scale ≥ 1 every integer step ≥ 1 is a whole number
        var steps = (integer ? ExtendedIntegerSteps : ExtendedSteps).Select(s => s * scale).Where(s => !integer || s >= 1 - 1e-9).ToArray();

        // first step not below the raw step (a relative tolerance keeps raw = 0.10000000000000002 on 0.1) …
        int index = Array.FindIndex(steps, s => s >= raw * (1 - 1e-9));
        if (index < 0)
        {
            index = steps.Length - 1;
        }

        // … then finer steps while fewer than two ticks would be visible
        double[] ticks = [];
        for (int i = index; i >= 0; i--)
        {
            ticks = Multiples(min, max, steps[i]);
            if (ticks.Length >= 2)
            {
                break;
            }
        }

        return ticks;
    }

    private static double[] Multiples(double min, double max, double step)
    {
        long first = (long)Math.Ceiling(min / step - 1e-9);
        long last = (long)Math.Floor(max / step + 1e-9);
        int decimals = Math.Clamp(12 - (int)Math.Floor(Math.Log10(step)), 0, 15);
        var ticks = new double[Math.Max(0, last - first + 1)];
        for (int i = 0; i < ticks.Length; i++)
        {
            double t = Math.Round((first + i) * step, decimals);
            ticks[i] = t == 0 ? 0 : t; // no negative zero
        }

        return ticks;
    }

    /// <summary>The step between consecutive ticks, or 0 for fewer than two ticks.</summary>
    internal static double StepOf(IReadOnlyList<double> ticks) => ticks.Count < 2 ? 0 : ticks[1] - ticks[0];

    /// <summary>
    /// Invariant labels with a shared number of decimals, the fewest that show every tick exactly
    /// (0.0, 2.5, 5.0 …; 100, 200 …; 0.30, 0.35 …). Negative numbers use the minus sign U+2212 like matplotlib.
    /// Very large or very small magnitudes use exponent notation (1.5e6).
    /// </summary>
    public static string[] Format(IReadOnlyList<double> ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        var labels = new string[ticks.Count];
        if (ticks.Count == 0)
        {
            return labels;
        }

        double largest = ticks.Max(Math.Abs);
        if (largest >= 1e6 || (largest > 0 && largest < 1e-4))
        {
            for (int i = 0; i < ticks.Count; i++)
            {
                labels[i] = Minus(ticks[i] == 0 ? "0" : ticks[i].ToString("0.###e0", CultureInfo.InvariantCulture));
            }

            return labels;
        }

        double step = Math.Abs(StepOf(ticks));
        double tolerance = step > 0 ? step * 1e-6 : Math.Max(largest * 1e-9, 1e-15);
        int decimals = 0;
        while (decimals < 12 && !ticks.All(t => Math.Abs(Math.Round(t, decimals) - t) <= tolerance))
        {
            decimals++;
        }

        string format = decimals == 0 ? "0" : "0." + new string('0', decimals);
        for (int i = 0; i < ticks.Count; i++)
        {
            double t = Math.Round(ticks[i], decimals);
            labels[i] = Minus((t == 0 ? 0 : t).ToString(format, CultureInfo.InvariantCulture));
        }

        return labels;
    }

    /// <summary>Widens a flat (or reversed) range the way matplotlib does: ±5 % of the value, or ±0.05 around zero.</summary>
    internal static (double Min, double Max) NonSingular(double min, double max)
    {
        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (max - min <= Math.Max(Math.Abs(min), Math.Abs(max)) * 1e-12)
        {
            if (max == 0 && min == 0)
            {
                return (-0.05, 0.05);
            }

            return (min - 0.05 * Math.Abs(min), max + 0.05 * Math.Abs(max));
        }

        return (min, max);
    }

    private static string Minus(string s) => s.Replace('-', '\u2212');
}
