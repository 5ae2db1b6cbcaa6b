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

            w.Line("/// <summary>Forward with the batch statistics (the moving statistics updated), loss and backward over a whole batch held by one");
            w.Line("/// workspace: the gradient of the summed loss goes to <paramref name=\"gradient\"/> (added to it when <paramref name=\"accumulate\"/>).");
            w.Line("/// Every sum over rows (batch statistics, gradients) runs over 256-row chunks in order, each from +0, the chunk sums added in chunk order.</summary>");
            w.Open("private " + Training + "BatchStats BatchPass(" + Features + " inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, " + Span + " gradient, bool accumulate, float[]? weights)");
            w.Line("int n = rows.Length;");
            w.Line("ForwardChunk(inputs, rows, workspace, training: true);");
            w.Line("LossRows(targets, rows, workspace, 0, n, gradient: true, weights);");
            w.Line(Span + " scratch = Block(workspace, NormScratchOffset, " + I(m.MaxNormUnits) + ");");
            for (int i = m.Last; i >= 0; i--)
            {
                string p = "Dense" + I(i);
                w.Line();
                w.Line("// " + Escape(LayerTitle(m, i)) + NormTitle(m.Layers[i]) + ": Delta" + I(i) + " holds the gradient of its affine outputs");
                w.Open();
                w.Line(ReadOnlySpan + " d = Block(workspace, Delta" + I(i) + "Offset, " + p + "Units);");
                string x = i == 0 ? "workspace.InputBlock(InputCount)" : "Block(workspace, " + m.InputBlock(i) + ", Dense" + I(i - 1) + "Units)";
                string ldx = i == 0 ? "InputCount" : "Dense" + I(i - 1) + "Units";
                w.Line("DenseGradient(" + x + ", " + ldx + ", d, " + p + "Units, gradient.Slice(" + p + "KernelOffset, " + p + "KernelLength), gradient.Slice(" + p + "BiasOffset, " + p + "Units), n, " + p + "Inputs, accumulate);");
                if (i > 0)
                {
                    EmitDeltaBelow(w, m, i);
                }

                w.Close();
            }

            w.Line();
            w.Line("return Sums(workspace, n, default);");
            w.Close();
            w.Line();

            w.Line("/// <summary>A dense layer's kernel and bias gradients over <paramref name=\"n\"/> rows: per chunk of 256 rows one chain from +0, added in chunk order.</summary>");
            w.Open("private static void DenseGradient(" + ReadOnlySpan + " x, int ldx, " + ReadOnlySpan + " d, int units, " + Span + " kernel, " + Span + " bias, int n, int inputs, bool accumulate)");
            w.Line("int chunkRows = " + Training + "TrainingContext.ChunkRows;");
            w.Open("for (int start = 0; start < n; start += chunkRows)");
            w.Line("int count = global::System.Math.Min(chunkRows, n - start);");
            w.Line(Kernels + "MatrixKernels.BackwardWeights(x.Slice(start * ldx), ldx, d.Slice(start * units), units, kernel, units, count, inputs, units, accumulate || start > 0);");
            w.Line(Kernels + "MatrixKernels.BiasGradient(d.Slice(start * units), units, bias, count, units, accumulate || start > 0);");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>BatchPass: layer i-1's delta from layer i's, through layer i-1's outer activation, normalisation and own activation.</summary>
        private static void EmitDeltaBelow(CodeWriter w, Layout m, int i)
        {
            var below = m.Layers[i - 1];
            string p = "Dense" + I(i), b = "Dense" + I(i - 1), units = b + "Units";
            bool norm = below.Norm != NormKind.None;
            var outer = norm ? below.NormActivation : below.Activation;
            string outerBlock = "Block(workspace, " + (norm ? "Norm" : "Activation") + I(i - 1) + "Offset, " + units + ")";
            w.Line(Span + " dBelow = Block(workspace, Delta" + I(i - 1) + "Offset, " + units + ");");
            w.Line(Kernels + "MatrixKernels.BackwardInput(d, " + p + "Units, new " + ReadOnlySpan + "(_parameters, " + p + "KernelOffset, " + p + "KernelLength), " + p + "Units, dBelow, " + units + ", "
                + (outer == Activation.Relu ? outerBlock : "default") + ", n, " + p + "Inputs, " + p + "Units);" + (outer == Activation.Relu ? " // through the relu" : string.Empty));
            EmitPointwiseBackward(w, outer, outerBlock, units);
            if (!norm)
            {
                return;
            }

            string gamma = "new " + ReadOnlySpan + "(_parameters, Gamma" + I(i - 1) + "Offset, " + units + ")";
            string grads = "gradient.Slice(Gamma" + I(i - 1) + "Offset, " + units + "), gradient.Slice(Beta" + I(i - 1) + "Offset, " + units + ")";
            string xhat = "Block(workspace, XHat" + I(i - 1) + "Offset, " + units + ")";
            if (below.Norm == NormKind.Batch)
            {
                w.Line(Kernels + "BatchNormKernels.Backward(dBelow, " + xhat + ", n, " + units + ", " + gamma + ", _norm" + I(i - 1) + "Inv, " + grads + ", accumulate, scratch, _normSums); // through the batch statistics");
            }
            else
            {
                w.Line(Kernels + "LayerNormKernels.Backward(dBelow, " + xhat + ", n, " + units + ", " + gamma + ", Block(workspace, Inv" + I(i - 1) + "Offset, 1), " + grads + ", accumulate, scratch, _normSums);");
            }

            if (below.Activation == Activation.Relu)
            {
                w.Line(Kernels + "ActivationKernels.ReluBackward(Block(workspace, Activation" + I(i - 1) + "Offset, " + units + ").Slice(0, n * " + units + "), dBelow.Slice(0, n * " + units + "));");
            }
            else
            {
                EmitPointwiseBackward(w, below.Activation, "Block(workspace, Activation" + I(i - 1) + "Offset, " + units + ")", units);
            }
        }

        private static void EmitPointwiseBackward(CodeWriter w, Activation activation, string block, string units)
        {
            if (activation is Activation.Sigmoid or Activation.Tanh)
            {
                w.Line(Kernels + "ActivationKernels." + activation + "Backward(" + block + ".Slice(0, n * " + units + "), dBelow.Slice(0, n * " + units + "));");
            }
        }

        /// <summary>Norm{i}: the normalisation after dense_i over the block's first n rows, then its activation.</summary>
        private static void EmitNormForward(CodeWriter w, Layout m, int i)
        {
            var layer = m.Layers[i];
            string units = "Dense" + I(i) + "Units";
            bool batch = layer.Norm == NormKind.Batch;
            w.Line("/// <summary>" + NormName(m, i) + " after dense_" + I(i) + (batch ? ": with <paramref name=\"training\"/> the batch's statistics (the moving ones updated), else the moving ones" : ": each row over its features") + ".</summary>");
            w.Open("private void Norm" + I(i) + "(" + Training + "Workspace workspace, int n, bool training)");
            w.Line(ReadOnlySpan + " a = Block(workspace, Activation" + I(i) + "Offset, " + units + ");");
            w.Line(Span + " y = Block(workspace, Norm" + I(i) + "Offset, " + units + ");");
            w.Line(ReadOnlySpan + " gamma = new(_parameters, Gamma" + I(i) + "Offset, " + units + ");");
            w.Line(ReadOnlySpan + " beta = new(_parameters, Beta" + I(i) + "Offset, " + units + ");");
            string eps = D(layer.NormEpsilon);
            if (batch)
            {
                w.Open("if (training)");
                w.Line(Kernels + "BatchNormKernels.ForwardTraining(a, Block(workspace, XHat" + I(i) + "Offset, " + units + "), y, n, " + units + ", gamma, beta, new " + Span + "(_state, MovingMean" + I(i) + "Offset, " + units + "), new " + Span + "(_state, MovingVariance" + I(i) + "Offset, " + units + "), _normMean, _norm" + I(i) + "Inv, " + D(layer.NormMomentum) + ", " + eps + ");");
                w.Close();
                w.Open("else");
                w.Line(Kernels + "BatchNormKernels.ForwardInference(a, y, n, " + units + ", gamma, beta, new " + ReadOnlySpan + "(_state, MovingMean" + I(i) + "Offset, " + units + "), new " + ReadOnlySpan + "(_state, MovingVariance" + I(i) + "Offset, " + units + "), Block(workspace, NormScratchOffset, " + I(m.MaxNormUnits) + "), " + eps + ");");
                w.Close();
            }
            else
            {
                w.Line("_ = training; // the same in training and inference");
                w.Line(Kernels + "LayerNormKernels.Forward(a, Block(workspace, XHat" + I(i) + "Offset, " + units + "), y, n, " + units + ", gamma, beta, Block(workspace, Inv" + I(i) + "Offset, 1), " + eps + ");");
            }

            switch (layer.NormActivation)
            {
                case Activation.Relu:
                    w.Line(Kernels + "ActivationKernels.Relu(y.Slice(0, n * " + units + "));");
                    break;
                case Activation.Sigmoid:
                case Activation.Tanh:
                    w.Line(Kernels + "ActivationKernels." + layer.NormActivation + "(y.Slice(0, n * " + units + "), y.Slice(0, n * " + units + "));");
                    break;
            }

            w.Close();
            w.Line();
        }

        /// <summary>The Passes struct's ChunkPass (and tile passes) of a model with batch statistics: it trains whole batches.</summary>
        private const string WholeBatchOnly = "throw new global::System.NotSupportedException(\"this model trains whole batches (WholeBatch): a batch statistic needs every row\")";

        /// <summary>The rest of the Passes struct of a model with batch statistics: the scheduler runs BatchPass on the whole batch.</summary>
        private static void EmitWholeBatchPasses(CodeWriter w)
        {
            string ws = Training + "Workspace";
            w.Lines($$"""
                    public static bool WholeBatch => true;
                    public {{Training}}BatchStats WholeBatchPass({{Features}} inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, {{ws}} workspace, {{Span}} gradient, bool accumulate, float[]? weights) =>
                        _model.BatchPass(inputs, targets, rows, workspace, gradient, accumulate, weights);
                    public void Forward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to) => {{WholeBatchOnly}};
                    public void Backward(int layer, {{Training}}TrainingContext context, {{ws}} workspace, int from, int to, bool bias) => {{WholeBatchOnly}};
                }

                """);
        }
    }
}
