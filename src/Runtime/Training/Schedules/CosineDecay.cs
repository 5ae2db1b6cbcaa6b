namespace AotNet.Training;

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
