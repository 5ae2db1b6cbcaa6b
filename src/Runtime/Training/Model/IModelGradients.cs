namespace AotNet.Training;

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
