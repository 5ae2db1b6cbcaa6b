namespace AotNet.Generator
{
    /// <summary>The public passes over a batch: Backward, Evaluate and Predict, chunk by chunk.</summary>
    internal static partial class Emitter
    {
        private static void EmitPublicPasses(CodeWriter w, Layout m)
        {
            string batchParams = "in " + Training + "Batch batch, " + Training + "Workspace workspace";
            w.Line("/// <summary>");
            w.Line("/// Forward and backward over the batch: adds the gradient of the summed loss to <paramref name=\"gradient\"/>, chunk by chunk");
            w.Line("/// (each chunk of " + Training.Replace("global::", string.Empty) + "TrainingContext.ChunkRows rows summed from +0 in row order, then added), and returns the loss and metric sums.");
            w.Line("/// Reads the parameters only, so threads may run it concurrently with their own workspaces and gradient blocks.");
            w.Line("/// </summary>");
            w.Open("public " + Training + "BatchStats Backward(" + batchParams + ", " + Span + " gradient)");
            w.Line("var targets = CheckBatch(batch, workspace, needsTargets: true)!;");
            w.Open("if (gradient.Length < ParameterCount)");
            w.Line("throw new global::System.ArgumentException(\"the gradient span must hold ParameterCount floats\", nameof(gradient));");
            w.Close();
            w.Line();
            w.Line("int chunkRows = " + Training + "TrainingContext.ChunkRows;");
            w.Open("if (workspace.MaxRows < global::System.Math.Min(batch.Count, chunkRows))");
            w.Line("throw new global::System.ArgumentException(\"the workspace must hold a chunk of \" + chunkRows + \" rows (or the whole batch)\", nameof(workspace));");
            w.Close();
            w.Line();
            w.Line("gradient = gradient.Slice(0, ParameterCount);");
            w.Line("var sums = default(" + Training + "BatchStats);");
            w.Open("for (int start = 0; start < batch.Count; start += chunkRows)");
            w.Line("var rows = batch.Rows.Slice(start, global::System.Math.Min(chunkRows, batch.Count - start));");
            w.Line("sums += ChunkPass(batch.Inputs, targets, rows, workspace, gradient, accumulate: true, default, batch.SampleWeights);");
            w.Close();
            w.Line();
            w.Line(m.HasRegularizer ? "return sums.WithLoss(sums.LossSum + (RegularizationLoss() * batch.Count)); // Keras's loss includes the penalty (its gradient is added by Step)" : "return sums;");
            w.Close();
            w.Line();

            w.Line("/// <summary>Forward only: sums of the per-sample loss and metric over the batch.</summary>");
            w.Open("public " + Training + "BatchStats Evaluate(" + batchParams + ")");
            w.Line("var targets = CheckBatch(batch, workspace, needsTargets: true)!;");
            w.Line("var sums = default(" + Training + "BatchStats);");
            w.Open("for (int start = 0; start < batch.Count; start += workspace.MaxRows)");
            w.Line("var rows = batch.Rows.Slice(start, global::System.Math.Min(workspace.MaxRows, batch.Count - start));");
            w.Line("ForwardChunk(batch.Inputs, rows, workspace);");
            w.Line("LossRows(targets, rows, workspace, 0, rows.Length, gradient: false, batch.SampleWeights);");
            w.Line("sums = Sums(workspace, rows.Length, sums); // one chain per sum over all the blocks");
            w.Close();
            w.Line();
            w.Line(m.HasRegularizer ? "return sums.WithLoss(sums.LossSum + (RegularizationLoss() * batch.Count)); // Keras's evaluate includes the penalty" : "return sums;");
            w.Close();
            w.Line();

            w.Line("/// <summary>Forward only: writes <c>batch.Count x OutputCount</c> outputs" + (m.Fused ? " (probabilities)" : string.Empty) + ".</summary>");
            w.Open("public void Predict(" + batchParams + ", " + Span + " outputs)");
            w.Line("CheckBatch(batch, workspace, needsTargets: false);");
            w.Open("if (outputs.Length < batch.Count * OutputCount)");
            w.Line("throw new global::System.ArgumentException(\"the output span must hold batch.Count * OutputCount floats\", nameof(outputs));");
            w.Close();
            w.Line();
            w.Open("for (int start = 0; start < batch.Count; start += workspace.MaxRows)");
            w.Line("var rows = batch.Rows.Slice(start, global::System.Math.Min(workspace.MaxRows, batch.Count - start));");
            w.Line("ForwardChunk(batch.Inputs, rows, workspace);");
            w.Line("Block(workspace, Activation" + I(m.Last) + "Offset, OutputCount).Slice(0, rows.Length * OutputCount).CopyTo(outputs.Slice(start * OutputCount));");
            w.Close();
            w.Close();
            w.Line();
        }
    }
}
