namespace AotNet.Generator
{
    /// <summary>The fused one-row training step.</summary>
    internal static partial class Emitter
    {
        /// <summary>
        /// RMSprop models get a fused single-row training step: forward, then per layer (last first) the input delta from
        /// the not yet updated kernel, then the kernel and bias updates computed from the row's gradient in registers.
        /// </summary>
        private static void EmitTrainRow(CodeWriter w, Layout m)
        {
            if (!m.RowFusable)
            {
                return;
            }

            w.Line("/// <summary>The fused training step on one row of dense inputs: the same floats as the chunk path's backward followed by the");
            w.Line("/// step, without the gradient block (which it leaves untouched); row kernels with inactive inputs skipped.</summary>");
            w.Open("private " + Training + "BatchStats TrainRow(global::AotNet.Data.DenseMatrix inputs, global::AotNet.Data.DenseMatrix targets, int row, " + Training + "Workspace workspace, float[]? weights)");
            w.Line(ReadOnlySpan + " parameters = _parameters;");
            w.Line(ReadOnlySpan + " target = targets.Row(row);");
            string input = "inputs.Row(row)";
            if (m.Model.Normalization)
            {
                input = "x";
                w.Line(Span + " x = new(workspace.InputBlock(InputCount), 0, InputCount);");
                w.Line(Kernels + "NormalizationKernels.Apply(inputs.Row(row), NormalizationMean, NormalizationVariance, x); // the Normalization layer");
            }
            for (int i = 0; i < m.Layers.Length; i++)
            {
                var layer = m.Layers[i];
                string p = "Dense" + I(i), a = "a" + I(i);
                bool fusedOutput = m.Fused && i == m.Last;
                string z = fusedOutput ? "z" + I(i) : a;
                w.Line();
                w.Line("// " + LayerTitle(m, i));
                w.Line(Span + " " + a + " = Block(workspace, Activation" + I(i) + "Offset, " + p + "Units).Slice(0, " + p + "Units);");
                if (fusedOutput)
                {
                    w.Line(Span + " " + z + " = Block(workspace, LogitsOffset, " + p + "Units).Slice(0, " + p + "Units);");
                }

                string x = i == 0 ? input : "a" + I(i - 1);
                w.Line(Kernels + "DenseKernels.Affine(" + x + ", parameters.Slice(" + p + "KernelOffset, " + p + "KernelLength), parameters.Slice(" + p + "BiasOffset, " + p + "Units), " + z + ");");
                switch (layer.Activation)
                {
                    case Activation.Linear:
                        if (fusedOutput)
                        {
                            w.Line(z + ".CopyTo(" + a + ");");
                        }

                        break;
                    case Activation.Relu:
                        w.Line(Kernels + "ActivationKernels.Relu(" + a + ");");
                        break;
                    default:
                        w.Line(Kernels + "ActivationKernels." + layer.Activation + "(" + z + ", " + a + ");");
                        break;
                }
            }

            string last = "a" + I(m.Last);
            string lossCall = m.Model.Loss switch
            {
                Loss.BinaryCrossentropy => "BinaryCrossentropyFromLogits(z" + I(m.Last) + ", target)",
                Loss.CategoricalCrossentropy => "CategoricalCrossentropyFromLogits(z" + I(m.Last) + ", target)",
                _ => "MeanSquaredError(" + last + ", target)",
            };
            w.Line();
            w.Line("float loss = " + Kernels + "LossKernels." + lossCall + ";");
            w.Open("if (weights is not null)");
            w.Line("loss *= weights[row]; // Keras's sample_weight");
            w.Close();
            w.Line();
            w.Line("var stats = new " + Training + "BatchStats(loss" + MetricArguments(m, last, "target") + ");");
            if (m.HasConfusion)
            {
                w.Line("long truePositives = 0, falsePositives = 0, falseNegatives = 0;");
                w.Line(Kernels + "MetricKernels.CountConfusion(" + last + "[0], target[0], ref truePositives, ref falsePositives, ref falseNegatives, workspace.Counters);");
                w.Line("stats = stats with { TruePositives = truePositives, FalsePositives = falsePositives, FalseNegatives = falseNegatives };");
            }

            w.Line("BeginStep();");
            for (int i = m.Last; i >= 0; i--)
            {
                string p = "Dense" + I(i), d = "d" + I(i);
                if (i == m.Last)
                {
                    w.Line(Span + " " + d + " = Block(workspace, Delta" + I(i) + "Offset, " + p + "Units).Slice(0, " + p + "Units);");
                    EmitLossGradient(w, m, "a" + I(i), d);
                    w.Open("if (weights is not null)");
                    EmitWeightDelta(w, m, d, "weights[row]");
                    w.Close();
                    w.Line();
                }

                string kernelAndState = "new(_parameters, " + p + "KernelOffset, " + p + "KernelLength), " + StateSpans(m.Model, p + "KernelOffset", p + "KernelLength");
                if (i > 0)
                {
                    string ab = "a" + I(i - 1), db = "d" + I(i - 1), below = "Dense" + I(i - 1);
                    w.Line(Span + " " + db + " = Block(workspace, Delta" + I(i - 1) + "Offset, " + below + "Units).Slice(0, " + below + "Units);");
                    if (m.Layers[i - 1].Activation == Activation.Relu)
                    {
                        w.Line("// " + db + " = " + p + "Kernel · " + d + " where " + ab + " > 0 (relu), each kernel row read before its update");
                        w.Line(Kernels + "OptimizerKernels.ApplyOuterBackpropRelu(_update, " + ab + ", " + d + ", " + kernelAndState + ", " + db + ");");
                    }
                    else
                    {
                        w.Line("// " + db + " = " + p + "Kernel · " + d + ", each kernel row read before its update");
                        w.Line(Kernels + "OptimizerKernels.ApplyOuterBackprop(_update, " + ab + ", " + d + ", " + kernelAndState + ", " + db + ");");
                        EmitActivationBackward(w, m.Layers[i - 1].Activation, ab, db);
                    }
                }
                else
                {
                    w.Line(Kernels + "OptimizerKernels.ApplyOuter(_update, " + input + ", " + d + ", " + kernelAndState + ");");
                }

                w.Line(Kernels + "OptimizerKernels.ApplyBias(_update, " + d + ", new(_parameters, " + p + "BiasOffset, " + p + "Units), " + StateSpans(m.Model, p + "BiasOffset", p + "Units") + ");");
                if (i > 0)
                {
                    w.Line();
                    w.Line("// " + LayerTitle(m, i - 1));
                }
            }

            w.Line("return stats;");
            w.Close();
            w.Line();
        }
    }
}
