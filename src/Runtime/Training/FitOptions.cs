namespace AotNet.Training;

/// <summary>The arguments of Keras's <c>fit</c> that the trainer honours.</summary>
public sealed record FitOptions
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 32;

    /// <summary>Reshuffle the training rows before every epoch (Keras's default).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the per-epoch shuffles.</summary>
    public ulong Seed { get; init; }

    /// <summary>Optional early stopping; off by default, as in the seed.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Keras's <c>validation_split</c>: when no validation data is given, the last <c>n − floor(n (1 − split))</c> rows of the
    /// training data (before any shuffle) validate and are not trained on. 0 = off.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Keras's <c>class_weight</c>: class index → weight (finite, ≥ 0), turned into one sample weight per training row
    /// as Keras 3 does it: a row's class is the argmax of its targets, or its one target rounded (half to even) when there
    /// is one column; a class without an entry weighs 1. Training only (validation is unweighted unless its data carry
    /// <see cref="Data.LabeledData.SampleWeights"/>); not together with sample weights on the training data. Null = off.
    /// </summary>
    public IReadOnlyDictionary<int, double>? ClassWeight { get; init; }

    /// <summary>Told at the end of every epoch after the observer passed to Fit (e.g. <see cref="CsvLogger"/>, <see cref="ModelCheckpoint{TModel}"/>).</summary>
    public IReadOnlyList<ITrainingObserver> Callbacks { get; init; } = [];

    /// <summary>Stop with <see cref="TrainingDivergedException"/> when the epoch loss is NaN or infinite (Keras's TerminateOnNaN).</summary>
    public bool TerminateOnNaN { get; init; } = true;
}

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

    /// <summary>Keras's "auto" mode: maximise accuracies, minimise everything else.</summary>
    public bool Maximise => Monitor.EndsWith("accuracy", StringComparison.Ordinal);
}

/// <summary>The training did not converge: a NaN or infinite loss.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>Loss and metric means over a data set.</summary>
public readonly record struct Evaluation(double Loss, double Metric);

/// <summary>
/// Live progress, written by the training thread with plain field stores (no allocation, no callback) and read by
/// whoever draws a progress bar, from any thread.
/// </summary>
public sealed class TrainingProgress
{
    private int _epoch, _epochs, _batch, _batches;
    private double _loss, _metric;

    public int Epoch => Volatile.Read(ref _epoch);

    public int Epochs => Volatile.Read(ref _epochs);

    public int Batch => Volatile.Read(ref _batch);

    public int Batches => Volatile.Read(ref _batches);

    /// <summary>Running mean of the loss over the epoch's batches so far.</summary>
    public double Loss => Volatile.Read(ref _loss);

    public double Metric => Volatile.Read(ref _metric);

    internal void Update(int epoch, int epochs, int batch, int batches, double loss, double metric)
    {
        Volatile.Write(ref _loss, loss);
        Volatile.Write(ref _metric, metric);
        Volatile.Write(ref _epochs, epochs);
        Volatile.Write(ref _batches, batches);
        Volatile.Write(ref _epoch, epoch);
        Volatile.Write(ref _batch, batch);
    }
}

/// <summary>Told at the end of every epoch; may allocate (its allocations are not counted as training's).</summary>
public interface ITrainingObserver
{
    void OnEpochEnd(int epoch, History history, TimeSpan epochTime);
}
