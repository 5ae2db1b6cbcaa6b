namespace AotNet.Training;

/// <summary>Keras's EarlyStopping callback: stop when <see cref="Monitor"/> has not improved for <see cref="Patience"/> epochs.</summary>
public sealed record EarlyStopping
{
    /// <summary>A history key, e.g. "val_loss" or "val_accuracy".</summary>
    public string Monitor { get; init; } = "val_loss";

    public int Patience { get; init; }

    /// <summary>Minimum change that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>Put back the weights of the best epoch when training stops.</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>Keras's "auto" mode: maximise accuracy, AUC, precision and recall, minimise the loss and the errors.</summary>
    public bool Maximise => MetricValues.Maximise(Monitor);
}
