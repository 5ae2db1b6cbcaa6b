namespace AotNet.Training;

/// <summary>
/// Keras 3's <c>ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, mode="auto", min_delta=1e-4, cooldown=0,
/// min_lr=0.0)</c>: when <see cref="Monitor"/> has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs (outside a cooldown), the learning rate becomes <c>max(lr · Factor, MinLearningRate)</c>,
/// then <see cref="Cooldown"/> epochs pass before the waiting starts again. The trainer owns it: the reduced rate is
/// used from the next step on and stays with the trainer for later fits (<see cref="Trainer{TModel}.LearningRate"/>), as
/// a Keras optimizer keeps it; each epoch's rate goes to the history as <c>learning_rate</c>.
/// </summary>
public sealed record ReduceLROnPlateau
{
    /// <summary>A history key, e.g. "val_loss" or "val_accuracy".</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>The factor the rate is multiplied by, in [0, 1).</summary>
    public double Factor { get; init; } = 0.1;

    public int Patience { get; init; } = 10;

    /// <summary>Minimum change that counts as an improvement (its absolute value, as Keras takes it).</summary>
    public double MinDelta { get; init; } = 1e-4;

    /// <summary>Epochs after a reduction during which the waiting does not count.</summary>
    public int Cooldown { get; init; }

    /// <summary>Keras's <c>min_lr</c>: the rate is not reduced below it.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>Keras's "auto" mode: maximise accuracy, AUC, precision and recall, minimise the loss and the errors.</summary>
    public bool Maximise => MetricValues.Maximise(Monitor);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Monitor, nameof(Monitor));
        if (!(Factor >= 0 && Factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "ReduceLROnPlateau does not support a factor >= 1 (Keras's rule), nor a negative one");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Patience, nameof(Patience));
        ArgumentOutOfRangeException.ThrowIfNegative(Cooldown, nameof(Cooldown));
        if (!double.IsFinite(MinDelta) || !(MinLearningRate >= 0) || double.IsInfinity(MinLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), "MinDelta must be finite and MinLearningRate finite and >= 0");
        }
    }
}
