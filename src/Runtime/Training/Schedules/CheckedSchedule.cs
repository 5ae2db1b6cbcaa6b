namespace AotNet.Training;

/// <summary>
/// What <see cref="Trainer{TModel}.Fit"/> hands the model in place of a <see cref="FitOptions.LearningRateSchedule"/>:
/// the same rates, each checked before the step uses it. A rate that is NaN, infinite (also once rounded to float) or
/// negative stops the fit with an <see cref="InvalidOperationException"/> before that step changes a weight (NaN would
/// poison every weight, a negative rate trains uphill).
/// </summary>
internal sealed class CheckedSchedule(LearningRateSchedule inner) : LearningRateSchedule
{
    public LearningRateSchedule Inner { get; } = inner;

    public override double At(long step)
    {
        double rate = Inner.At(step);
        return rate >= 0 && float.IsFinite((float)rate) ? rate : throw Refused(Inner, step, rate);
    }

    /// <summary>Checks the first step's rate before any training, then wraps.</summary>
    public static LearningRateSchedule? Wrap(LearningRateSchedule? schedule, long firstStep)
    {
        if (schedule is null or CheckedSchedule)
        {
            return schedule;
        }

        var wrapped = new CheckedSchedule(schedule);
        _ = wrapped.At(firstStep);
        return wrapped;
    }

    private static InvalidOperationException Refused(LearningRateSchedule schedule, long step, double rate) =>
        new($"the LearningRateSchedule {schedule.GetType().Name} gave the rate {rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} for step {step}; a learning rate must be finite and >= 0 (as a float), so the fit stops before that step changes any weight");
}
