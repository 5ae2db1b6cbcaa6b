using System.Linq;

namespace AotNet.Generator
{
    /// <summary>
    /// TrainBatch, and the Passes struct through which the runtime's ChunkScheduler drives this model: its sizes, its
    /// layers' split rules and its passes over a chunk or a tile.
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>
        /// TrainBatch and its strategies: the fused one-row step, else the runtime's ChunkScheduler (chunks over the workers,
        /// a multi-hot first layer kept row-wise, or one chunk split into tiles; then the step over parameter ranges).
        /// </summary>
        private static void EmitTrainBatch(CodeWriter w, Layout m)
        {
            bool rowWise = m.FirstKernelRowWise, fusedRow = m.RowFusable; // every optimizer has both fast paths (the kernels are generic over the update) unless a feature rules them out
            w.Line("/// <summary>");
            w.Line("/// One training step on the context's batch. Chosen from the shapes: " + (fusedRow ? "a one-row batch of dense inputs takes the fused step; " : string.Empty));
            w.Line("/// " + (rowWise ? "multi-hot inputs keep the first kernel's gradient row-wise (FirstKernelGradient); " : string.Empty) + "else the runtime's ChunkScheduler runs the");
            w.Line("/// chunks (or tiles of one chunk) on the workers and the step over parameter ranges, following the summation contract of");
            w.Line("/// TrainingContext: the same floats for any thread count.");
            w.Line("/// </summary>");
            w.Open("public " + Training + "BatchStats TrainBatch(" + Training + "TrainingContext context)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
            w.Line("CheckData(context.Inputs, context.Targets, needsTargets: true, null); // the weights' length: checked by context.SetBatch, once per batch");
            if (m.HasDropout)
            {
                w.Line("SetDropoutKey(context.Seed, context.Epoch, context.Step);");
            }

            w.Line("_schedule = context.LearningRateSchedule;");
            w.Line("_learningRate = context.LearningRate ?? LearningRate;");
            w.Line("var state = _training is { } existing && global::System.Object.ReferenceEquals(existing.Context, context) ? existing : (_training = new(new Passes(this), context));");
            if (fusedRow)
            {
                w.Open("if (context.Count == 1 && context.Inputs.Dense is { } dense)");
                w.Line("var rowStats = TrainRow(dense, context.Targets, context.RowIndex[context.Start], state.Workspaces[0], context.SampleWeights);");
                EmitMoveCounters(w, m);
                w.Line("return rowStats;");
                w.Close();
                w.Line();
            }

            if (m.HasClipping)
            {
                w.Line("_clipScale = 1f / context.Count; // the scale of this step's update, for the clipping norms in BeginStep");
            }

            if (m.HasRegularizer)
            {
                w.Line("double penalty = RegularizationLoss(); // of the weights the batch sees, before the step (as Keras's loss)");
            }

            w.Line("var stats = state.Train();");
            EmitMoveCounters(w, m);
            w.Line(m.HasRegularizer ? "return stats.WithLoss(stats.LossSum + (penalty * context.Count));" : "return stats;");
            w.Close();
            w.Line();
            EmitPasses(w, m);
        }

        /// <summary>The model's side of ChunkScheduler and ChunkPasses: a struct over the model, so their code is specialised for it.</summary>
        private static void EmitPasses(CodeWriter w, Layout m)
        {
            string type = m.Type, last = I(m.Last), span = Span, ws = Training + "Workspace";
            string Each(System.Func<int, string> item) => string.Join(", ", Enumerable.Range(0, m.Layers.Length).Select(item));
            string Bool(bool value) => value ? "true" : "false";
            string firstKernelStep = m.FirstKernelRowWise
                ? "firstKernel.Step(job, _model._update, _model.Dense0Kernel, " + StateSpans(m.Model, "Dense0KernelOffset", "Dense0KernelLength").Replace("_velocity", "_model._velocity").Replace("_momentum", "_model._momentum") + ", scale)"
                : "throw new global::System.NotSupportedException()";
            string tile = "(context.Inputs, context.Rows, workspace, context.Count, from, to";
            string chunkPass = m.Model.HasNorm ? WholeBatchOnly : "_model.ChunkPass(inputs, targets, rows, workspace, gradient, accumulate, firstLayerDeltas, weights)";
            w.Lines($$"""
                /// <summary>This model's sizes, split rules and passes, for the runtime's ChunkScheduler and ChunkPasses.</summary>
                private readonly struct Passes : {{Training}}IChunkPasses
                {
                    private readonly {{type}} _model;
                    public Passes({{type}} model) => _model = model;
                    private static global::System.ReadOnlySpan<int> Inputs => new int[] { {{Each(i => "Dense" + I(i) + "Inputs")}} };
                    private static global::System.ReadOnlySpan<int> Units => new int[] { {{Each(i => "Dense" + I(i) + "Units")}} };
                    private static global::System.ReadOnlySpan<bool> ByRows => new bool[] { {{Each(i => Bool(m.SplitRows[i]))}} };
                    public int ParameterCount => {{type}}.ParameterCount;
                    public int InputCount => {{type}}.InputCount;
                    public int OutputCount => {{type}}.OutputCount;
                    public int LayerCount => {{I(m.Layers.Length)}};
                    public bool TilesSupported => {{Bool(m.TilesSupported)}};
                    public bool FirstKernelRowWise => {{Bool(m.FirstKernelRowWise)}};
                    public int CounterCount => {{(m.HasAuc ? Training + "MetricValues.AucCounterCount" : "0")}};
                    public float[] Gradients => _model._gradients;
                    public int LayerInputs(int layer) => Inputs[layer];
                    public int LayerUnits(int layer) => Units[layer];
                    public bool TilesByRows(int layer) => ByRows[layer];
                    public {{ws}} CreateWorkspace(int maxRows) => _model.CreateWorkspace(maxRows);
                    public global::AotNet.Data.DenseMatrix? CheckBatch(in {{Training}}Batch batch, {{ws}} workspace, bool needsTargets) => {{type}}.CheckBatch(batch, workspace, needsTargets);
                    public {{Training}}BatchStats ChunkPass({{Features}} inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, {{ws}} workspace, {{span}} gradient, bool accumulate, {{span}} firstLayerDeltas, float[]? weights) =>
                        {{chunkPass}};
                    public void LoadInputs({{Features}} inputs, global::System.ReadOnlySpan<int> rows, {{ws}} workspace) => {{(m.Model.Normalization ? "_model" : type)}}.LoadInputs(inputs, rows, workspace);
                    public void ForwardChunk({{Features}} inputs, global::System.ReadOnlySpan<int> rows, {{ws}} workspace) => _model.ForwardChunk(inputs, rows, workspace);
                    public void LossRows(global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, {{ws}} workspace, int from, int to, bool gradient, float[]? weights) =>
                        {{type}}.LossRows(targets, rows, workspace, from, to, gradient, weights);
                    public {{Training}}BatchStats Sums({{ws}} workspace, int rows, in {{Training}}BatchStats start) => {{type}}.Sums(workspace, rows, start);
                    public {{span}} Outputs({{ws}} workspace) => Block(workspace, Activation{{last}}Offset, {{type}}.OutputCount);
                    public void BeginStep() => _model.BeginStep();
                    public void StepRange(int start, int end, float scale) => _model.StepRange(start, end, scale);
                    public void FirstKernelStep({{Training}}FirstKernelGradient firstKernel, int job, float scale) => {{firstKernelStep}};
                """);
            if (m.Model.HasNorm)
            {
                EmitWholeBatchPasses(w);
                return;
            }

            w.Lines($$"""

                    public void Forward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to)
                    {
                        switch (layer)
                        {
                """);
            for (int i = 0; i < m.Last; i++)
            {
                w.Line("            case " + I(i) + ": _model.Forward" + I(i) + tile + "); return;");
            }

            w.Lines($$"""
                            default: _model.Forward{{last}}{{tile}}); return;
                        }
                    }

                    public void Backward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to, bool bias)
                    {
                        switch (layer)
                        {
                """);
            for (int i = m.Last; i > 0; i--)
            {
                w.Line("            case " + I(i) + ": _model.Backward" + I(i) + "(context.Inputs, context.Rows, workspace, context.Count, _model._gradients, accumulate: false, from, to, bias); return;");
            }

            w.Lines("""
                            default: _model.Backward0(context.Inputs, context.Rows, workspace, context.Count, _model._gradients, accumulate: false, from, to, bias, default); return;
                        }
                    }
                }

                """);
        }

        /// <summary>TrainBatch, after the step: the workers' AUC bucket counts go to the context (models with AUC only).</summary>
        private static void EmitMoveCounters(CodeWriter w, Layout m)
        {
            if (m.HasAuc)
            {
                w.Line("state.MoveCounters();");
            }
        }
    }
}
