namespace AotNet.Generator
{
    /// <summary>The backward pass of each layer: kernel and bias gradients, and the delta of the layer below.</summary>
    internal static partial class Emitter
    {
        private static void EmitBackwardLayer(CodeWriter w, Layout m, int i)
        {
            string p = "Dense" + I(i);
            w.Line("/// <summary>Backward through " + Escape(LayerTitle(m, i)) + " for the block's first <paramref name=\"n\"/> rows: kernel-gradient rows");
            w.Line("/// [k0, k1)" + (i > 0 ? ", the columns [k0, k1) of the layer below's delta" : string.Empty) + " and, with <paramref name=\"bias\"/>, the bias gradient.</summary>");
            string extra = i == 0 ? ", " + Span + " firstLayerDeltas" : string.Empty;
            w.Open("private void Backward" + I(i) + "(" + Features + " inputs, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, int n, " + Span + " gradient, bool accumulate, int k0, int k1, bool bias" + extra + ")");
            w.Line(ReadOnlySpan + " d = Block(workspace, Delta" + I(i) + "Offset, " + p + "Units);");
            if (i > 0)
            {
                var below = m.Layers[i - 1];
                string b = "Dense" + I(i - 1);
                bool relu = below.Activation == Activation.Relu;
                bool dropout = below.Dropout > 0;
                w.Line(ReadOnlySpan + " below = Block(workspace, Activation" + I(i - 1) + "Offset, " + b + "Units);");
                if (dropout)
                {
                    w.Line(ReadOnlySpan + " dropped = Block(workspace, " + m.InputBlock(i) + ", " + b + "Units); // dense_" + I(i - 1) + "'s outputs after dropout: this layer's inputs");
                }

                w.Line(Span + " dBelow = Block(workspace, Delta" + I(i - 1) + "Offset, " + b + "Units);");
                w.Line(Kernels + "MatrixKernels.BackwardWeights(" + (dropout ? "dropped" : "below") + ".Slice(k0), " + b + "Units, d, " + p + "Units, gradient.Slice(" + p + "KernelOffset + (k0 * " + p + "Units)), " + p + "Units, n, k1 - k0, " + p + "Units, accumulate);");
                w.Line("// the delta of dense_" + I(i - 1) + " from this layer's kernel" + (relu ? ", through its relu" : string.Empty));
                w.Line(Kernels + "MatrixKernels.BackwardInput(d, " + p + "Units, new " + ReadOnlySpan + "(_parameters, " + p + "KernelOffset + (k0 * " + p + "Units), (k1 - k0) * " + p + "Units), " + p + "Units, dBelow.Slice(k0), " + b + "Units, " + (relu ? "below.Slice(k0)" : "default") + ", n, k1 - k0, " + p + "Units);");
                if (dropout)
                {
                    w.Line("// through dense_" + I(i - 1) + "'s dropout: the forward pass's mask (0 or 1 / (1 - rate))");
                    w.Line(Kernels + "DropoutKernels.Backward(Block(workspace, Mask" + I(i - 1) + "Offset, " + b + "Units), dBelow, " + b + "Units, n, k0, k1);");
                }
                if (below.KeepsZ)
                {
                    w.Line(ReadOnlySpan + " zBelow = Block(workspace, Z" + I(i - 1) + "Offset, " + b + "Units);");
                    w.Open("for (int r = 0; r < n; r++)");
                    w.Line(Kernels + "ActivationKernels." + below.Activation + "Backward(zBelow.Slice((r * " + b + "Units) + k0, k1 - k0), dBelow.Slice((r * " + b + "Units) + k0, k1 - k0)" + SlopeArgument(below) + ");");
                    w.Close();
                }

                switch (below.Activation)
                {
                    case Activation.Sigmoid:
                    case Activation.Tanh:
                        w.Open("for (int r = 0; r < n; r++)");
                        w.Line(Kernels + "ActivationKernels." + below.Activation + "Backward(below.Slice((r * " + b + "Units) + k0, k1 - k0), dBelow.Slice((r * " + b + "Units) + k0, k1 - k0));");
                        w.Close();
                        break;
                    case Activation.Softmax:
                        w.Open("for (int r = 0; r < n; r++)");
                        w.Line(Kernels + "ActivationKernels.SoftmaxBackward(below.Slice(r * " + b + "Units, " + b + "Units), dBelow.Slice(r * " + b + "Units, " + b + "Units));");
                        w.Close();
                        break;
                }
            }
            else
            {
                w.Open("if (inputs.Sparse is { } sparse)");
                w.Open("if (!firstLayerDeltas.IsEmpty)");
                w.Line("d.Slice(0, n * " + p + "Units).CopyTo(firstLayerDeltas); // the kernel gradient is formed row by row (FirstKernelGradient)");
                w.Close();
                w.Open("else");
                w.Line(Span + " kernelGradient = gradient.Slice(" + p + "KernelOffset, " + p + "KernelLength);");
                w.Line(Span + " chunk = accumulate ? (_sparseScratch ??= new float[" + p + "KernelLength]) : kernelGradient;");
                w.Line("chunk.Clear();");
                w.Open("for (int r = 0; r < n; r++)");
                w.Line(Kernels + "DenseKernels.ScatterAddRows(sparse.Row(rows[r]), d.Slice(r * " + p + "Units, " + p + "Units), chunk);");
                w.Close();
                w.Open("if (accumulate)");
                w.Line("global::System.Numerics.Tensors.TensorPrimitives.Add(kernelGradient, chunk, kernelGradient);");
                w.Close();
                w.Close();
                w.Close();
                w.Open("else");
                w.Line(ReadOnlySpan + " x = " + m.FirstInputBlock + ";");
                w.Line(Kernels + "MatrixKernels.BackwardWeights(x.Slice(k0), " + m.FirstInputs + ", d, " + p + "Units, gradient.Slice(" + p + "KernelOffset + (k0 * " + p + "Units)), " + p + "Units, n, k1 - k0, " + p + "Units, accumulate);");
                w.Close();
                w.Line();
            }

            w.Open("if (bias)");
            w.Line(Kernels + "MatrixKernels.BiasGradient(d, " + p + "Units, gradient.Slice(" + p + "BiasOffset, " + p + "Units), n, " + p + "Units, accumulate);");
            w.Close();
            w.Close();
            w.Line();
        }

        private static string SlopeArgument(LayerSpec layer) => layer.Activation == Activation.LeakyRelu ? ", " + F(layer.NegativeSlope) : string.Empty;

        private static void EmitActivationBackward(CodeWriter w, Activation activation, string a, string d)
        {
            if (activation == Activation.Linear)
            {
                w.Line("// linear: the delta passes through unchanged");
            }
            else
            {
                w.Line(Kernels + "ActivationKernels." + activation + "Backward(" + a + ", " + d + ");");
            }
        }
    }
}
