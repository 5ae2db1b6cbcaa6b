namespace AotNet.Generator
{
    /// <summary>The forward passes: the chunk passes that chain the layers, and each layer's forward over rows or unit tiles.</summary>
    internal static partial class Emitter
    {
        /// <summary>The chunk-level passes: inputs, forward per layer, loss, backward per layer — batch-major over a block of rows.</summary>
        private static void EmitChunkPasses(CodeWriter w, Layout m)
        {
            // inputs
            w.Line("/// <summary>Dense inputs: gathers the rows into the workspace's input block (a multi-hot layer reads its rows directly)" + (m.Model.Normalization ? ", normalised (the Normalization layer)" : string.Empty) + ".</summary>");
            w.Open("private " + (m.Model.Normalization ? string.Empty : "static ") + "void LoadInputs(" + Features + " inputs, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace)");
            w.Open("if (inputs.Dense is { } dense)");
            w.Line("float[] x = workspace.InputBlock(InputCount);");
            w.Open("for (int r = 0; r < rows.Length; r++)");
            w.Line("dense.Row(rows[r]).CopyTo(new " + Span + "(x, r * InputCount, InputCount));");
            w.Close();
            if (m.Model.Normalization)
            {
                w.Line(Kernels + "NormalizationKernels.ApplyRows(x, rows.Length, NormalizationMean, NormalizationVariance);");
            }

            w.Close();
            w.Close();
            w.Line();

            w.Line("/// <summary>Forward over a block of rows: " + Escape(m.Topology) + ".</summary>");
            w.Open("private void ForwardChunk(" + Features + " inputs, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace" + (m.HasDropout || m.Model.HasNorm ? ", bool training = false" : string.Empty) + ")");
            w.Line("int n = rows.Length;");
            w.Line("LoadInputs(inputs, rows, workspace);");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                w.Line("Forward" + I(i) + "(inputs, rows, workspace, n, 0, " + (m.SplitRows[i] ? "n" : "Dense" + I(i) + "Units") + (m.Layers[i].Dropout > 0 ? ", training" : string.Empty) + ");");
                if (m.Layers[i].Norm != NormKind.None)
                {
                    w.Line("Norm" + I(i) + "(workspace, n, training);");
                }
            }

            w.Close();
            w.Line();

            for (int i = 0; i < m.Layers.Length; i++)
            {
                EmitForwardLayer(w, m, i);
            }

            EmitLossRows(w, m);
            if (m.Model.HasNorm)
            {
                EmitSums(w, m);
                EmitNormPasses(w, m); // the norm layers' passes and the whole-batch backward replace ChunkPass
                return;
            }

            w.Line("/// <summary>Forward, loss and backward over one chunk: the chunk's gradient (summed from +0 over its rows in order) goes to");
            w.Line("/// <paramref name=\"gradient\"/>, added to it when <paramref name=\"accumulate\"/>; with <paramref name=\"firstLayerDeltas\"/> the first");
            w.Line("/// layer's deltas go there instead of its kernel gradient (multi-hot inputs, <see cref=\"" + Training + "FirstKernelGradient\"/>).");
            w.Line("/// <paramref name=\"weights\"/>: the data set's sample weights (each row's loss and delta times its weight), or null.</summary>");
            w.Open("private " + Training + "BatchStats ChunkPass(" + Features + " inputs, global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, " + Span + " gradient, bool accumulate, " + Span + " firstLayerDeltas, float[]? weights)");
            w.Line("int n = rows.Length;");
            w.Line("ForwardChunk(inputs, rows, workspace" + (m.HasDropout ? ", training: true" : string.Empty) + ");");
            w.Line("LossRows(targets, rows, workspace, 0, n, gradient: true, weights);");
            for (int i = m.Last; i >= 0; i--)
            {
                w.Line("Backward" + I(i) + "(inputs, rows, workspace, n, gradient, accumulate, 0, Dense" + I(i) + "Inputs, bias: true" + (i == 0 ? ", firstLayerDeltas" : string.Empty) + ");");
            }

            w.Line("return Sums(workspace, n, default);");
            w.Close();
            w.Line();

            EmitSums(w, m);

            for (int i = m.Last; i >= 0; i--)
            {
                EmitBackwardLayer(w, m, i);
            }
        }

        private static void EmitForwardLayer(CodeWriter w, Layout m, int i)
        {
            var layer = m.Layers[i];
            string p = "Dense" + I(i);
            bool fusedOutput = m.Fused && i == m.Last;
            bool relu = layer.Activation == Activation.Relu;
            string range = m.SplitRows[i] ? "rows [from, to)" : "units [from, to) of every row";
            w.Line("/// <summary>" + Escape(LayerTitle(m, i)) + ": " + range + " of the block's first <paramref name=\"n\"/> rows.</summary>");
            bool dropout = layer.Dropout > 0;
            if (dropout)
            {
                w.Line("/// <remarks>With <paramref name=\"training\"/> (the default of the training passes), dropout " + R(layer.Dropout) + " follows: the mask and the dropped outputs go to their blocks.</remarks>");
            }

            w.Open("private void Forward" + I(i) + "(" + Features + " inputs, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, int n, int from, int to" + (dropout ? ", bool training = true" : string.Empty) + ")");
            w.Line(ReadOnlySpan + " kernel = new(_parameters, " + p + "KernelOffset, " + p + "KernelLength);");
            w.Line(ReadOnlySpan + " bias = new(_parameters, " + p + "BiasOffset, " + p + "Units);");
            w.Line(Span + " z = Block(workspace, " + (fusedOutput ? "LogitsOffset" : layer.KeepsZ ? "Z" + I(i) + "Offset" : "Activation" + I(i) + "Offset") + ", " + p + "Units);");
            if (fusedOutput || (layer.Activation != Activation.Linear && layer.Activation != Activation.Relu))
            {
                w.Line(Span + " a = Block(workspace, Activation" + I(i) + "Offset, " + p + "Units);");
            }

            string x, ldx = i == 0 ? "InputCount" : "Dense" + I(i - 1) + "Units";
            if (i == 0)
            {
                w.Open("if (inputs.Sparse is { } sparse)");
                if (!m.SplitRows[i])
                {
                    w.Line("from = 0; to = n; // a multi-hot layer is gathered row by row (its blocks never split by units)");
                }

                w.Open("for (int r = from; r < to; r++)");
                w.Line(Kernels + "DenseKernels.SparseAffine(sparse.Row(rows[r]), kernel, bias, z.Slice(r * " + p + "Units, " + p + "Units));");
                w.Close();
                if (relu)
                {
                    w.Line(Kernels + "ActivationKernels.Relu(z.Slice(from * " + p + "Units, (to - from) * " + p + "Units));");
                }

                EmitActivationRows(w, layer, fusedOutput, p);
                EmitDropoutForward(w, m, i, byRows: true);
                w.Line("return;");

                w.Close();
                w.Line();
                x = "workspace.InputBlock(InputCount)";
            }
            else
            {
                x = "Block(workspace, " + m.InputBlock(i) + ", " + ldx + ")";
            }

            w.Line(ReadOnlySpan + " x = " + x + ";");
            string reluArg = relu ? "relu: true" : "relu: false";
            if (m.SplitRows[i])
            {
                w.Line(Kernels + "MatrixKernels.Forward(x.Slice(from * " + ldx + "), " + ldx + ", kernel, " + p + "Units, bias, z.Slice(from * " + p + "Units), " + p + "Units, to - from, " + ldx + ", " + p + "Units, " + reluArg + ");");
                EmitActivationRows(w, layer, fusedOutput, p);
                EmitDropoutForward(w, m, i, byRows: true);
            }
            else
            {
                w.Line(Kernels + "MatrixKernels.Forward(x, " + ldx + ", kernel.Slice(from), " + p + "Units, bias.Slice(from), z.Slice(from), " + p + "Units, n, " + ldx + ", to - from, " + reluArg + ");");
                if (layer.Activation is Activation.Sigmoid or Activation.Tanh || layer.KeepsZ)
                {
                    w.Open("for (int r = 0; r < n; r++)");
                    w.Line(Kernels + "ActivationKernels." + layer.Activation + "(z.Slice((r * " + p + "Units) + from, to - from), a.Slice((r * " + p + "Units) + from, to - from)" + SlopeArgument(layer) + ");");
                    w.Close();
                }

                EmitDropoutForward(w, m, i, byRows: false);
            }

            w.Close();
            w.Line();
        }

        /// <summary>The activation of rows [from, to) after the affine map (relu is fused into the kernels).</summary>
        private static void EmitActivationRows(CodeWriter w, LayerSpec layer, bool fusedOutput, string p)
        {
            var activation = layer.Activation;
            if (layer.KeepsZ)
            {
                w.Line(Kernels + "ActivationKernels." + activation + "(z.Slice(from * " + p + "Units, (to - from) * " + p + "Units), a.Slice(from * " + p + "Units, (to - from) * " + p + "Units)" + SlopeArgument(layer) + ");");
                return;
            }

            switch (activation)
            {
                case Activation.Sigmoid:
                case Activation.Tanh:
                    w.Line(Kernels + "ActivationKernels." + activation + "(z.Slice(from * " + p + "Units, (to - from) * " + p + "Units), a.Slice(from * " + p + "Units, (to - from) * " + p + "Units));");
                    break;
                case Activation.Softmax:
                    w.Open("for (int r = from; r < to; r++)");
                    w.Line(Kernels + "ActivationKernels.Softmax(z.Slice(r * " + p + "Units, " + p + "Units), a.Slice(r * " + p + "Units, " + p + "Units));");
                    w.Close();
                    break;
                default:
                    if (fusedOutput)
                    {
                        w.Line("z.Slice(from * " + p + "Units, (to - from) * " + p + "Units).CopyTo(a.Slice(from * " + p + "Units));");
                    }

                    break;
            }
        }

        /// <summary>Dropout after dense_i in training: rows [from, to) (or every row's units [from, to)) of its outputs.</summary>
        private static void EmitDropoutForward(CodeWriter w, Layout m, int i, bool byRows)
        {
            if (m.Layers[i].Dropout <= 0)
            {
                return;
            }

            string p = "Dense" + I(i);
            string range = byRows ? "from, to, 0, " + p + "Units" : "0, n, from, to";
            w.Open("if (training)");
            w.Line(Kernels + "DropoutKernels.Forward(Block(workspace, Activation" + I(i) + "Offset, " + p + "Units), Block(workspace, Mask" + I(i) + "Offset, " + p + "Units), Block(workspace, Dropped" + I(i) + "Offset, " + p + "Units), " + p + "Units, rows, " + range + ", _dropoutKey, Dropout" + I(i) + "Threshold, Dropout" + I(i) + "Scale);");
            w.Close();
            w.Open("else");
            w.Line(Kernels + "DropoutKernels.PassThrough(Block(workspace, Activation" + I(i) + "Offset, " + p + "Units), Block(workspace, Dropped" + I(i) + "Offset, " + p + "Units), " + p + "Units, " + range + ");");
            w.Close();
        }
    }
}
