namespace AotNet.Training;

/// <summary>
/// The few double functions the schedules need, from IEEE double operations only (no libm, whose last bits differ
/// between C libraries): powers by squaring for integer exponents, else <c>exp(p · log(b))</c>, and <c>cos(π f)</c>,
/// each by range reduction and a Taylor series: <c>log</c>, <c>exp</c> and <c>cos</c> to a few units in the last place of
/// a double, powers to about 1e-13 relative (far below the 6e-8 of the float the rate is rounded to).
/// </summary>
internal static class ScheduleMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10; // fdlibm's split of ln 2

    /// <summary><c>b^p</c> for <c>b ≥ 0</c>.</summary>
    public static double Pow(double b, double p)
    {
        if (p == 0 || b == 1)
        {
            return 1;
        }

        if (p == Math.Floor(p) && Math.Abs(p) < 9e15)
        {
            double result = Kernels.AdamUpdate.Power(b, (long)Math.Abs(p));
            return p < 0 ? 1 / result : result;
        }

        if (b == 0)
        {
            return p > 0 ? 0 : double.PositiveInfinity;
        }

        return Exp(p * Log(b));
    }

    /// <summary>The natural logarithm of a finite <paramref name="x"/> &gt; 0.</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "must be finite and > 0");
        }

        int e = Math.ILogB(x);
        double m = Math.ScaleB(x, -e); // [1, 2), exact
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }

        // log(m) = 2 atanh(s), s = (m − 1) / (m + 1), |s| ≤ 0.1716
        double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
        for (int k = 0; k < 14; k++)
        {
            sum += term / ((2 * k) + 1);
            term *= s2;
        }

        return ((e * Ln2Hi) + ((2 * sum) + (e * Ln2Lo)));
    }

    /// <summary><c>e^y</c>.</summary>
    public static double Exp(double y)
    {
        if (double.IsNaN(y))
        {
            return y;
        }

        if (y > 709.8)
        {
            return double.PositiveInfinity;
        }

        if (y < -745.2)
        {
            return 0;
        }

        double k = Math.Round(y / 0.69314718055994530942);
        double r = (y - (k * Ln2Hi)) - (k * Ln2Lo); // |r| ≤ 0.35
        double sum = 1, term = 1;
        for (int n = 1; n <= 20; n++)
        {
            term *= r / n;
            sum += term;
        }

        return Math.ScaleB(sum, (int)k);
    }

    /// <summary><c>cos(π f)</c> for <c>f</c> in [0, 1].</summary>
    public static double CosPi(double f)
    {
        if (!(f >= 0 && f <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(f), f, "must be in [0, 1]");
        }

        bool negate = f > 0.5;
        if (negate)
        {
            f = 1 - f; // exact (Sterbenz)
        }

        double result = f <= 0.25 ? CosSeries(Math.PI * f) : SinSeries(Math.PI * (0.5 - f));
        return negate ? -result : result;
    }

    // |x| ≤ π/4: Taylor series to x^24
    private static double CosSeries(double x)
    {
        double x2 = x * x, term = 1, sum = 1;
        for (int n = 1; n <= 12; n++)
        {
            term *= -x2 / ((2 * n - 1) * (2 * n));
            sum += term;
        }

        return sum;
    }

    private static double SinSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n <= 12; n++)
        {
            term *= -x2 / ((2 * n) * (2 * n + 1));
            sum += term;
        }

        return sum;
    }
}
