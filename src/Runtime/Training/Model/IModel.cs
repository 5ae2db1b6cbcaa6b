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
    /// BatchNormalization's moving statistics), saved and loaded with the weights but never stepped by the optimizer; empty
    /// for a model without any.
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
