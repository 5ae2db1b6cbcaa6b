namespace AotNet.Training;

/// <summary>
/// Implemented by every generated model (a partial class declared with <see cref="SequentialAttribute"/>).
/// The trainer drives models through these members only: no reflection, no virtual layer list.
/// </summary>
/// <remarks>
/// Parameters, gradients and optimizer state share one layout:
/// <c>dense_0.kernel [in0, out0], dense_0.bias [out0], dense_1.kernel, …</c>.
/// Gradients are sums over rows (not means); the trainer passes the 1/batch scale to <see cref="Step"/>.
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

    /// <summary>The gradient block (same layout as <see cref="Parameters"/>), consumed by <see cref="Step"/>.</summary>
    float[] Gradients { get; }

    /// <summary>Buffers for forward and backward passes over at most <paramref name="maxRows"/> rows.
    /// A workspace belongs to one thread at a time.</summary>
    Workspace CreateWorkspace(int maxRows);

    /// <summary>
    /// Forward and backward over the batch rows, in row order: adds the gradient of the summed per-sample loss to
    /// <paramref name="gradient"/> (which the caller zeroes) and returns the sums of the per-sample loss and metric.
    /// </summary>
    BatchStats Backward(in Batch batch, Workspace workspace, Span<float> gradient);

    /// <summary>One optimizer step with gradient <c>Gradients * scale</c>.</summary>
    void Step(float scale);

    /// <summary>
    /// Optional fast path for one-row batches: a training step giving exactly the parameters and optimizer state of
    /// <see cref="Backward"/> into zeroed <see cref="Gradients"/> followed by <c>Step(1f)</c>, and the row's loss and metric.
    /// Returns false (having changed nothing) when the model or the batch does not support it; the default never does.
    /// </summary>
    bool TryTrainRow(in Batch batch, Workspace workspace, out BatchStats stats)
    {
        stats = default;
        return false;
    }

    /// <summary>
    /// Whether the model takes the row-wise training step for multi-hot inputs (<see cref="BackwardExceptFirstKernel"/>,
    /// <see cref="StepFirstKernelRows"/>, <see cref="StepExceptFirstKernel"/>); generated RMSprop models do.
    /// </summary>
    bool SupportsFirstKernelRowStep => false;

    /// <summary>
    /// <see cref="Backward"/> without the first kernel's gradient: that part of <paramref name="gradient"/> is left
    /// untouched and the first layer's delta of each row is written to <paramref name="firstLayerDeltas"/> (rows one after
    /// another) instead, for a <see cref="FirstKernelGradient"/>.
    /// </summary>
    BatchStats BackwardExceptFirstKernel(in Batch batch, Workspace workspace, Span<float> gradient, Span<float> firstLayerDeltas) =>
        throw new NotSupportedException();

    /// <summary>The optimizer step on the first kernel's rows of job <paramref name="job"/>, with gradient <c>gradient * scale</c>.</summary>
    void StepFirstKernelRows(FirstKernelGradient gradient, int job, float scale) => throw new NotSupportedException();

    /// <summary>
    /// The optimizer step on every parameter after the first kernel, with gradient <c>Gradients * scale</c>; together with
    /// <see cref="StepFirstKernelRows"/> on every job it is one <see cref="Step"/>.
    /// </summary>
    void StepExceptFirstKernel(float scale) => throw new NotSupportedException();

    /// <summary>Forward only: sums of the per-sample loss and metric over the batch (targets required).</summary>
    BatchStats Evaluate(in Batch batch, Workspace workspace);

    /// <summary>Forward only: writes <c>batch.Count x Outputs</c> values (probabilities for sigmoid/softmax outputs).</summary>
    void Predict(in Batch batch, Workspace workspace, Span<float> outputs);

    /// <summary>Zeroes the optimizer state (moments, step count).</summary>
    void ResetOptimizer();
}

/// <summary>Per-thread scratch memory for a generated model: activations and deltas for up to <see cref="MaxRows"/> rows.</summary>
public sealed class Workspace
{
    public Workspace(int maxRows, int floatsPerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        MaxRows = maxRows;
        FloatsPerRow = floatsPerRow;
        Buffer = GC.AllocateArray<float>(checked(maxRows * floatsPerRow), pinned: true);
    }

    public int MaxRows { get; }

    public int FloatsPerRow { get; }

    /// <summary>Scratch floats; the model decides the layout.</summary>
    public float[] Buffer { get; }
}
