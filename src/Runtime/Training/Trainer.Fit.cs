using System.Diagnostics;
using AotNet.Data;

namespace AotNet.Training;

/// <summary><see cref="Fit"/>: prepare the run (checks, validation split, class weights), then epochs, then callbacks.</summary>
public sealed partial class Trainer<TModel>
{
    /// <summary>
    /// Trains like Keras's <c>model.fit(x, y, epochs, batch_size, validation_data, shuffle)</c>: a fresh shuffle every
    /// epoch, the last partial batch kept, epoch loss and metric as batch-size-weighted means of the batch values, and
    /// the validation set evaluated at the end of each epoch.
    /// </summary>
    public History Fit(
        LabeledData train,
        LabeledData? validation,
        FitOptions options,
        ITrainingObserver? observer = null,
        CancellationToken cancellation = default)
    {
        using var use = Use(nameof(Fit));
        var run = PrepareFit(train, validation, options);
        var history = new History(TModel.Description.MetricNames, run.Validation is not null, options.Epochs);
        var callbacks = new FitCallbacks(this, options, history, observer);
        _context.LearningRateSchedule = CheckedSchedule.Wrap(options.LearningRateSchedule, firstStep: 0);
        long allocatedAfterFirstEpoch = 0;
        var clock = Stopwatch.StartNew();
        _pool.WarmCaller();
        _context.Seed = Seeds.Derive(options.Seed, Seeds.Dropout);

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochStart = clock.Elapsed;
            RunEpoch(run, epoch, history, cancellation);
            callbacks.AdjustLearningRate(epoch);
            if (epoch == 1)
            {
                allocatedAfterFirstEpoch = AllocatedByTraining();
            }

            if (callbacks.OnEpochEnd(epoch, clock.Elapsed - epochStart))
            {
                break;
            }
        }

        callbacks.OnTrainEnd();
        history.AllocatedBytesAfterFirstEpoch = AllocatedByTraining() - allocatedAfterFirstEpoch - callbacks.ExcludedBytes;
        return history;
    }

    /// <summary>
    /// Checks the arguments, splits off <see cref="FitOptions.ValidationSplit"/>, turns <see cref="FitOptions.ClassWeight"/>
    /// into sample weights and allocates what the epochs need, so that the epochs allocate nothing.
    /// </summary>
    private FitRun PrepareFit(LabeledData train, LabeledData? validation, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        CheckShapes(train, nameof(train));
        if (options.ClassWeight is not null && train.SampleWeights is not null)
        {
            throw new ArgumentException("train: the data carry sample weights and FitOptions.ClassWeight is set; give one of them (Keras refuses both at the same time)", nameof(options));
        }

        if (options.ValidationSplit != 0)
        {
            if (!(options.ValidationSplit > 0 && options.ValidationSplit < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit, "ValidationSplit is a fraction in (0, 1)");
            }

            if (validation is null)
            {
                int splitAt = (int)Math.Floor(train.Count * (1.0 - options.ValidationSplit)); // Keras's train_validation_split
                if (splitAt == 0 || splitAt == train.Count)
                {
                    throw new ArgumentException($"train: {train.Count} rows cannot be split into training and validation rows with ValidationSplit = {options.ValidationSplit}; give more rows or another fraction", nameof(train));
                }

                validation = train.SliceRows(splitAt, train.Count - splitAt);
                train = train.SliceRows(0, splitAt);
            }
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("train: no rows to train on", nameof(train));
        }

        if (Model is IAdaptable { IsAdapted: false } adaptable)
        {
            adaptable.Adapt(train.Inputs); // a Normalization layer not adapted yet: on the training rows, before the first epoch
        }

        if (options.ClassWeight is not null)
        {
            train = train with { SampleWeights = ClassWeights.ToSampleWeights(train.Targets, options.ClassWeight) }; // training rows only, as Keras
        }

        if (validation is not null)
        {
            CheckShapes(validation, nameof(validation));
            EnsureStatsCapacity(validation.Count);
            if (validation.Inputs.Dense is not null)
            {
                // every evaluation worker's dense input block now: a worker first used in a later epoch must not allocate then
                foreach (var workspace in _workspaces)
                {
                    workspace.InputBlock(TModel.Description.Inputs);
                }
            }
        }

        return new FitRun(train, validation, options, _context.Counters(TModel.Description.MetricCounterCount));
    }

    /// <summary>What the epochs of one fit share, allocated before the first.</summary>
    private sealed class FitRun(LabeledData train, LabeledData? validation, FitOptions options, long[] trainCounters)
    {
        public LabeledData Train { get; } = train;

        public LabeledData? Validation { get; } = validation;

        public FitOptions Options { get; } = options;

        /// <summary>The training rows in this epoch's order (shuffled in place).</summary>
        public int[] Rows { get; } = Identity(train.Count);

        public int[]? ValidationRows { get; } = validation is null ? null : Identity(validation.Count);

        public DeterministicRandom Shuffler { get; } = new(options.Seed);

        /// <summary>A batch larger than the data set is one batch per epoch, as in Keras.</summary>
        public int BatchSize { get; } = Math.Min(options.BatchSize, train.Count);

        public long[] TrainCounters { get; } = trainCounters;

        public double[] EpochMetrics { get; } = new double[TModel.Description.MetricNames.Count];

        public double[] ValidationMetrics { get; } = new double[TModel.Description.MetricNames.Count];
    }
}
