namespace AotNet.Generator
{
    /// <summary>The public passes over a batch: Backward, Evaluate and Predict, through the runtime's ChunkPasses over this model's Passes.</summary>
    internal static partial class Emitter
    {
        private static void EmitPublicPasses(CodeWriter w, Layout m)
        {
            string batchParams = "in " + Training + "Batch batch, " + Training + "Workspace workspace";
            w.Line("/// <summary>");
            w.Line("/// Forward and backward over the batch: adds the gradient of the summed loss to <paramref name=\"gradient\"/>, chunk by chunk");
            w.Line("/// (each chunk of AotNet.Training.TrainingContext.ChunkRows rows summed from +0 in row order, then added), and returns the loss and metric sums.");
            w.Line("/// Reads the parameters only, so threads may run it concurrently with their own workspaces and gradient blocks.");
            w.Line("/// </summary>");
            EmitPenalized(w, m, Training + "BatchStats Backward(" + batchParams + ", " + Span + " gradient)", "Backward(new Passes(this), batch, workspace, gradient)", "Keras's loss includes the penalty (its gradient is added by Step)");
            w.Line("/// <summary>Forward only: sums of the per-sample loss and metric over the batch.</summary>");
            EmitPenalized(w, m, Training + "BatchStats Evaluate(" + batchParams + ")", "Evaluate(new Passes(this), batch, workspace)", "Keras's evaluate includes the penalty");
            w.Line("/// <summary>Forward only: writes <c>batch.Count x OutputCount</c> outputs" + (m.Fused ? " (probabilities)" : string.Empty) + ".</summary>");
            w.Line("public void Predict(" + batchParams + ", " + Span + " outputs) => " + Training + "ChunkPasses.Predict(new Passes(this), batch, workspace, outputs);");
            w.Line();
        }

        /// <summary>A public pass through ChunkPasses, with the regularisation penalty added to its loss when the model has one.</summary>
        private static void EmitPenalized(CodeWriter w, Layout m, string signature, string call, string comment)
        {
            if (!m.HasRegularizer)
            {
                w.Line("public " + signature + " => " + Training + "ChunkPasses." + call + ";");
            }
            else
            {
                w.Open("public " + signature);
                w.Line("var sums = " + Training + "ChunkPasses." + call + ";");
                w.Line("return sums.WithLoss(sums.LossSum + (RegularizationLoss() * batch.Count)); // " + comment);
                w.Close();
            }

            w.Line();
        }
    }
}
