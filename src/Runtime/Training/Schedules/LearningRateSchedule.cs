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
