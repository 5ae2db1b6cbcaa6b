namespace AotNet.Generator
{
    /// <summary>The optimizer step: the update struct, BeginStep and StepRange, with the regularisers and clipping they apply.</summary>
    internal static partial class Emitter
    {
        /// <summary>The optimizer's update struct (the kernels' operator-struct shape) and its state spans for a parameter range.</summary>
        private static string UpdateType(ModelSpec model) =>
            model.WeightDecay > 0 ? Kernels + "WeightDecayUpdate<" + InnerUpdateType(model) + ">" : InnerUpdateType(model);

        /// <summary>The optimizer's own update (without the weight decay around it).</summary>
        private static string InnerUpdateType(ModelSpec model) => Kernels + (model.Optimizer switch
        {
            Optimizer.RmsProp => model.LegacyEpsilon ? "RmsPropLegacyUpdate" : "RmsPropUpdate",
            Optimizer.Adam or Optimizer.AdamW => "AdamUpdate",
            _ => model.Momentum > 0 ? (model.Nesterov ? "SgdNesterovUpdate" : "SgdMomentumUpdate") : "SgdUpdate",
        });

        /// <summary>The two state spans (s1, s2) over [offset, offset + length) of the parameter block.</summary>
        private static string StateSpans(ModelSpec model, string offset, string length)
        {
            string Of(string field) => "new(" + field + ", " + offset + ", " + length + ")";
            return model.Optimizer switch
            {
                Optimizer.RmsProp => Of("_velocity") + ", default",
                Optimizer.Adam or Optimizer.AdamW => Of("_momentum") + ", " + Of("_velocity"),
                _ => model.Momentum > 0 ? Of("_momentum") + ", default" : "default, default",
            };
        }

        private static void EmitStep(CodeWriter w, Layout m)
        {
            var model = m.Model;
            w.Line("/// <summary>One " + OptimizerName(model.Optimizer) + " step over the whole parameter block with gradient <c>Gradients * scale</c>" + (m.HasRegularizer ? " plus the regularisers' gradient (added to Gradients / scale first)" : string.Empty) + ".</summary>");
            w.Open("public void Step(float scale)");
            if (m.HasClipping)
            {
                w.Line("_clipScale = scale;");
            }

            w.Line("BeginStep();");
            w.Line("StepRange(0, ParameterCount, scale);");
            w.Close();
            w.Line();
            w.Line("/// <summary>Counts the step and builds its update (before any <see cref=\"StepRange\"/> of the step): the learning rate is the");
            w.Line("/// schedule's at the steps taken so far (Keras's iterations), in double rounded to float, else the current constant rate.</summary>");
            w.Open("private void BeginStep()");
            w.Line("float learningRate = _schedule is { } schedule ? (float)schedule.At(_iterations) : _learningRate;");
            w.Line("_iterations++;");
            string args = model.Optimizer switch
            {
                Optimizer.RmsProp => "learningRate, Rho, Epsilon",
                Optimizer.Adam or Optimizer.AdamW => "learningRate, Beta1, Beta2, Epsilon, _iterations",
                _ => model.Momentum > 0 ? "learningRate, Momentum" : "learningRate",
            };
            w.Line(model.WeightDecay > 0
                ? "_update = new(new " + InnerUpdateType(model) + "(" + args + "), WeightDecay, learningRate); // the decay uses the step's rate (not Adam's step size)"
                : "_update = new(" + args + ");");
            EmitClipNorms(w, m);
            w.Close();
            w.Line();
            w.Line("/// <summary>The optimizer update of parameters [start, end) (element-wise: any split of a step gives the same floats).</summary>");
            w.Open("private void StepRange(int start, int end, float scale)");
            w.Line("int length = end - start;");
            EmitRegularizerGradients(w, m);
            EmitClipRange(w, m);
            w.Line(Kernels + "OptimizerKernels.Apply(_update, new(_parameters, start, length), new(_gradients, start, length), " + StateSpans(model, "start", "length") + ", scale);");
            w.Close();
            w.Line();
        }

        /// <summary>The regularisers' gradients added to the block's range [start, end) before the update (scale-aware), and RegularizationLoss.</summary>
        private static void EmitRegularizerGradients(CodeWriter w, Layout m)
        {
            if (m.Model.ClipNorm > 0 || m.Model.GlobalClipNorm > 0)
            {
                return; // BeginStep adds them, before it measures the norms
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                var layer = m.Layers[i];
                string p = "Dense" + I(i);
                if (layer.KernelL1 != 0 || layer.KernelL2 != 0)
                {
                    w.Line("Regularize(start, end, " + p + "KernelOffset, " + p + "KernelLength, " + F(layer.KernelL1) + ", " + F(layer.KernelL2) + ", scale); // dense_" + I(i) + ".kernel");
                }

                if (layer.BiasL1 != 0 || layer.BiasL2 != 0)
                {
                    w.Line("Regularize(start, end, " + p + "BiasOffset, " + p + "Units, " + F(layer.BiasL1) + ", " + F(layer.BiasL2) + ", scale); // dense_" + I(i) + ".bias");
                }
            }
        }

        private static void EmitRegularizerMembers(CodeWriter w, Layout m)
        {
            if (!m.HasRegularizer)
            {
                return;
            }

            w.Line("/// <summary>The regularisation penalty of the current weights (Keras's <c>model.losses</c> summed): l1 · Σ|w| + l2 · Σw² per regularised tensor.</summary>");
            w.Open("public double RegularizationLoss()");
            w.Line("double penalty = 0;");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                var layer = m.Layers[i];
                string p = "Dense" + I(i);
                if (layer.KernelL1 != 0 || layer.KernelL2 != 0)
                {
                    w.Line("penalty += " + Kernels + "RegularizerKernels.Penalty(" + p + "Kernel, " + D(layer.KernelL1) + ", " + D(layer.KernelL2) + ");");
                }

                if (layer.BiasL1 != 0 || layer.BiasL2 != 0)
                {
                    w.Line("penalty += " + Kernels + "RegularizerKernels.Penalty(" + p + "Bias, " + D(layer.BiasL1) + ", " + D(layer.BiasL2) + ");");
                }
            }

            w.Line("return penalty;");
            w.Close();
            w.Line();
            w.Line("/// <summary>Adds the regulariser's gradient / scale to the gradient block where [offset, offset + length) meets [start, end).</summary>");
            w.Open("private void Regularize(int start, int end, int offset, int length, float l1, float l2, float scale)");
            w.Line("int from = global::System.Math.Max(start, offset), to = global::System.Math.Min(end, offset + length);");
            w.Open("if (from < to)");
            w.Line(Kernels + "RegularizerKernels.AddGradient(new " + ReadOnlySpan + "(_parameters, from, to - from), new " + Span + "(_gradients, from, to - from), l1, l2, scale);");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>BeginStep for ClipNorm / GlobalClipNorm: the norms of the step's gradients (Gradients · scale plus the regularisers') and their factors.</summary>
        private static void EmitClipNorms(CodeWriter w, Layout m)
        {
            var model = m.Model;
            if (!(model.ClipNorm > 0 || model.GlobalClipNorm > 0))
            {
                return;
            }

            w.Line("// Keras's " + (model.ClipNorm > 0 ? "clipnorm " + R(model.ClipNorm) + " per variable" : "global_clipnorm " + R(model.GlobalClipNorm)) + ": the regularisers' gradients first go into the block (/ scale)");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                var layer = m.Layers[i];
                string p = "Dense" + I(i);
                if (layer.KernelL1 != 0 || layer.KernelL2 != 0)
                {
                    w.Line("Regularize(0, ParameterCount, " + p + "KernelOffset, " + p + "KernelLength, " + F(layer.KernelL1) + ", " + F(layer.KernelL2) + ", _clipScale);");
                }

                if (layer.BiasL1 != 0 || layer.BiasL2 != 0)
                {
                    w.Line("Regularize(0, ParameterCount, " + p + "BiasOffset, " + p + "Units, " + F(layer.BiasL1) + ", " + F(layer.BiasL2) + ", _clipScale);");
                }
            }

            if (model.ClipNorm > 0)
            {
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    string p = "Dense" + I(i);
                    w.Line("_clipFactors[" + I(2 * i) + "] = " + Kernels + "ClippingKernels.NormFactor(" + Kernels + "ClippingKernels.SquaredNorm(new " + ReadOnlySpan + "(_gradients, " + p + "KernelOffset, " + p + "KernelLength), _clipScale), " + D(model.ClipNorm) + ");");
                    w.Line("_clipFactors[" + I((2 * i) + 1) + "] = " + Kernels + "ClippingKernels.NormFactor(" + Kernels + "ClippingKernels.SquaredNorm(new " + ReadOnlySpan + "(_gradients, " + p + "BiasOffset, " + p + "Units), _clipScale), " + D(model.ClipNorm) + ");");
                }
            }
            else
            {
                w.Line("float factor = " + Kernels + "ClippingKernels.NormFactor(" + Kernels + "ClippingKernels.SquaredNorm(_gradients, _clipScale), " + D(model.GlobalClipNorm) + ");");
                w.Line("global::System.Array.Fill(_clipFactors, factor);");
            }
        }

        /// <summary>StepRange's clipping of [start, end): clipvalue element-wise, or the norm factors of BeginStep per tensor.</summary>
        private static void EmitClipRange(CodeWriter w, Layout m)
        {
            var model = m.Model;
            if (model.ClipValue > 0)
            {
                w.Line(Kernels + "ClippingKernels.ClipValue(new " + Span + "(_gradients, start, length), scale, " + F(model.ClipValue) + "); // Keras's clipvalue");
            }
            else if (model.ClipNorm > 0 || model.GlobalClipNorm > 0)
            {
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    string p = "Dense" + I(i);
                    w.Line("ClipRange(start, end, " + p + "KernelOffset, " + p + "KernelLength, _clipFactors[" + I(2 * i) + "]);");
                    w.Line("ClipRange(start, end, " + p + "BiasOffset, " + p + "Units, _clipFactors[" + I((2 * i) + 1) + "]);");
                }
            }
        }

        private static void EmitClipMembers(CodeWriter w, Layout m)
        {
            if (!(m.Model.ClipNorm > 0 || m.Model.GlobalClipNorm > 0))
            {
                return;
            }

            w.Line("/// <summary>Scales the gradient block where [offset, offset + length) meets [start, end) by a clipping factor.</summary>");
            w.Open("private void ClipRange(int start, int end, int offset, int length, float factor)");
            w.Line("int from = global::System.Math.Max(start, offset), to = global::System.Math.Min(end, offset + length);");
            w.Open("if (from < to)");
            w.Line(Kernels + "ClippingKernels.Scale(new " + Span + "(_gradients, from, to - from), factor);");
            w.Close();
            w.Close();
            w.Line();
        }
    }
}
