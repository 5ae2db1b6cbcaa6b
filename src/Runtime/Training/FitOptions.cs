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
