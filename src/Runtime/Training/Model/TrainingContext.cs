using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// What a generated model's <see cref="IModel{TSelf}.TrainBatch"/> works with: the current batch (row indices into a data
/// set) and the worker pool it may spread the batch's work over. The trainer owns one and sets a batch before each step.
/// </summary>
/// <remarks>
/// <para><b>The summation contract</b> (why any thread count gives the same bits): a batch is cut into chunks of
/// <see cref="ChunkRows"/> rows by position. Every gradient value is, per chunk, one fused multiply-add chain over the
/// chunk's rows in ascending order starting from +0, and the chunk sums are added in chunk order. Within a row, every
/// value is summed in ascending index order (one FMA chain per output; dot products in the fixed order of
/// <see cref="Kernels.Reductions"/>). Threads only decide who computes which output, chunk or parameter range.</para>
/// </remarks>
public sealed class TrainingContext : IDisposable
{
    /// <summary>Rows per chunk: the unit of the summation contract. Independent of the thread count by design.</summary>
    public const int ChunkRows = ModelLimits.ChunkRows;

    private readonly bool _ownsPool;
    private int[] _rows = [];
    private long[] _counters = [];

    /// <summary>A context with a pool of its own (for using a model without a <see cref="Trainer{TModel}"/>).</summary>
    public TrainingContext(int threads = 1)
        : this(new WorkerPool(threads), ownsPool: true)
    {
    }

    internal TrainingContext(WorkerPool pool, bool ownsPool)
    {
        Pool = pool;
        _ownsPool = ownsPool;
    }

    /// <summary>The workers (the calling thread is worker 0).</summary>
    public WorkerPool Pool { get; }

    public int Threads => Pool.Threads;

    /// <summary>Inputs of the current batch's data set.</summary>
    public Features Inputs { get; private set; } = null!;

    /// <summary>Targets of the current batch's data set.</summary>
    public DenseMatrix Targets { get; private set; } = null!;

    /// <summary>Sample weights of the current batch's data set, one per data-set row (<see cref="LabeledData.SampleWeights"/>), or null.</summary>
    public float[]? SampleWeights { get; private set; }

    /// <summary>The array holding the current batch's row indices at [<see cref="Start"/>, <see cref="Start"/> + <see cref="Count"/>).</summary>
    public int[] RowIndex => _rows;

    public int Start { get; private set; }

    /// <summary>Rows in the current batch.</summary>
    public int Count { get; private set; }

    /// <summary>The current batch's row indices.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(Start, Count);

    /// <summary>The current batch as a <see cref="Training.Batch"/>.</summary>
    public Batch Batch => new(Inputs, Targets, Rows, SampleWeights);

    /// <summary>Seed of the dropout masks (the trainer derives it from <see cref="FitOptions.Seed"/>).</summary>
    public ulong Seed { get; set; }

    /// <summary>The current epoch (1-based under the trainer; part of the dropout key).</summary>
    public int Epoch { get; set; }

    /// <summary>
    /// The learning-rate schedule the model evaluates at every step, at its optimizer's step count (the trainer sets it from
    /// <see cref="FitOptions.LearningRateSchedule"/>); null: <see cref="LearningRate"/>.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; set; }

    /// <summary>
    /// The learning rate the model steps with when there is no schedule (the trainer's <see cref="ReduceLROnPlateau"/> sets
    /// it); null: the rate the model declares.
    /// </summary>
    public float? LearningRate { get; set; }

    /// <summary>Batches set by <see cref="SetBatch"/> since the context was created: the step counter of the dropout key.</summary>
    public long Step { get; private set; }

    /// <summary>
    /// Counts the training steps add up since the trainer last cleared them (a model with AUC adds its workspaces'
    /// <see cref="Workspace.Counters"/> here after each batch): <paramref name="length"/> counters, allocated on the
    /// first call.
    /// </summary>
    public long[] Counters(int length)
    {
        if (_counters.Length < length)
        {
            Array.Resize(ref _counters, length);
        }

        return _counters;
    }

    /// <summary>Chunks of <see cref="ChunkRows"/> rows in a batch of <paramref name="rows"/> rows (at least one).</summary>
    public static int ChunksFor(int rows) => Math.Max(1, (int)(((long)rows + ChunkRows - 1) / ChunkRows));

    /// <summary>Makes rows <c>rows[start .. start + count)</c> of <paramref name="data"/> the current batch.</summary>
    public void SetBatch(LabeledData data, int[] rows, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if ((uint)start > (uint)rows.Length || count > rows.Length - start)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "the batch lies outside the row array");
        }

        if (data.SampleWeights is { } weights && weights.Length != data.Count)
        {
            throw new ArgumentException($"{weights.Length} sample weights for {data.Count} rows; give one weight per row", nameof(data));
        }

        Inputs = data.Inputs;
        Targets = data.Targets;
        SampleWeights = data.SampleWeights;
        _rows = rows;
        Start = start;
        Count = count;
        Step++;
    }

    public void Dispose()
    {
        if (_ownsPool)
        {
            Pool.Dispose();
        }
    }
}
