using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// The public passes of every generated model over a batch (<see cref="IModelGradients{TSelf}.Backward"/>,
/// <see cref="IModel{TSelf}.Evaluate"/>, <see cref="IModel{TSelf}.Predict"/>), written once over the model's
/// <see cref="IChunkPasses"/>: a block of rows at a time, each sum one chain in row order.
/// </summary>
public static class ChunkPasses
{
    /// <summary>
    /// Forward and backward over the batch: adds the gradient of the summed loss to <paramref name="gradient"/>, chunk by
    /// chunk (each chunk of <see cref="TrainingContext.ChunkRows"/> rows summed from +0 in row order, then added), and
    /// returns the loss and metric sums. Reads the parameters only. A model whose <see cref="IChunkPasses.WholeBatch"/> is
    /// true takes the whole batch in one workspace (<c>CreateWorkspace(batch.Count)</c>) and updates its moving statistics,
    /// as a training step does.
    /// </summary>
    public static BatchStats Backward<TPasses>(TPasses passes, in Batch batch, Workspace workspace, Span<float> gradient)
        where TPasses : struct, IChunkPasses
    {
        CheckInputs<TPasses>(batch.Inputs);
        var targets = passes.CheckBatch(batch, workspace, needsTargets: true)!;
        if (gradient.Length < passes.ParameterCount)
        {
            throw new ArgumentException("the gradient span must hold ParameterCount floats", nameof(gradient));
        }

        if (TPasses.WholeBatch)
        {
            if (workspace.MaxRows < batch.Count)
            {
                throw new ArgumentException("the workspace must hold the whole batch of " + batch.Count + " rows (CreateWorkspace(batch.Count)): the model's batch statistics need every row at once", nameof(workspace));
            }

            return passes.WholeBatchPass(batch.Inputs, targets, batch.Rows, workspace, gradient.Slice(0, passes.ParameterCount), accumulate: true, batch.SampleWeights);
        }

        int chunkRows = TrainingContext.ChunkRows;
        if (workspace.MaxRows < Math.Min(batch.Count, chunkRows))
        {
            throw new ArgumentException("the workspace must hold a chunk of " + chunkRows + " rows (or the whole batch)", nameof(workspace));
        }

        gradient = gradient.Slice(0, passes.ParameterCount);
        var sums = default(BatchStats);
        for (int start = 0; start < batch.Count; start += chunkRows)
        {
            var rows = batch.Rows.Slice(start, Math.Min(chunkRows, batch.Count - start));
            sums += passes.ChunkPass(batch.Inputs, targets, rows, workspace, gradient, accumulate: true, default, batch.SampleWeights);
        }

        return sums;
    }

    /// <summary>Forward only: sums of the per-sample loss and metric over the batch (one chain per sum over all the blocks).</summary>
    public static BatchStats Evaluate<TPasses>(TPasses passes, in Batch batch, Workspace workspace)
        where TPasses : struct, IChunkPasses
    {
        CheckInputs<TPasses>(batch.Inputs);
        var targets = passes.CheckBatch(batch, workspace, needsTargets: true)!;
        var sums = default(BatchStats);
        for (int start = 0; start < batch.Count; start += workspace.MaxRows)
        {
            var rows = batch.Rows.Slice(start, Math.Min(workspace.MaxRows, batch.Count - start));
            passes.ForwardChunk(batch.Inputs, rows, workspace);
            passes.LossRows(targets, rows, workspace, 0, rows.Length, gradient: false, batch.SampleWeights);
            sums = passes.Sums(workspace, rows.Length, sums);
        }

        return sums;
    }

    /// <summary>Forward only: writes <c>batch.Count x OutputCount</c> outputs.</summary>
    public static void Predict<TPasses>(TPasses passes, in Batch batch, Workspace workspace, Span<float> outputs)
        where TPasses : struct, IChunkPasses
    {
        CheckInputs<TPasses>(batch.Inputs);
        passes.CheckBatch(batch, workspace, needsTargets: false);
        int outputCount = passes.OutputCount;
        if (outputs.Length < batch.Count * outputCount)
        {
            throw new ArgumentException("the output span must hold batch.Count * OutputCount floats", nameof(outputs));
        }

        for (int start = 0; start < batch.Count; start += workspace.MaxRows)
        {
            var rows = batch.Rows.Slice(start, Math.Min(workspace.MaxRows, batch.Count - start));
            passes.ForwardChunk(batch.Inputs, rows, workspace);
            passes.Outputs(workspace).Slice(0, rows.Length * outputCount).CopyTo(outputs.Slice(start * outputCount));
        }
    }

    /// <summary>
    /// Part <paramref name="job"/> of <paramref name="jobs"/> of [0, <paramref name="total"/>): the rows or units a job of a
    /// generated model's parallel phase computes (inner bounds rounded down to <paramref name="align"/>); the parts of all
    /// jobs cover the range once.
    /// </summary>
    public static (int From, int To) Part(int total, int job, int jobs, int align) => TileSplit.Part(total, job, jobs, align);

    /// <summary>Refuses token sequences for a model whose first layer is not an Embedding (its checks know features only).</summary>
    internal static void CheckInputs<TPasses>(Features? inputs)
        where TPasses : struct, IChunkPasses
    {
        if (inputs?.Tokens is not null && !TPasses.TakesTokens)
        {
            throw new ArgumentException("token sequences (TokenMatrix) are the inputs of a model whose first layer is [Embedding]; this model takes numeric features", nameof(inputs));
        }
    }
}
