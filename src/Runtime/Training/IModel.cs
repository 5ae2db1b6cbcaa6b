namespace AotNet.Training;

/// <summary>
/// Implemented by every generated model (a partial class declared with <see cref="SequentialAttribute"/>).
/// The trainer drives models through these members only: no reflection, no virtual layer list.
/// </summary>
/// <remarks>
/// Parameters and optimizer state share one layout: <c>dense_0.kernel [in0, out0], dense_0.bias [out0], dense_1.kernel, …</c>.
/// How a batch is trained (a fused one-row step, a sparse multi-hot first layer kept row-wise, register-blocked
/// matrix-matrix kernels, chunks or tiles spread over the workers) is the model's choice: it knows its shapes at
/// compile time. Every choice follows the summation contract of <see cref="TrainingContext"/>, so the parameters
/// after a step are the same bits whichever it takes and whatever the thread count.
/// </remarks>
public interface IModel<TSelf>
    where TSelf : class, IModel<TSelf>
{
    /// <summary>Topology, loss, optimizer and parameter layout.</summary>
    static abstract ModelDescription Description { get; }

    /// <summary>A model with glorot_uniform kernels drawn from <paramref name="seed"/> and zero biases.</summary>
    static abstract TSelf Create(ulong seed);

    /// <summary>All kernels and biases, in one block.</summary>
    float[] Parameters { get; }

    /// <summary>
    /// The non-trainable state (<see cref="ModelDescription.StateCount"/> floats: a Normalization layer's mean and variance,
    /// …), saved and loaded with the weights but never stepped by the optimizer; empty for a model without any.
    /// </summary>
    float[] State => [];

    /// <summary>Buffers for forward passes over at most <paramref name="maxRows"/> rows. A workspace belongs to one thread at a time.</summary>
    Workspace CreateWorkspace(int maxRows);

    /// <summary>
    /// One training step on the context's current batch, like one batch of Keras's <c>fit</c>: forward and backward
    /// over its rows, then one optimizer step with the gradient of the batch-mean loss (each row's loss times its sample
    /// weight when the context has <see cref="TrainingContext.SampleWeights"/>). Returns the sums of the per-sample
    /// (weighted) loss and the unweighted metric over the batch (before the step).
    /// </summary>
    BatchStats TrainBatch(TrainingContext context);

    /// <summary>Forward only: sums of the per-sample loss (times <see cref="Batch.SampleWeights"/>, if any) and metric over the batch (targets required).</summary>
    BatchStats Evaluate(in Batch batch, Workspace workspace);

    /// <summary>Forward only: writes <c>batch.Count x Outputs</c> values (probabilities for sigmoid/softmax outputs).</summary>
    void Predict(in Batch batch, Workspace workspace, Span<float> outputs);

    /// <summary>Zeroes the optimizer state (moments, step count).</summary>
    void ResetOptimizer();
}

/// <summary>
/// Per-thread scratch memory for a generated model: blocks of up to <see cref="MaxRows"/> rows (row-major, one block per
/// layer's activations and deltas), plus a block for dense input rows, allocated when first asked for.
/// </summary>
public sealed class Workspace
{
    private float[]? _inputs;

    public Workspace(int maxRows, int floatsPerRow)
        : this(maxRows, floatsPerRow, 0)
    {
    }

    /// <summary>A workspace that also keeps <paramref name="counters"/> integer counters (a model's AUC buckets).</summary>
    public Workspace(int maxRows, int floatsPerRow, int counters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(counters);
        Counters = counters == 0 ? [] : new long[counters];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        ArgumentOutOfRangeException.ThrowIfNegative(floatsPerRow);
        MaxRows = maxRows;
        FloatsPerRow = floatsPerRow;
        Buffer = GC.AllocateArray<float>(checked(maxRows * floatsPerRow), pinned: true);
    }

    public int MaxRows { get; }

    /// <summary>
    /// Counts the model's passes add to (the AUC buckets of <see cref="MetricValues"/>, when the model declares AUC;
    /// else empty). Whoever reads them clears them; integer sums, so the order of the passes does not matter.
    /// </summary>
    public long[] Counters { get; }

    /// <summary>Adds <see cref="Counters"/> to <paramref name="total"/> and clears them (integer sums: any order of workspaces).</summary>
    public void MoveCounters(Span<long> total)
    {
        long[] counters = Counters;
        for (int i = 0; i < counters.Length; i++)
        {
            total[i] += counters[i];
        }

        Array.Clear(counters);
    }

    public int FloatsPerRow { get; }

    /// <summary>Scratch floats (<see cref="MaxRows"/> × <see cref="FloatsPerRow"/>); the model decides the layout.</summary>
    public float[] Buffer { get; }

    /// <summary>A block of <see cref="MaxRows"/> × <paramref name="inputs"/> floats for gathering dense input rows.</summary>
    public float[] InputBlock(int inputs)
    {
        long floats = (long)MaxRows * inputs;
        if (_inputs is null || _inputs.Length < floats)
        {
            _inputs = GC.AllocateArray<float>(checked((int)floats), pinned: true);
        }

        return _inputs;
    }
}

/// <summary>
/// The parts of a training step, which every generated model also offers: the gradient block, the gradient of a batch
/// and the optimizer step. The trainer does not use them (it calls <see cref="IModel{TSelf}.TrainBatch"/>); they are for
/// gradient checks, references and benchmarks. <c>Backward</c> into a zeroed <see cref="Gradients"/> followed by
/// <c>Step(1f / batch.Count)</c> gives the same floats as <see cref="IModel{TSelf}.TrainBatch"/> on that batch.
/// </summary>
public interface IModelGradients<TSelf> : IModel<TSelf>
    where TSelf : class, IModelGradients<TSelf>
{
    /// <summary>The gradient block (same layout as <see cref="IModel{TSelf}.Parameters"/>), consumed by <see cref="Step"/>.</summary>
    float[] Gradients { get; }

    /// <summary>
    /// Forward and backward over the batch: adds the gradient of the summed per-sample loss (each times its
    /// <see cref="Batch.SampleWeights"/> weight, if any) to <paramref name="gradient"/>
    /// chunk by chunk (the summation contract of <see cref="TrainingContext"/>) and returns the loss and metric sums.
    /// </summary>
    BatchStats Backward(in Batch batch, Workspace workspace, Span<float> gradient);

    /// <summary>One optimizer step with gradient <c>Gradients * scale</c>.</summary>
    void Step(float scale);
}
