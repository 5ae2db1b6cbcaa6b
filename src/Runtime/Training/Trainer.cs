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
public sealed partial class Trainer<TModel> : IParallelJob, IDisposable
    where TModel : class, IModel<TModel>
{
    /// <summary>Rows per evaluation chunk (and per chunk of the training contract).</summary>
    public const int DefaultChunkRows = TrainingContext.ChunkRows;

    private readonly WorkerPool _pool;
    private readonly TrainingContext _context;
    private readonly Workspace[] _workspaces;
    private BatchStats[] _chunkStats;
    private readonly long[] _evaluationCounters;

    /// <summary>
    /// The most worker threads a trainer takes (as <c>aotnet --threads</c>): each holds a workspace of
    /// <see cref="ChunkRows"/> rows, and more threads than cores only add memory and switching, never speed.
    /// </summary>
    public const int MaxThreads = 256;

    private int _user, _depth;

    /// <param name="model">The model to train.</param>
    /// <param name="threads">Worker threads, 1 to <see cref="MaxThreads"/>; results are the same bits for any count.</param>
    public Trainer(TModel model, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
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
    /// Keras's <c>evaluate</c>: mean loss and metric over all rows of <paramref name="data"/>; with sample weights the loss is
    /// Σ wᵢℓᵢ / rows (Keras's <c>evaluate(x, y, sample_weight=w)</c>) and the metric stays unweighted.
    /// </summary>
    public Evaluation Evaluate(LabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var use = Use(nameof(Evaluate));
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
        using var use = Use(nameof(Predict));
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

    /// <summary>
    /// A trainer serves one caller at a time (its workspaces, pool and model are shared): a call from another thread
    /// while one runs throws at once instead of deadlocking or interleaving. The same thread may call again (a callback
    /// evaluating during <see cref="Fit"/>).
    /// </summary>
    private UseScope Use(string what)
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _user, me, 0);
        if (owner != 0 && owner != me)
        {
            throw new InvalidOperationException($"Trainer.{what} was called while another thread is using this trainer (Fit, Evaluate or Predict); a trainer is used by one caller at a time: wait for it, or give each thread its own model and trainer");
        }

        _depth++;
        return new UseScope(this);
    }

    private readonly struct UseScope(Trainer<TModel> trainer) : IDisposable
    {
        public void Dispose()
        {
            if (--trainer._depth == 0)
            {
                Volatile.Write(ref trainer._user, 0);
            }
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
