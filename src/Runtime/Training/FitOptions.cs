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

    /// <summary>
    /// The learning rate as a function of the optimizer's step count (Keras's <c>learning_rate=schedule</c>), instead of the
    /// declared constant: <see cref="ExponentialDecay"/>, <see cref="CosineDecay"/>, <see cref="PiecewiseConstantDecay"/> or
    /// your own <see cref="LearningRateSchedule"/>. Not together with <see cref="ReduceLROnPlateau"/> (Keras cannot set a
    /// schedule's rate either).
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>Keras's ReduceLROnPlateau callback; off by default.</summary>
    public ReduceLROnPlateau? ReduceLROnPlateau { get; init; }
}

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

/// <summary>
/// The state of a <see cref="Training.ReduceLROnPlateau"/> during one fit (Keras resets it at the start of training):
/// Keras 3's <c>on_epoch_end</c> step by step.
/// </summary>
internal struct PlateauTracker(ReduceLROnPlateau settings)
{
    private double _best = double.NaN;
    private bool _hasBest;
    private int _wait, _cooldownCounter;

    public readonly int Wait => _wait;

    public readonly int CooldownCounter => _cooldownCounter;

    /// <summary>The end of an epoch with monitored value <paramref name="current"/> and rate <paramref name="learningRate"/>: the rate for the next epoch.</summary>
    public float OnEpochEnd(double current, float learningRate)
    {
        double minDelta = Math.Abs(settings.MinDelta);
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }

        bool improved = !_hasBest || (settings.Maximise ? current - minDelta > _best : current + minDelta < _best);
        if (improved)
        {
            _best = current;
            _hasBest = true;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= settings.Patience)
            {
                double old = learningRate;
                if (old > (float)settings.MinLearningRate)
                {
                    learningRate = (float)Math.Max(old * settings.Factor, settings.MinLearningRate);
                    _cooldownCounter = settings.Cooldown;
                    _wait = 0;
                }
            }
        }

        return learningRate;
    }
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

    /// <summary>Keras's "auto" mode: maximise accuracy, AUC, precision and recall, minimise the loss and the errors.</summary>
    public bool Maximise => MetricValues.Maximise(Monitor);
}

/// <summary>The training did not converge: a NaN or infinite loss.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>Keras's <c>evaluate</c>: the mean loss over a data set and the declared metrics, under their history names.</summary>
public sealed class Evaluation : IEquatable<Evaluation>
{
    public Evaluation(double loss, IReadOnlyList<string> metricNames, IReadOnlyList<double> metricValues)
    {
        ArgumentNullException.ThrowIfNull(metricNames);
        ArgumentNullException.ThrowIfNull(metricValues);
        if (metricNames.Count != metricValues.Count)
        {
            throw new ArgumentException("one value per metric name", nameof(metricValues));
        }

        Loss = loss;
        MetricNames = metricNames;
        MetricValues = metricValues;
    }

    public double Loss { get; }

    /// <summary>The first declared metric's value (e.g. accuracy), NaN when the model declares none.</summary>
    public double Metric => MetricValues.Count > 0 ? MetricValues[0] : double.NaN;

    /// <summary>The declared metrics' Keras names ("accuracy", "mae", "mse", "auc", "precision", "recall"), in declaration-flag order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<double> MetricValues { get; }

    /// <summary>"loss" or a metric's name.</summary>
    public double this[string name]
    {
        get
        {
            if (name == "loss")
            {
                return Loss;
            }

            for (int i = 0; i < MetricNames.Count; i++)
            {
                if (MetricNames[i] == name)
                {
                    return MetricValues[i];
                }
            }

            throw new KeyNotFoundException($"no metric '{name}': the model reports loss{(MetricNames.Count > 0 ? ", " + string.Join(", ", MetricNames) : string.Empty)}");
        }
    }

    public bool Equals(Evaluation? other) =>
        other is not null && Loss.Equals(other.Loss) && MetricNames.SequenceEqual(other.MetricNames) && MetricValues.SequenceEqual(other.MetricValues);

    public override bool Equals(object? obj) => Equals(obj as Evaluation);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Loss);
        foreach (double value in MetricValues)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Join(", ", new[] { "loss " + Loss.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) }.Concat(
            MetricNames.Select((name, i) => name + " " + MetricValues[i].ToString("G6", System.Globalization.CultureInfo.InvariantCulture))));
}

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

    /// <summary>The first declared metric over the epoch's batches so far.</summary>
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
