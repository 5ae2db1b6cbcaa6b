namespace AotNet.Training;

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
