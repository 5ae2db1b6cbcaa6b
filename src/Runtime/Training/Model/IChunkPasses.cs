using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// What a generated model gives <see cref="ChunkScheduler{TPasses}"/>: its sizes, the split rules of its layers, and its
/// passes over a chunk or a tile of one (the model's own constant-size code). Implemented by a struct nested in each
/// generated model that holds the model, so the scheduler's generic code is specialised per model (no interface calls).
/// </summary>
public interface IChunkPasses
{
    /// <summary>Floats in the parameter block (and the gradient block).</summary>
    int ParameterCount { get; }

    /// <summary>Input features.</summary>
    int InputCount { get; }

    /// <summary>Outputs (units of the last layer).</summary>
    int OutputCount { get; }

    /// <summary>Dense layers.</summary>
    int LayerCount { get; }

    /// <summary>The inputs of layer <paramref name="layer"/> (its backward tiles split them, 16 at a time).</summary>
    int LayerInputs(int layer);

    /// <summary>The units of layer <paramref name="layer"/>.</summary>
    int LayerUnits(int layer);

    /// <summary>Whether layer <paramref name="layer"/>'s forward tiles are rows (else column ranges of its units, 16 at a time).</summary>
    bool TilesByRows(int layer);

    /// <summary>Whether a one-chunk batch may be split into tiles (no hidden softmax, whose backward needs whole rows).</summary>
    bool TilesSupported { get; }

    /// <summary>Whether a multi-hot first layer keeps its kernel gradient row-wise (<see cref="FirstKernelGradient"/>).</summary>
    bool FirstKernelRowWise { get; }

    /// <summary>The integer counters each workspace keeps (AUC's buckets), or 0.</summary>
    int CounterCount { get; }

    /// <summary>The model's gradient block (chunk 0's gradient goes there).</summary>
    float[] Gradients { get; }

    /// <summary>A workspace of <paramref name="maxRows"/> rows.</summary>
    Workspace CreateWorkspace(int maxRows);

    /// <summary>The batch's inputs (and, with <paramref name="needsTargets"/>, targets and sample weights) checked against the model and the workspace: its targets.</summary>
    DenseMatrix? CheckBatch(in Batch batch, Workspace workspace, bool needsTargets);

    /// <summary>
    /// Forward, loss and backward over one chunk: its gradient (summed from +0 over its rows in order) goes to
    /// <paramref name="gradient"/>, added to it when <paramref name="accumulate"/>; with <paramref name="firstLayerDeltas"/>
    /// the first layer's deltas go there instead of its kernel gradient; <paramref name="weights"/>: sample weights or null.
    /// </summary>
    BatchStats ChunkPass(Features inputs, DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, Span<float> gradient, bool accumulate, Span<float> firstLayerDeltas, float[]? weights);

    /// <summary>Gathers dense input rows into the workspace's input block.</summary>
    void LoadInputs(Features inputs, ReadOnlySpan<int> rows, Workspace workspace);

    /// <summary>Forward (inference: no dropout) over a block of rows.</summary>
    void ForwardChunk(Features inputs, ReadOnlySpan<int> rows, Workspace workspace);

    /// <summary>Layer <paramref name="layer"/>'s training forward over the batch's tile [from, to) (rows or units, <see cref="TilesByRows"/>).</summary>
    void Forward(int layer, TrainingContext context, Workspace workspace, int from, int to);

    /// <summary>Per-row loss and metric of rows [from, to) of the block; with <paramref name="gradient"/> the last layer's delta.</summary>
    void LossRows(DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, int from, int to, bool gradient, float[]? weights);

    /// <summary>The loss and metric sums of the workspace's first <paramref name="rows"/> rows, each continuing the chain of <paramref name="start"/>.</summary>
    BatchStats Sums(Workspace workspace, int rows, in BatchStats start);

    /// <summary>The block of the last layer's outputs.</summary>
    Span<float> Outputs(Workspace workspace);

    /// <summary>Layer <paramref name="layer"/>'s backward over its inputs [from, to), writing the gradient block; the bias gradient with <paramref name="bias"/>.</summary>
    void Backward(int layer, TrainingContext context, Workspace workspace, int from, int to, bool bias);

    /// <summary>Counts the step and builds its update (before any <see cref="StepRange"/>).</summary>
    void BeginStep();

    /// <summary>The optimizer update of parameters [start, end) with gradient <c>Gradients * scale</c>.</summary>
    void StepRange(int start, int end, float scale);

    /// <summary>Row job <paramref name="job"/> of the row-wise first kernel's step (only when <see cref="FirstKernelRowWise"/>).</summary>
    void FirstKernelStep(FirstKernelGradient firstKernel, int job, float scale);

    /// <summary>
    /// Whether a training step needs the whole batch at once (BatchNormalization's batch statistics need every row before the
    /// next layer): <see cref="ChunkScheduler{TPasses}"/> and <see cref="ChunkPasses.Backward"/> then run
    /// <see cref="WholeBatchPass"/> on one workspace that holds the batch, instead of chunks or tiles. A constant per model.
    /// </summary>
    static virtual bool WholeBatch => false;

    /// <summary>Whether the model's inputs are token sequences (<see cref="Features.Tokens"/>: its first layer is an Embedding); else features.</summary>
    static virtual bool TakesTokens => false;

    /// <summary>
    /// Forward (with the batch statistics), loss and backward over all of <paramref name="rows"/> in one workspace, every sum
    /// over rows in the chunk order of the summation contract: the gradient of the summed loss goes to
    /// <paramref name="gradient"/> (added to it when <paramref name="accumulate"/>). Only models whose
    /// <see cref="WholeBatch"/> is true have it.
    /// </summary>
    BatchStats WholeBatchPass(Features inputs, DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, Span<float> gradient, bool accumulate, float[]? weights) =>
        throw new NotSupportedException("this model trains a chunk at a time (WholeBatch is false)");

    /// <summary>
    /// The phases <see cref="WholeBatchPass"/> is made of (0: it has none and runs on one thread): each phase's work can be
    /// cut into jobs (<see cref="WholeBatchPhase"/>) that compute disjoint rows or units, every value by one job in the
    /// order of one pass over the batch, so the jobs may run on any workers once the phase before has finished.
    /// <see cref="WholeBatchPass"/> then ends with the loss and metric <see cref="Sums"/> of the batch.
    /// </summary>
    static virtual int WholeBatchPhases => 0;

    /// <summary>Job <paramref name="job"/> of <paramref name="jobs"/> of phase <paramref name="phase"/> of <see cref="WholeBatchPass"/> (the phases before it done).</summary>
    void WholeBatchPhase(int phase, Features inputs, DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, Span<float> gradient, bool accumulate, float[]? weights, int job, int jobs) =>
        throw new NotSupportedException("this model's whole-batch pass has no phases (WholeBatchPhases is 0)");
}
