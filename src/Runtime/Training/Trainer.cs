using System.Diagnostics;
using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// Keras's <c>fit</c>/<c>evaluate</c>/<c>predict</c> for a generated model, deterministic for any thread count.
/// </summary>
/// <remarks>
/// <para>The trainer shuffles, cuts batches, hands each batch to the model's <see cref="IModel{TSelf}.TrainBatch"/>
/// (which chooses how to spread it over the workers, under the summation contract of <see cref="TrainingContext"/>)
/// and reports. Evaluation cuts the data into chunks of <see cref="ChunkRows"/> rows, evaluated in parallel; their loss
/// and metric sums are added in chunk order, so any thread count gives bit-identical results.</para>
/// <para>Any batch size works: a batch larger than the training set is one batch per epoch, as in Keras. The model
/// allocates its training buffers on its first batch; after the first epoch training allocates nothing
/// (<see cref="History.AllocatedBytesAfterFirstEpoch"/> measures it).</para>
/// </remarks>
public sealed class Trainer<TModel> : IParallelJob, IDisposable
    where TModel : class, IModel<TModel>
{
    /// <summary>Rows per evaluation chunk (and per chunk of the training contract).</summary>
    public const int DefaultChunkRows = TrainingContext.ChunkRows;

    private readonly WorkerPool _pool;
    private readonly TrainingContext _context;
    private readonly Workspace[] _workspaces;
    private BatchStats[] _chunkStats;
    private readonly long[] _evaluationCounters;

    // the evaluation pass being run by the pool
    private LabeledData? _jobData;
    private int[]? _jobRows;
    private int _jobStart, _jobCount;

    public Trainer(TModel model, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _pool = new WorkerPool(threads);
        _context = new TrainingContext(_pool, ownsPool: false);
        _workspaces = new Workspace[threads];
        for (int i = 0; i < threads; i++)
        {
            _workspaces[i] = model.CreateWorkspace(ChunkRows);
        }

        _chunkStats = new BatchStats[2];
        _evaluationCounters = new long[TModel.Description.MetricCounterCount];
    }

    public TModel Model { get; }

    public int ChunkRows => DefaultChunkRows;

    public int Threads => _pool.Threads;

    /// <summary>
    /// The learning rate the model steps with when no schedule is given: null (the model's declared rate) until a
    /// <see cref="ReduceLROnPlateau"/> reduces it; then it stays reduced for later fits with this trainer, as a Keras
    /// optimizer's rate does. Set it to override the declared rate, or to null to go back to it.
    /// </summary>
    public float? LearningRate
    {
        get => _context.LearningRate;
        set
        {
            if (value is { } rate && !(rate >= 0 && float.IsFinite(rate)))
            {
                throw new ArgumentOutOfRangeException(nameof(value), rate, "a learning rate is finite and >= 0");
            }

            _context.LearningRate = value;
        }
    }

    /// <summary>Live progress of <see cref="Fit"/>, for progress bars.</summary>
    public TrainingProgress Progress { get; } = new();

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

        var description = TModel.Description;
        var metricNames = description.MetricNames;
        var history = new History(metricNames, validation is not null, options.Epochs);
        var metricValues = new double[metricNames.Count];
        var valMetricValues = new double[metricNames.Count];
        int counterCount = description.MetricCounterCount;
        long[] trainCounters = _context.Counters(counterCount);
        var firstMetric = description.Metrics & (Metric)(-(int)description.Metrics); // the lowest flag: the first in MetricNames' order
        var plateau = options.ReduceLROnPlateau;
        if (plateau is not null)
        {
            if (options.LearningRateSchedule is not null)
            {
                throw new ArgumentException("ReduceLROnPlateau cannot set the rate of a LearningRateSchedule (Keras raises too): use one of them", nameof(options));
            }

            plateau.Validate();
            if (!history.Keys.Contains(plateau.Monitor, StringComparer.Ordinal))
            {
                throw new ArgumentException($"ReduceLROnPlateau monitors '{plateau.Monitor}', which this fit does not record (it records {string.Join(", ", history.Keys)})", nameof(options));
            }

            history.TrackLearningRate(options.Epochs);
        }

        var tracker = plateau is null ? default : new PlateauTracker(plateau);
        _context.LearningRateSchedule = options.LearningRateSchedule;
        int n = train.Count;
        int[] rows = Identity(n);
        int[]? validationRows = validation is null ? null : Identity(validation.Count);
        var shuffler = new DeterministicRandom(options.Seed);
        int batchSize = Math.Min(options.BatchSize, n); // a batch larger than the data set is one batch per epoch, as in Keras
        int batches = (n + batchSize - 1) / batchSize;
        var early = options.EarlyStopping;
        double bestMonitored = early is { Maximise: true } ? double.NegativeInfinity : double.PositiveInfinity;
        int bestEpoch = 0, wait = 0;
        float[]? bestWeights = early is { RestoreBestWeights: true } ? new float[Model.Parameters.Length] : null;
        long allocatedAfterFirstEpoch = 0, excluded = 0;
        var clock = Stopwatch.StartNew();
        _pool.WarmCaller();
        _context.Seed = Seeds.Derive(options.Seed, Seeds.Dropout);

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochStart = clock.Elapsed;
            _context.Epoch = epoch;
            if (options.Shuffle)
            {
                shuffler.Shuffle<int>(rows);
            }

            Array.Clear(trainCounters);
            var sums = default(BatchStats);
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                int start = b * batchSize;
                int count = Math.Min(batchSize, n - start);
                _context.SetBatch(train, rows, start, count);
                sums += Model.TrainBatch(_context);
                int seen = start + count;
                Progress.Update(epoch, options.Epochs, b + 1, batches, sums.LossSum / seen, MetricValues.Value(firstMetric, sums, seen, trainCounters));
            }

            double loss = sums.LossSum / n;
            MetricValues.Compute(description.Metrics, sums, n, trainCounters.AsSpan(0, counterCount), metricValues);
            if (options.TerminateOnNaN && !double.IsFinite(loss))
            {
                throw new TrainingDivergedException($"epoch {epoch}: the training loss is {loss}; training stopped (lower the learning rate or check the data for extreme values)");
            }

            double valLoss = validation is null ? double.NaN : EvaluateRows(validation, validationRows!, valMetricValues);
            history.Add(loss, metricValues, valLoss, valMetricValues);
            if (plateau is not null)
            {
                float learningRate = _context.LearningRate ?? (float)description.LearningRate;
                history.AddLearningRate(learningRate);
                float next = tracker.OnEpochEnd(history[plateau.Monitor][epoch - 1], learningRate);
                if (next != learningRate)
                {
                    _context.LearningRate = next;
                }
            }

            if (epoch == 1)
            {
                allocatedAfterFirstEpoch = AllocatedByTraining();
            }

            if (observer is not null)
            {
                long before = AllocatedByTraining();
                observer.OnEpochEnd(epoch, history, clock.Elapsed - epochStart);
                excluded += AllocatedByTraining() - before;
            }

            for (int c = 0; c < options.Callbacks.Count; c++)
            {
                long before = AllocatedByTraining();
                options.Callbacks[c].OnEpochEnd(epoch, history, clock.Elapsed - epochStart);
                excluded += AllocatedByTraining() - before;
            }

            if (early is not null)
            {
                double monitored = history[early.Monitor][epoch - 1];
                bool improved = early.Maximise ? monitored > bestMonitored + early.MinDelta : monitored < bestMonitored - early.MinDelta;
                if (improved)
                {
                    bestMonitored = monitored;
                    bestEpoch = epoch;
                    wait = 0;
                    Model.Parameters.AsSpan().CopyTo(bestWeights);
                }
                else if (++wait > early.Patience)
                {
                    break;
                }
            }
        }

        if (bestWeights is not null && bestEpoch > 0)
        {
            bestWeights.CopyTo(Model.Parameters, 0);
            history.RestoredEpoch = bestEpoch;
        }

        history.AllocatedBytesAfterFirstEpoch = AllocatedByTraining() - allocatedAfterFirstEpoch - excluded;
        return history;
    }

    /// <summary>
    /// Keras's <c>evaluate</c>: mean loss and metric over all rows of <paramref name="data"/>; with sample weights the loss is
    /// Σ wᵢℓᵢ / rows (Keras's <c>evaluate(x, y, sample_weight=w)</c>) and the metric stays unweighted.
    /// </summary>
    public Evaluation Evaluate(LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShapes(data, nameof(data));
        EnsureStatsCapacity(data.Count);
        var description = TModel.Description;
        var values = new double[description.MetricNames.Count];
        double loss = EvaluateRows(data, Identity(data.Count), values);
        return new Evaluation(loss, description.MetricNames, values);
    }

    /// <summary>Keras's <c>predict</c>: <c>rows x outputs</c> values.</summary>
    public DenseMatrix Predict(Features inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int outputs = TModel.Description.Outputs;
        var result = new DenseMatrix(inputs.Rows, outputs);
        int[] rows = Identity(inputs.Rows);
        for (int start = 0; start < rows.Length; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows.Length - start);
            var batch = new Batch(inputs, null, rows.AsSpan(start, count));
            Model.Predict(batch, _workspaces[0], result.Data.AsSpan(start * outputs, count * outputs));
        }

        return result;
    }

    public void Dispose()
    {
        _context.Dispose();
        _pool.Dispose();
    }

    void IParallelJob.Execute(int jobIndex, int workerIndex)
    {
        int start = _jobStart + (jobIndex * ChunkRows);
        int count = Math.Min(ChunkRows, _jobStart + _jobCount - start);
        var data = _jobData!;
        _chunkStats[jobIndex] = Model.Evaluate(new Batch(data.Inputs, data.Targets, _jobRows.AsSpan(start, count), data.SampleWeights), _workspaces[workerIndex]);
    }

    /// <summary>The mean loss over <paramref name="rows"/>; the metrics' values go to <paramref name="metricValues"/>.</summary>
    private double EvaluateRows(LabeledData data, int[] rows, Span<double> metricValues)
    {
        int chunks = RunChunks(data, rows, 0, rows.Length);
        var sums = default(BatchStats);
        for (int c = 0; c < chunks; c++)
        {
            sums += _chunkStats[c];
        }

        // the AUC buckets the chunks counted in the workers' workspaces (integer sums: any order)
        Array.Clear(_evaluationCounters);
        foreach (var workspace in _workspaces)
        {
            workspace.MoveCounters(_evaluationCounters);
        }

        if (rows.Length == 0)
        {
            metricValues.Fill(double.NaN);
            return double.NaN;
        }

        MetricValues.Compute(TModel.Description.Metrics, sums, rows.Length, _evaluationCounters, metricValues);
        return sums.LossSum / rows.Length;
    }

    private int RunChunks(LabeledData data, int[] rows, int start, int count)
    {
        _jobData = data;
        _jobRows = rows;
        _jobStart = start;
        _jobCount = count;
        int chunks = ChunksFor(count);
        _pool.Run(this, chunks);
        _jobData = null;
        _jobRows = null;
        return chunks;
    }

    private static int ChunksFor(int rows) => TrainingContext.ChunksFor(rows);

    private void EnsureStatsCapacity(int rows)
    {
        if (_chunkStats.Length < ChunksFor(rows))
        {
            _chunkStats = new BatchStats[ChunksFor(rows)];
        }
    }

    private long AllocatedByTraining() => GC.GetAllocatedBytesForCurrentThread() + _pool.BackgroundAllocatedBytes;

    private static int[] Identity(int n)
    {
        var rows = new int[n];
        for (int i = 0; i < n; i++)
        {
            rows[i] = i;
        }

        return rows;
    }

    private static void CheckShapes(LabeledData data, string name)
    {
        var d = TModel.Description;
        if (data.Inputs.Cols != d.Inputs)
        {
            throw new ArgumentException($"{name}: {data.Inputs.Cols} input columns, but {d.Name} takes {d.Inputs}", name);
        }

        if (data.Targets.Cols != d.TargetCount || data.Targets.Rows != data.Inputs.Rows)
        {
            throw new ArgumentException($"{name}: targets are {data.Targets.Rows} x {data.Targets.Cols}, expected {data.Inputs.Rows} x {d.TargetCount}", name);
        }

        if (data.SampleWeights is { } weights)
        {
            if (weights.Length != data.Count)
            {
                throw new ArgumentException($"{name}: {weights.Length} sample weights for {data.Count} rows; give one weight per row", name);
            }

            LabeledData.CheckSampleWeights(weights, name); // again: the array may have changed since it was attached
        }
    }
}
