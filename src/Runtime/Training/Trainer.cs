using System.Diagnostics;
using System.Numerics.Tensors;
using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// Keras's <c>fit</c>/<c>evaluate</c>/<c>predict</c> for a generated model, deterministic for any thread count.
/// </summary>
/// <remarks>
/// <para>Every batch is cut into chunks of <see cref="ChunkRows"/> rows. Each chunk's gradient is computed from zero
/// into its own buffer (chunk 0 straight into the model's gradient block), and the buffers are then added in chunk
/// order. Threads only decide who computes which chunk, never the arithmetic, so any <c>threads</c> gives bit-identical
/// results. Losses and metrics are summed per chunk and then in chunk order, the same way.</para>
/// <para>All buffers are allocated when the trainer is built or when a data set is first seen; after the first epoch
/// training allocates nothing (<see cref="History.AllocatedBytesAfterFirstEpoch"/> measures it).</para>
/// </remarks>
public sealed class Trainer<TModel> : IParallelJob, IDisposable
    where TModel : class, IModel<TModel>
{
    /// <summary>Rows per chunk: the unit of deterministic parallel work. Independent of the thread count by design.</summary>
    public const int DefaultChunkRows = 256;

    private readonly WorkerPool _pool;
    private readonly Workspace[] _workspaces;
    private readonly float[][] _chunkGradients;
    private readonly FirstKernelGradient? _firstKernel;
    private BatchStats[] _chunkStats;

    // The job being run by the pool: a training batch (gradients) or an evaluation pass (stats only).
    private LabeledData? _jobData;
    private int[]? _jobRows;
    private int _jobStart, _jobCount;
    private JobKind _jobKind;
    private float _jobScale;

    public Trainer(TModel model, int threads = 1, int chunkRows = DefaultChunkRows, int maxBatchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        Model = model;
        ChunkRows = chunkRows;
        _pool = new WorkerPool(threads);
        _workspaces = new Workspace[threads];
        for (int i = 0; i < threads; i++)
        {
            _workspaces[i] = model.CreateWorkspace(chunkRows);
        }

        int maxChunks = ChunksFor(maxBatchSize);
        _chunkGradients = new float[maxChunks - 1][];
        for (int i = 0; i < _chunkGradients.Length; i++)
        {
            _chunkGradients[i] = GC.AllocateArray<float>(model.Gradients.Length, pinned: true);
        }

        _chunkStats = new BatchStats[maxChunks];
        if (model.SupportsFirstKernelRowStep)
        {
            var first = TModel.Description.Layers[0];
            _firstKernel = new FirstKernelGradient(first.Inputs, first.Units, chunkRows, maxChunks);
        }
    }

    private enum JobKind
    {
        /// <summary>Chunk j: forward and backward into its gradient buffer.</summary>
        Gradient,

        /// <summary>Chunk j: forward and backward, the first kernel's gradient kept row-wise (multi-hot inputs).</summary>
        RowWiseGradient,

        /// <summary>Job j of <see cref="FirstKernelGradient.RowJobs"/>: the optimizer step on its first-kernel rows.</summary>
        FirstKernelStep,

        /// <summary>Chunk j: forward only, loss and metric sums.</summary>
        Evaluate,
    }

    public TModel Model { get; }

    public int ChunkRows { get; }

    public int Threads => _pool.Threads;

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
        if (ChunksFor(options.BatchSize) > _chunkGradients.Length + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"batch size {options.BatchSize} is larger than this trainer was built for");
        }

        CheckShapes(train, nameof(train));
        if (_firstKernel is not null && train.Inputs.Sparse is { } sparse)
        {
            _firstKernel.Reserve(sparse);
        }

        if (validation is not null)
        {
            CheckShapes(validation, nameof(validation));
            EnsureStatsCapacity(validation.Count);
        }

        var description = TModel.Description;
        var history = new History(description.MetricName, validation is not null, options.Epochs);
        int n = train.Count;
        int[] rows = Identity(n);
        int[]? validationRows = validation is null ? null : Identity(validation.Count);
        var shuffler = new DeterministicRandom(options.Seed);
        int batches = (n + options.BatchSize - 1) / options.BatchSize;
        var early = options.EarlyStopping;
        double bestMonitored = early is { Maximise: true } ? double.NegativeInfinity : double.PositiveInfinity;
        int bestEpoch = 0, wait = 0;
        float[]? bestWeights = early is { RestoreBestWeights: true } ? new float[Model.Parameters.Length] : null;
        long allocatedAfterFirstEpoch = 0, excluded = 0;
        var clock = Stopwatch.StartNew();
        _pool.WarmCaller();

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochStart = clock.Elapsed;
            if (options.Shuffle)
            {
                shuffler.Shuffle<int>(rows);
            }

            var sums = default(BatchStats);
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                int start = b * options.BatchSize;
                int count = Math.Min(options.BatchSize, n - start);
                sums += TrainBatch(train, rows, start, count);
                int seen = start + count;
                Progress.Update(epoch, options.Epochs, b + 1, batches, sums.LossSum / seen, sums.MetricSum / seen);
            }

            double loss = sums.LossSum / n, metric = sums.MetricSum / n;
            if (options.TerminateOnNaN && !double.IsFinite(loss))
            {
                throw new TrainingDivergedException($"epoch {epoch}: the training loss is {loss}; training stopped (lower the learning rate or check the data for extreme values)");
            }

            var val = validation is null ? default : EvaluateRows(validation, validationRows!);
            history.Add(loss, metric, val.Loss, val.Metric);

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

    /// <summary>Keras's <c>evaluate</c>: mean loss and metric over all rows of <paramref name="data"/>.</summary>
    public Evaluation Evaluate(LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShapes(data, nameof(data));
        EnsureStatsCapacity(data.Count);
        return EvaluateRows(data, Identity(data.Count));
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

    public void Dispose() => _pool.Dispose();

    void IParallelJob.Execute(int jobIndex, int workerIndex)
    {
        if (_jobKind == JobKind.FirstKernelStep)
        {
            Model.StepFirstKernelRows(_firstKernel!, jobIndex, _jobScale);
            return;
        }

        int start = _jobStart + (jobIndex * ChunkRows);
        int count = Math.Min(ChunkRows, _jobStart + _jobCount - start);
        var data = _jobData!;
        var batch = new Batch(data.Inputs, data.Targets, _jobRows.AsSpan(start, count));
        var workspace = _workspaces[workerIndex];
        switch (_jobKind)
        {
            case JobKind.Gradient:
            {
                // chunk 0 accumulates into the (zeroed) gradient block itself, the others into their own zeroed buffers
                var gradient = jobIndex == 0 ? Model.Gradients : _chunkGradients[jobIndex - 1];
                Array.Clear(gradient);
                _chunkStats[jobIndex] = Model.Backward(batch, workspace, gradient);
                break;
            }

            case JobKind.RowWiseGradient:
            {
                // as above, but the first kernel's part of the block stays unused: its gradient is kept row-wise
                var gradient = jobIndex == 0 ? Model.Gradients : _chunkGradients[jobIndex - 1];
                int firstKernel = FirstKernelLength;
                Array.Clear(gradient, firstKernel, gradient.Length - firstKernel);
                _chunkStats[jobIndex] = Model.BackwardExceptFirstKernel(batch, workspace, gradient, _firstKernel!.ChunkDeltas(jobIndex, count));
                _firstKernel.IndexChunk(jobIndex, data.Inputs.Sparse!, batch.Rows);
                break;
            }

            default:
                _chunkStats[jobIndex] = Model.Evaluate(batch, workspace);
                break;
        }
    }

    private static int FirstKernelLength => TModel.Description.Layers[0].KernelLength;

    private BatchStats TrainBatch(LabeledData data, int[] rows, int start, int count)
    {
        // one-row batches (Boston): the model's fused step, bit-identical to Backward + Step(1f) and without the gradient block
        if (count == 1 && Model.TryTrainRow(new Batch(data.Inputs, data.Targets, rows.AsSpan(start, 1)), _workspaces[0], out var stats))
        {
            return stats;
        }

        if (_firstKernel is not null && data.Inputs.IsSparse)
        {
            return TrainBatchRowWise(data, rows, start, count);
        }

        int chunks = RunChunks(data, rows, start, count, JobKind.Gradient);
        var gradient = Model.Gradients;
        var sums = _chunkStats[0];
        for (int c = 1; c < chunks; c++)
        {
            TensorPrimitives.Add(gradient, _chunkGradients[c - 1], gradient);
            sums += _chunkStats[c];
        }

        Model.Step(1f / count);
        return sums;
    }

    /// <summary>
    /// A batch of multi-hot rows: chunks run backward with the first kernel's gradient kept row-wise, then the optimizer
    /// steps the first kernel in row ranges (in parallel) and the rest of the block from the reduced chunk gradients.
    /// The same floats as the block path (see <see cref="FirstKernelGradient"/>).
    /// </summary>
    private BatchStats TrainBatchRowWise(LabeledData data, int[] rows, int start, int count)
    {
        var firstKernel = _firstKernel!;
        firstKernel.Begin(ChunksFor(count));
        int chunks = RunChunks(data, rows, start, count, JobKind.RowWiseGradient);
        int offset = FirstKernelLength;
        var gradient = Model.Gradients.AsSpan(offset);
        var sums = _chunkStats[0];
        for (int c = 1; c < chunks; c++)
        {
            TensorPrimitives.Add(gradient, _chunkGradients[c - 1].AsSpan(offset), gradient);
            sums += _chunkStats[c];
        }

        float scale = 1f / count;
        _jobKind = JobKind.FirstKernelStep;
        _jobScale = scale;
        _pool.Run(this, FirstKernelGradient.RowJobs);
        Model.StepExceptFirstKernel(scale);
        return sums;
    }

    private Evaluation EvaluateRows(LabeledData data, int[] rows)
    {
        int chunks = RunChunks(data, rows, 0, rows.Length, JobKind.Evaluate);
        var sums = default(BatchStats);
        for (int c = 0; c < chunks; c++)
        {
            sums += _chunkStats[c];
        }

        return rows.Length == 0 ? new Evaluation(double.NaN, double.NaN) : new Evaluation(sums.LossSum / rows.Length, sums.MetricSum / rows.Length);
    }

    private int RunChunks(LabeledData data, int[] rows, int start, int count, JobKind kind)
    {
        _jobData = data;
        _jobRows = rows;
        _jobStart = start;
        _jobCount = count;
        _jobKind = kind;
        int chunks = ChunksFor(count);
        _pool.Run(this, chunks);
        _jobData = null;
        _jobRows = null;
        return chunks;
    }

    private int ChunksFor(int rows) => Math.Max(1, (rows + ChunkRows - 1) / ChunkRows);

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

        if (data.Targets.Cols != d.Outputs || data.Targets.Rows != data.Inputs.Rows)
        {
            throw new ArgumentException($"{name}: targets are {data.Targets.Rows} x {data.Targets.Cols}, expected {data.Inputs.Rows} x {d.Outputs}", name);
        }
    }
}
