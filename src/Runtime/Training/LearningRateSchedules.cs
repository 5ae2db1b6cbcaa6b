namespace AotNet.Training;

/// <summary>
/// Keras 3's <c>keras.optimizers.schedules.LearningRateSchedule</c>: the learning rate as a function of the optimizer's
/// <c>iterations</c>, the steps taken before the current one (0 for the first step, counting on across <c>Fit</c> calls
/// until <see cref="IModel{TSelf}.ResetOptimizer"/>). Set it with <see cref="FitOptions.LearningRateSchedule"/>; the generated
/// model evaluates it once per step, in double, and steps with the value rounded to float (Adam's bias-corrected step
/// size and the weight decay use that rate too), so every thread count and vector width gets the same bits.
/// </summary>
/// <remarks>The built-in schedules compute their powers and cosines with <see cref="ScheduleMath"/> (IEEE double
/// operations only, no libm), so a rate is the same on every machine.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of the step that follows <paramref name="step"/> earlier steps (Keras's <c>schedule(iterations)</c>).</summary>
    public abstract double At(long step);

    private protected static void CheckFinite(double value, string name, bool positive = false)
    {
        if (!double.IsFinite(value) || value < 0 || (positive && value == 0))
        {
            throw new ArgumentOutOfRangeException(name, value, positive ? "must be finite and > 0" : "must be finite and >= 0");
        }
    }

    private protected static void CheckStep(long step) => ArgumentOutOfRangeException.ThrowIfNegative(step);
}

/// <summary>
/// Keras 3's <c>ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)</c>:
/// <c>initial · rate^(step / decay_steps)</c>, the exponent floored with <see cref="Staircase"/>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false)
    {
        CheckFinite(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        CheckFinite(decayRate, nameof(decayRate));
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    public double InitialLearningRate { get; }

    public long DecaySteps { get; }

    public double DecayRate { get; }

    public bool Staircase { get; }

    public override double At(long step)
    {
        CheckStep(step);
        double p = (double)step / DecaySteps;
        if (Staircase)
        {
            p = Math.Floor(p);
        }

        return InitialLearningRate * ScheduleMath.Pow(DecayRate, p);
    }
}

/// <summary>
/// Keras 3's <c>CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)</c>. Without a
/// warm-up target: <c>initial · ((1 − α) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + α)</c>. With one: for
/// <c>step &lt; warmup_steps</c> the linear warm-up <c>(target − initial) · step / warmup_steps + initial</c>, then the cosine
/// decay from the target over <c>decay_steps</c> steps counted from the end of the warm-up.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, double? warmupTarget = null, long warmupSteps = 0)
    {
        CheckFinite(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps); // Keras: "decay_steps must be > 0"
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must be finite");
        }

        if (warmupTarget is { } target)
        {
            CheckFinite(target, nameof(warmupTarget));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    public double InitialLearningRate { get; }

    public long DecaySteps { get; }

    /// <summary>The floor of the decay as a fraction of the rate it decays from.</summary>
    public double Alpha { get; }

    /// <summary>The rate the warm-up reaches (null: no warm-up).</summary>
    public double? WarmupTarget { get; }

    public long WarmupSteps { get; }

    public override double At(long step)
    {
        CheckStep(step);
        double decaySteps = DecaySteps, s = step;
        if (WarmupTarget is not { } target)
        {
            return Decay(Math.Min(s, decaySteps), decaySteps, InitialLearningRate);
        }

        double warmupSteps = WarmupSteps;
        s = Math.Min(s, decaySteps + warmupSteps);
        return s < warmupSteps
            ? ((target - InitialLearningRate) * (s / warmupSteps)) + InitialLearningRate
            : Decay(s - warmupSteps, decaySteps, target);
    }

    private double Decay(double step, double decaySteps, double from)
    {
        double cosine = 0.5 * (1.0 + ScheduleMath.CosPi(step / decaySteps));
        return from * (((1 - Alpha) * cosine) + Alpha);
    }
}

/// <summary>
/// Keras 3's <c>PiecewiseConstantDecay(boundaries, values)</c>: <c>values[0]</c> while <c>step ≤ boundaries[0]</c>,
/// <c>values[i]</c> for <c>boundaries[i − 1] &lt; step ≤ boundaries[i]</c>, <c>values[^1]</c> after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count == 0 || values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException($"values must have one more element than boundaries (Keras's rule); got {boundaries.Count} boundaries and {values.Count} values", nameof(values));
        }

        _boundaries = [.. boundaries];
        _values = [.. values];
        for (int i = 1; i < _boundaries.Length; i++)
        {
            if (_boundaries[i] < _boundaries[i - 1])
            {
                throw new ArgumentException("boundaries must not decrease", nameof(boundaries));
            }
        }

        foreach (double value in _values)
        {
            CheckFinite(value, nameof(values));
        }
    }

    public IReadOnlyList<long> Boundaries => _boundaries;

    public IReadOnlyList<double> Values => _values;

    public override double At(long step)
    {
        CheckStep(step);
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }
}

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
