namespace AotNet.Generator
{
    /// <summary>
    /// The passes of a model with BatchNormalization or LayerNormalization: each normalisation layer's forward, and the
    /// whole-batch training pass (forward with the batch statistics, loss, backward through the statistics) that replaces
    /// the chunk passes: the runtime's ChunkScheduler and ChunkPasses.Backward call it through Passes.WholeBatchPass.
    /// </summary>
    internal static partial class Emitter
    {
        private static void EmitNormPasses(CodeWriter w, Layout m)
        {
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i].Norm != NormKind.None)
                {
                    EmitNormForward(w, m, i);
                }
            }

            EmitBatchPhases(w, m);

            w.Line("/// <summary>A dense layer's kernel gradient rows [<paramref name=\"from\"/>, <paramref name=\"to\"/>) (and with <paramref name=\"withBias\"/> its bias gradient) over <paramref name=\"n\"/> rows:");
            w.Line("/// per chunk of 256 rows one chain from +0, added in chunk order (each value's order is the same for any range).</summary>");
            w.Open("private static void DenseGradient(" + ReadOnlySpan + " x, int ldx, " + ReadOnlySpan + " d, int units, " + Span + " kernel, " + Span + " bias, int n, bool accumulate, int from, int to, bool withBias)");
            w.Line("int chunkRows = " + Training + "TrainingContext.ChunkRows;");
            w.Open("for (int start = 0; start < n; start += chunkRows)");
            w.Line("int count = global::System.Math.Min(chunkRows, n - start);");
            w.Open("if (to > from)");
            w.Line(Kernels + "MatrixKernels.BackwardWeights(x.Slice((start * ldx) + from), ldx, d.Slice(start * units), units, kernel.Slice(from * units), units, count, to - from, units, accumulate || start > 0);");
            w.Close();
            w.Open("if (withBias)");
            w.Line(Kernels + "MatrixKernels.BiasGradient(d.Slice(start * units), units, bias, count, units, accumulate || start > 0);");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>
        /// The whole-batch training pass as phases (inputs; per layer its forward and its normalisation; the loss; per layer
        /// backward its gradients and the delta below, then the normalisation's backward), each phase cut among jobs by rows
        /// or by units so that every value is computed by one job in the order of one pass over the batch: BatchPass runs
        /// the phases as one job each, the runtime's ChunkScheduler runs them over its workers (a barrier between phases).
        /// </summary>
        private static void EmitBatchPhases(CodeWriter w, Layout m)
        {
            var phases = new System.Collections.Generic.List<System.Action>();
            string part = Training + "ChunkPasses.Part";
            phases.Add(() =>
            {
                w.Line("// the inputs: rows");
                w.Line("var (from, to) = " + part + "(n, job, jobs, 1);");
                w.Open("if (inputs.Dense is { } dense)");
                w.Line("float[] x = workspace.InputBlock(InputCount);");
                w.Open("for (int r = from; r < to; r++)");
                w.Line("dense.Row(rows[r]).CopyTo(new " + Span + "(x, r * InputCount, InputCount));");
                w.Close();
                if (m.Model.Normalization)
                {
                    w.Line(Kernels + "NormalizationKernels.ApplyRows(new " + Span + "(x, from * InputCount, (to - from) * InputCount), to - from, NormalizationMean, NormalizationVariance);");
                }

                w.Close();
            });
            for (int i = 0; i < m.Layers.Length; i++)
            {
                int layer = i;
                string p = "Dense" + I(i);
                phases.Add(() =>
                {
                    w.Line("// " + Escape(LayerTitle(m, layer)) + ": " + (m.SplitRows[layer] ? "rows" : "units") + (layer == m.Last ? ", then the loss of those rows" : string.Empty));
                    w.Line("var (from, to) = " + part + "(" + (m.SplitRows[layer] ? "n, job, jobs, 1" : p + "Units, job, jobs, 16") + ");");
                    w.Line("Forward" + I(layer) + "(inputs, rows, workspace, n, from, to);");
                    if (layer == m.Last)
                    {
                        w.Line("LossRows(targets, rows, workspace, from, to, gradient: true, weights);");
                    }
                });
                if (m.Layers[i].Norm != NormKind.None)
                {
                    bool batch = m.Layers[i].Norm == NormKind.Batch;
                    phases.Add(() =>
                    {
                        w.Line("// " + NormName(m, layer) + ": " + (batch ? "units (a unit's statistics are its column's)" : "rows"));
                        w.Line("var (from, to) = " + part + "(" + (batch ? p + "Units, job, jobs, 16" : "n, job, jobs, 1") + ");");
                        w.Line("NormTraining" + I(layer) + "(workspace, n, from, to);");
                    });
                }
            }

            for (int i = m.Last; i >= 0; i--)
            {
                int layer = i;
                phases.Add(() => EmitDenseBackwardPhase(w, m, layer, part));
                if (i > 0 && m.Layers[i - 1].Norm != NormKind.None)
                {
                    EmitNormBackwardPhases(w, m, i - 1, part, phases);
                }
            }

            w.Line("/// <summary>Phases of the whole-batch training pass (<see cref=\"BatchPhase\"/>).</summary>");
            w.Line("private const int BatchPhaseCount = " + I(phases.Count) + ";");
            w.Line();
            w.Line("/// <summary>Forward with the batch statistics (the moving statistics updated), loss and backward over a whole batch held by one");
            w.Line("/// workspace, the phases one after another: the gradient of the summed loss goes to <paramref name=\"gradient\"/> (added to it when <paramref name=\"accumulate\"/>).");
            w.Line("/// Every sum over rows (batch statistics, gradients) runs over 256-row chunks in order, each from +0, the chunk sums added in chunk order.</summary>");
            w.Open("private " + Training + "BatchStats BatchPass(" + Features + " inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, " + Span + " gradient, bool accumulate, float[]? weights)");
            w.Open("for (int phase = 0; phase < BatchPhaseCount; phase++)");
            w.Line("BatchPhase(phase, inputs, targets, rows, workspace, gradient, accumulate, weights, 0, 1);");
            w.Close();
            w.Line();
            w.Line("return Sums(workspace, rows.Length, default);");
            w.Close();
            w.Line();
            w.Line("/// <summary>Job <paramref name=\"job\"/> of <paramref name=\"jobs\"/> of phase <paramref name=\"phase\"/> of <see cref=\"BatchPass\"/>: a range of rows or units,");
            w.Line("/// every value in it computed as one job over the whole range would (the phases before it complete).</summary>");
            w.Open("private void BatchPhase(int phase, " + Features + " inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, " + Span + " gradient, bool accumulate, float[]? weights, int job, int jobs)");
            w.Line("int n = rows.Length;");
            w.Open("switch (phase)");
            for (int k = 0; k < phases.Count; k++)
            {
                w.Line("case " + I(k) + ":");
                w.Open();
                phases[k]();
                w.Line("return;");
                w.Close();
            }

            w.Line("default:");
            w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(phase));");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>Layer i's backward phase: its kernel gradient by input rows (the bias on job 0), and the delta below by batch rows.</summary>
        private static void EmitDenseBackwardPhase(CodeWriter w, Layout m, int i, string part)
        {
            string p = "Dense" + I(i);
            w.Line("// " + Escape(LayerTitle(m, i)) + " backward: Delta" + I(i) + " holds the gradient of its affine outputs; its kernel gradient by input rows" + (i > 0 ? ", the delta below by batch rows" : string.Empty));
            w.Line(ReadOnlySpan + " d = Block(workspace, Delta" + I(i) + "Offset, " + p + "Units);");
            string x = i == 0 ? "workspace.InputBlock(InputCount)" : "Block(workspace, " + m.InputBlock(i) + ", Dense" + I(i - 1) + "Units)";
            string ldx = i == 0 ? "InputCount" : "Dense" + I(i - 1) + "Units";
            w.Line("var (from, to) = " + part + "(" + p + "Inputs, job, jobs, 16);");
            w.Line("DenseGradient(" + x + ", " + ldx + ", d, " + p + "Units, gradient.Slice(" + p + "KernelOffset, " + p + "KernelLength), gradient.Slice(" + p + "BiasOffset, " + p + "Units), n, accumulate, from, to, withBias: job == 0);");
            if (i == 0)
            {
                return;
            }

            var below = m.Layers[i - 1];
            string units = "Dense" + I(i - 1) + "Units";
            bool norm = below.Norm != NormKind.None;
            var outer = norm ? below.NormActivation : below.Activation;
            string outerBlock = "Block(workspace, " + (norm ? "Norm" : "Activation") + I(i - 1) + "Offset, " + units + ")";
            w.Line("(from, to) = " + part + "(n, job, jobs, 1);");
            w.Line(Span + " dBelow = Block(workspace, Delta" + I(i - 1) + "Offset, " + units + ").Slice(from * " + units + ");");
            w.Line(Kernels + "MatrixKernels.BackwardInput(d.Slice(from * " + p + "Units), " + p + "Units, new " + ReadOnlySpan + "(_parameters, " + p + "KernelOffset, " + p + "KernelLength), " + p + "Units, dBelow, " + units + ", "
                + (outer == Activation.Relu ? outerBlock + ".Slice(from * " + units + ")" : "default") + ", to - from, " + p + "Inputs, " + p + "Units);" + (outer == Activation.Relu ? " // through the relu" : string.Empty));
            if (outer is Activation.Sigmoid or Activation.Tanh)
            {
                w.Line(Kernels + "ActivationKernels." + outer + "Backward(" + outerBlock + ".Slice(from * " + units + ", (to - from) * " + units + "), dBelow.Slice(0, (to - from) * " + units + "));");
            }
        }

        /// <summary>The phases of normalisation layer i's backward (after the delta of its outputs): BatchNormalization by units; LayerNormalization its γ/β gradients by units, then each row's input gradient.</summary>
        private static void EmitNormBackwardPhases(CodeWriter w, Layout m, int i, string part, System.Collections.Generic.List<System.Action> phases)
        {
            var layer = m.Layers[i];
            string units = "Dense" + I(i) + "Units";
            string gamma = "new " + ReadOnlySpan + "(_parameters, Gamma" + I(i) + "Offset, " + units + ")";
            string grads = "gradient.Slice(Gamma" + I(i) + "Offset, " + units + "), gradient.Slice(Beta" + I(i) + "Offset, " + units + ")";
            string xhat = "Block(workspace, XHat" + I(i) + "Offset, " + units + ")";
            string delta = "Block(workspace, Delta" + I(i) + "Offset, " + units + ")";
            string scratch = "Block(workspace, NormScratchOffset, " + I(m.MaxNormUnits) + ")";
            if (layer.Norm == NormKind.Batch)
            {
                phases.Add(() =>
                {
                    w.Line("// " + NormName(m, i) + " backward through the batch statistics: units");
                    w.Line("var (from, to) = " + part + "(" + units + ", job, jobs, 16);");
                    w.Line(Span + " dBelow = " + delta + ";");
                    w.Line(Kernels + "BatchNormKernels.Backward(dBelow, " + xhat + ", n, " + units + ", from, to, " + gamma + ", _norm" + I(i) + "Inv, " + grads + ", accumulate, " + scratch + ", _normSums);");
                    EmitOwnActivationBackward(w, layer, i, units, byRows: false);
                });
                return;
            }

            phases.Add(() =>
            {
                w.Line("// " + NormName(m, i) + " backward: the gradients of gamma and beta, units");
                w.Line("var (from, to) = " + part + "(" + units + ", job, jobs, 16);");
                w.Line(Kernels + "LayerNormKernels.ParameterGradients(" + delta + ", " + xhat + ", n, " + units + ", from, to, " + grads + ", accumulate, " + scratch + ", _normSums);");
            });
            phases.Add(() =>
            {
                w.Line("// " + NormName(m, i) + " backward: each row's input gradient, rows");
                w.Line("var (from, to) = " + part + "(n, job, jobs, 1);");
                w.Line(Span + " dBelow = " + delta + ".Slice(from * " + units + ");");
                w.Line(Kernels + "LayerNormKernels.InputGradient(dBelow, " + xhat + ".Slice(from * " + units + "), to - from, " + units + ", " + gamma + ", Block(workspace, Inv" + I(i) + "Offset, 1).Slice(from), " + scratch + ".Slice(from * " + units + "));");
                EmitOwnActivationBackward(w, layer, i, units, byRows: true);
            });
        }

        /// <summary>The backward of the activation of dense_i itself (before its normalisation) over the phase's range: rows (dBelow starts at row from) or units.</summary>
        private static void EmitOwnActivationBackward(CodeWriter w, LayerSpec layer, int i, string units, bool byRows)
        {
            if (layer.Activation is not (Activation.Relu or Activation.Sigmoid or Activation.Tanh))
            {
                return;
            }

            string kernel = Kernels + "ActivationKernels." + layer.Activation + "Backward";
            string a = "Block(workspace, Activation" + I(i) + "Offset, " + units + ")";
            if (byRows)
            {
                w.Line(kernel + "(" + a + ".Slice(from * " + units + ", (to - from) * " + units + "), dBelow.Slice(0, (to - from) * " + units + "));");
                return;
            }

            w.Line(Span + " own = " + a + ";");
            w.Open("for (int r = 0; r < n; r++)");
            w.Line(kernel + "(own.Slice((r * " + units + ") + from, to - from), dBelow.Slice((r * " + units + ") + from, to - from));");
            w.Close();
        }

        /// <summary>Norm{i}: the normalisation after dense_i over the block's first n rows, then its activation; NormTraining{i}: its training pass over a range (BatchNormalization units, LayerNormalization rows).</summary>
        private static void EmitNormForward(CodeWriter w, Layout m, int i)
        {
            var layer = m.Layers[i];
            string units = "Dense" + I(i) + "Units";
            bool batch = layer.Norm == NormKind.Batch;
            string gammaBeta = ReadOnlySpan + " gamma = new(_parameters, Gamma" + I(i) + "Offset, " + units + ");\n" + ReadOnlySpan + " beta = new(_parameters, Beta" + I(i) + "Offset, " + units + ");";
            string eps = D(layer.NormEpsilon);
            w.Line("/// <summary>" + NormName(m, i) + " after dense_" + I(i) + (batch ? ": with <paramref name=\"training\"/> the batch's statistics (the moving ones updated), else the moving ones" : ": each row over its features") + ".</summary>");
            w.Open("private void Norm" + I(i) + "(" + Training + "Workspace workspace, int n, bool training)");
            if (!batch)
            {
                w.Line("_ = training; // the same in training and inference");
                w.Line("NormTraining" + I(i) + "(workspace, n, 0, n);");
                w.Close();
                w.Line();
            }
            else
            {
                w.Open("if (training)");
                w.Line("NormTraining" + I(i) + "(workspace, n, 0, " + units + ");");
                w.Line("return;");
                w.Close();
                w.Line();
                w.Line(ReadOnlySpan + " a = Block(workspace, Activation" + I(i) + "Offset, " + units + ");");
                w.Line(Span + " y = Block(workspace, Norm" + I(i) + "Offset, " + units + ");");
                w.Lines(gammaBeta);
                w.Line(Kernels + "BatchNormKernels.ForwardInference(a, y, n, " + units + ", gamma, beta, new " + ReadOnlySpan + "(_state, MovingMean" + I(i) + "Offset, " + units + "), new " + ReadOnlySpan + "(_state, MovingVariance" + I(i) + "Offset, " + units + "), Block(workspace, NormScratchOffset, " + I(m.MaxNormUnits) + "), " + eps + ");");
                EmitNormActivation(w, layer, units, "y.Slice(0, n * " + units + ")");
                w.Close();
                w.Line();
            }

            w.Line("/// <summary>" + NormName(m, i) + "'s training pass over " + (batch ? "units" : "rows") + " [<paramref name=\"from\"/>, <paramref name=\"to\"/>) of the block's first n rows, then its activation" + (batch ? " (a unit's batch statistics are its column's alone)" : string.Empty) + ".</summary>");
            w.Open("private void NormTraining" + I(i) + "(" + Training + "Workspace workspace, int n, int from, int to)");
            w.Line(ReadOnlySpan + " a = Block(workspace, Activation" + I(i) + "Offset, " + units + ");");
            w.Line(Span + " y = Block(workspace, Norm" + I(i) + "Offset, " + units + ");");
            w.Lines(gammaBeta);
            if (batch)
            {
                w.Line(Kernels + "BatchNormKernels.ForwardTraining(a, Block(workspace, XHat" + I(i) + "Offset, " + units + "), y, n, " + units + ", from, to, gamma, beta, new " + Span + "(_state, MovingMean" + I(i) + "Offset, " + units + "), new " + Span + "(_state, MovingVariance" + I(i) + "Offset, " + units + "), _normMean, _norm" + I(i) + "Inv, " + D(layer.NormMomentum) + ", " + eps + ");");
                if (layer.NormActivation is Activation.Relu or Activation.Sigmoid or Activation.Tanh)
                {
                    w.Open("for (int r = 0; r < n; r++)");
                    EmitNormActivation(w, layer, units, "y.Slice((r * " + units + ") + from, to - from)");
                    w.Close();
                }
            }
            else
            {
                w.Line(Kernels + "LayerNormKernels.Forward(a.Slice(from * " + units + "), Block(workspace, XHat" + I(i) + "Offset, " + units + ").Slice(from * " + units + "), y.Slice(from * " + units + "), to - from, " + units + ", gamma, beta, Block(workspace, Inv" + I(i) + "Offset, 1).Slice(from), " + eps + ");");
                EmitNormActivation(w, layer, units, "y.Slice(from * " + units + ", (to - from) * " + units + ")");
            }

            w.Close();
            w.Line();
        }

        private static void EmitNormActivation(CodeWriter w, LayerSpec layer, string units, string y)
        {
            switch (layer.NormActivation)
            {
                case Activation.Relu:
                    w.Line(Kernels + "ActivationKernels.Relu(" + y + ");");
                    break;
                case Activation.Sigmoid:
                case Activation.Tanh:
                    w.Line(Kernels + "ActivationKernels." + layer.NormActivation + "(" + y + ", " + y + ");");
                    break;
            }
        }

        /// <summary>The Passes struct's ChunkPass (and tile passes) of a model with batch statistics: it trains whole batches.</summary>
        private const string WholeBatchOnly = "throw new global::System.NotSupportedException(\"this model trains whole batches (WholeBatch): a batch statistic needs every row\")";

        /// <summary>The rest of the Passes struct of a model with batch statistics: the scheduler runs BatchPass on the whole batch, or its phases over the workers.</summary>
        private static void EmitWholeBatchPasses(CodeWriter w)
        {
            string ws = Training + "Workspace";
            w.Lines($$"""
                    public static bool WholeBatch => true;
                    public static int WholeBatchPhases => BatchPhaseCount;
                    public {{Training}}BatchStats WholeBatchPass({{Features}} inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, {{ws}} workspace, {{Span}} gradient, bool accumulate, float[]? weights) =>
                        _model.BatchPass(inputs, targets, rows, workspace, gradient, accumulate, weights);
                    public void WholeBatchPhase(int phase, {{Features}} inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, {{ws}} workspace, {{Span}} gradient, bool accumulate, float[]? weights, int job, int jobs) =>
                        _model.BatchPhase(phase, inputs, targets, rows, workspace, gradient, accumulate, weights, job, jobs);
                    public void Forward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to) => {{WholeBatchOnly}};
                    public void Backward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to, bool bias) => {{WholeBatchOnly}};
                }

                """);
        }
    }
}
