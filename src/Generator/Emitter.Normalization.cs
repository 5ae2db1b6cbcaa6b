using System.Collections.Generic;
using System.Linq;

namespace AotNet.Generator
{
    /// <summary>
    /// The normalisation layers: Keras's Normalization (the input preprocessing layer, with its adapted mean and variance
    /// in the model's state block) and BatchNormalization/LayerNormalization after a hidden Dense layer. A model with either
    /// of the latter trains each batch whole on one workspace, layer by layer (a batch statistic needs every row before the
    /// next layer), with every sum over rows in the chunk order of the summation contract.
    /// </summary>
    internal static partial class Emitter
    {
        private static string NormTitle(LayerSpec l) => l.Norm == NormKind.None ? string.Empty
            : " → " + (l.Norm == NormKind.Batch ? "batch_normalization" : "layer_normalization") + (l.NormActivation != Activation.Linear ? " " + ActivationName(l.NormActivation) : string.Empty);

        /// <summary>The saved name of the normalisation layer after dense_i (Keras-style, numbered per kind from 0).</summary>
        private static string NormName(Layout m, int i) =>
            (m.Layers[i].Norm == NormKind.Batch ? "batch_normalization_" : "layer_normalization_") + I(m.NormNumber[i]);

        /// <summary>The LayerDescription options of dense_i's normalisation layer (none without one).</summary>
        private static IEnumerable<string> NormOptions(Layout m, int i)
        {
            if (m.Layers[i].Norm == NormKind.None)
            {
                yield break;
            }

            yield return "NormalizationName = \"" + NormName(m, i) + "\"";
            yield return "NormalizationEpsilon = " + D(m.Layers[i].NormEpsilon);
            if (m.Layers[i].Norm == NormKind.Batch)
            {
                yield return "NormalizationMomentum = " + D(m.Layers[i].NormMomentum);
            }

            if (m.Layers[i].NormActivation != Activation.Linear)
            {
                yield return "NormalizationActivation = global::AotNet.Activation." + m.Layers[i].NormActivation;
            }
        }

        private static void EmitNormalizationLayout(CodeWriter w, Layout m)
        {
            if (m.Model.Normalization)
            {
                w.Line("private const int NormalizationMeanOffset = 0; // the state block: normalization.mean [InputCount], then normalization.variance");
                w.Line("private const int NormalizationVarianceOffset = InputCount;");
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i].Norm == NormKind.None)
                {
                    continue;
                }

                string name = NormName(m, i);
                w.Line("private const int Norm" + I(i) + "Offset = " + I(m.NormOffset[i]) + "; // " + name + " after dense_" + I(i) + ": its outputs" + (m.Layers[i].NormActivation != Activation.Linear ? " after " + ActivationName(m.Layers[i].NormActivation) : string.Empty));
                w.Line("private const int XHat" + I(i) + "Offset = " + I(m.XHatOffset[i]) + "; // and the normalised values (z - mean) / sqrt(variance + epsilon)");
                if (m.Layers[i].Norm == NormKind.Layer)
                {
                    w.Line("private const int Inv" + I(i) + "Offset = " + I(m.InvOffset[i]) + "; // and each row's 1 / sqrt(variance + epsilon)");
                }

                w.Line("private const int Gamma" + I(i) + "Offset = " + I(m.GammaOffset[i]) + "; // " + name + ".gamma in the parameter block (then .beta)");
                w.Line("private const int Beta" + I(i) + "Offset = Gamma" + I(i) + "Offset + Dense" + I(i) + "Units;");
                if (m.Layers[i].Norm == NormKind.Batch)
                {
                    w.Line("private const int MovingMean" + I(i) + "Offset = " + I(m.MovingMeanOffset[i]) + "; // " + name + ".moving_mean in the state block (then .moving_variance)");
                    w.Line("private const int MovingVariance" + I(i) + "Offset = MovingMean" + I(i) + "Offset + Dense" + I(i) + "Units;");
                }
            }

            if (m.NormScratchOffset >= 0)
            {
                w.Line("private const int NormScratchOffset = " + I(m.NormScratchOffset) + "; // the normalisation layers' scratch rows");
            }

            if (m.StateCount > 0)
            {
                w.Line();
                w.Line("/// <summary>Floats in the non-trainable state block (<see cref=\"State\"/>).</summary>");
                w.Line("public const int StateCount = " + I(m.StateCount) + ";");
            }
        }

        /// <summary>The Description's initialisers: the state block's size and every tensor in Keras's order.</summary>
        private static IEnumerable<string> NormalizationDescription(Layout m)
        {
            if (!m.Model.Normalization && !m.Model.HasNorm)
            {
                yield break;
            }

            if (m.StateCount > 0)
            {
                yield return "StateCount = StateCount";
            }

            var tensors = new List<string>();
            string Tensor(string name, string shape, string offset, bool state = false) =>
                "new(\"" + name + "\", new[] { " + shape + " }, " + offset + (state ? ", IsState: true" : string.Empty) + ")";
            if (m.Model.Normalization)
            {
                tensors.Add(Tensor("normalization.mean", "InputCount", "NormalizationMeanOffset", true));
                tensors.Add(Tensor("normalization.variance", "InputCount", "NormalizationVarianceOffset", true));
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                string p = "Dense" + I(i);
                tensors.Add(Tensor("dense_" + I(i) + ".kernel", p + "Inputs, " + p + "Units", p + "KernelOffset"));
                tensors.Add(Tensor("dense_" + I(i) + ".bias", p + "Units", p + "BiasOffset"));
                if (m.Layers[i].Norm != NormKind.None)
                {
                    string name = NormName(m, i);
                    tensors.Add(Tensor(name + ".gamma", p + "Units", "Gamma" + I(i) + "Offset"));
                    tensors.Add(Tensor(name + ".beta", p + "Units", "Beta" + I(i) + "Offset"));
                    if (m.Layers[i].Norm == NormKind.Batch)
                    {
                        tensors.Add(Tensor(name + ".moving_mean", p + "Units", "MovingMean" + I(i) + "Offset", true));
                        tensors.Add(Tensor(name + ".moving_variance", p + "Units", "MovingVariance" + I(i) + "Offset", true));
                    }
                }
            }

            yield return "Tensors = new " + Training + "WeightTensor[] { " + string.Join(", ", tensors) + " }";
        }

        /// <summary>GetWeights' cases for the normalisation tensors.</summary>
        private static void EmitNormalizationWeightNames(CodeWriter w, Layout m)
        {
            if (m.Model.Normalization)
            {
                w.Line("\"normalization.mean\" => NormalizationMean,");
                w.Line("\"normalization.variance\" => NormalizationVariance,");
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i].Norm == NormKind.None)
                {
                    continue;
                }

                string name = NormName(m, i), units = "Dense" + I(i) + "Units";
                w.Line("\"" + name + ".gamma\" => new(_parameters, Gamma" + I(i) + "Offset, " + units + "),");
                w.Line("\"" + name + ".beta\" => new(_parameters, Beta" + I(i) + "Offset, " + units + "),");
                if (m.Layers[i].Norm == NormKind.Batch)
                {
                    w.Line("\"" + name + ".moving_mean\" => new(_state, MovingMean" + I(i) + "Offset, " + units + "),");
                    w.Line("\"" + name + ".moving_variance\" => new(_state, MovingVariance" + I(i) + "Offset, " + units + "),");
                }
            }
        }

        /// <summary>Create: Keras's initial values (gamma 1, moving variance 1, the Normalization variance 1; the rest 0).</summary>
        private static void EmitNormalizationCreate(CodeWriter w, Layout m)
        {
            if (m.Model.Normalization)
            {
                w.Line("model.NormalizationVariance.Fill(1f); // not adapted: the identity");
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i].Norm == NormKind.None)
                {
                    continue;
                }

                string units = "Dense" + I(i) + "Units";
                w.Line("new " + Span + "(model._parameters, Gamma" + I(i) + "Offset, " + units + ").Fill(1f); // " + NormName(m, i) + ".gamma");
                if (m.Layers[i].Norm == NormKind.Batch)
                {
                    w.Line("new " + Span + "(model._state, MovingVariance" + I(i) + "Offset, " + units + ").Fill(1f);");
                }
            }
        }

        /// <summary>The state block, the Normalization layer's Adapt, the normalisation layers' training scratch.</summary>
        private static void EmitNormalizationMembers(CodeWriter w, Layout m)
        {
            if (m.StateCount > 0)
            {
                w.Line();
                w.Line("private readonly float[] _state = new float[StateCount];");
                w.Line();
                w.Line("/// <summary>The non-trainable state, saved with the weights: " + string.Join(", ", StateNames(m)) + ".</summary>");
                w.Line("public float[] State => _state;");
            }

            if (m.Model.Normalization)
            {
                w.Line();
                w.Line("/// <summary>normalization.mean [InputCount]: the Normalization layer's per-feature mean (0 until adapted).</summary>");
                w.Line("public " + Span + " NormalizationMean => new(_state, NormalizationMeanOffset, InputCount);");
                w.Line();
                w.Line("/// <summary>normalization.variance [InputCount]: the per-feature biased variance (1 until adapted).</summary>");
                w.Line("public " + Span + " NormalizationVariance => new(_state, NormalizationVarianceOffset, InputCount);");
                w.Line();
                w.Line("/// <summary>Whether the Normalization layer holds adapted (or loaded) statistics, not Keras's initial 0 and 1.</summary>");
                w.Line("public bool IsAdapted => !" + Kernels + "NormalizationKernels.IsInitial(NormalizationMean, NormalizationVariance);");
                w.Line();
                w.Line("/// <summary>Keras's <c>adapt</c>: the Normalization layer's mean and variance from every row of <paramref name=\"inputs\"/> (dense).</summary>");
                w.Open("public void Adapt(" + Features + " inputs)");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
                w.Line("CheckData(inputs, null, needsTargets: false, null);");
                w.Line(Kernels + "NormalizationKernels.Adapt(inputs.Dense!, NormalizationMean, NormalizationVariance);");
                w.Close();
            }

            if (m.Model.HasNorm)
            {
                w.Line();
                w.Line("private readonly float[] _normMean = new float[" + I(m.MaxNormUnits) + "]; // BatchNormalization's batch mean (training: one thread)");
                w.Line("private readonly float[] _normSums = new float[" + I(3 * m.MaxNormUnits) + "]; // the backward's column sums");
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    if (m.Layers[i].Norm == NormKind.Batch)
                    {
                        w.Line("private readonly float[] _norm" + I(i) + "Inv = new float[Dense" + I(i) + "Units]; // " + NormName(m, i) + ": the batch's 1 / sqrt(variance + epsilon), for the backward");
                    }
                }
            }
        }

        private static IEnumerable<string> StateNames(Layout m)
        {
            if (m.Model.Normalization)
            {
                yield return "normalization.mean";
                yield return "normalization.variance";
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i].Norm == NormKind.Batch)
                {
                    yield return NormName(m, i) + ".moving_mean";
                    yield return NormName(m, i) + ".moving_variance";
                }
            }
        }

        /// <summary>Offsets of the normalisation layers' blocks, parameters and state (after the dense layers').</summary>
        internal sealed partial class Layout
        {
            public long[] NormOffset { get; private set; } = new long[0];

            public long[] XHatOffset { get; private set; } = new long[0];

            public long[] InvOffset { get; private set; } = new long[0];

            public long[] GammaOffset { get; private set; } = new long[0];

            public long[] MovingMeanOffset { get; private set; } = new long[0];

            /// <summary>Per layer: its normalisation layer's number among those of its kind (batch_normalization_k).</summary>
            public int[] NormNumber { get; private set; } = new int[0];

            public long NormScratchOffset { get; private set; } = -1;

            public int MaxNormUnits { get; private set; }

            public int StateCount { get; private set; }

            private void LayoutNormalization()
            {
                int count = Layers.Length;
                NormOffset = Enumerable.Repeat(-1L, count).ToArray();
                XHatOffset = Enumerable.Repeat(-1L, count).ToArray();
                InvOffset = Enumerable.Repeat(-1L, count).ToArray();
                GammaOffset = Enumerable.Repeat(-1L, count).ToArray();
                MovingMeanOffset = Enumerable.Repeat(-1L, count).ToArray();
                NormNumber = new int[count];
                long parameters = ParameterCount;
                int state = Model.Normalization ? 2 * Model.Inputs : 0, batch = 0, layer = 0;
                for (int i = 0; i < count; i++)
                {
                    var spec = Layers[i];
                    if (spec.Norm == NormKind.None)
                    {
                        continue;
                    }

                    int units = spec.Units;
                    NormOffset[i] = WorkspaceFloats;
                    XHatOffset[i] = WorkspaceFloats + units;
                    WorkspaceFloats += 2 * units;
                    if (spec.Norm == NormKind.Layer)
                    {
                        InvOffset[i] = WorkspaceFloats;
                        WorkspaceFloats += 1;
                        NormNumber[i] = layer++;
                    }
                    else
                    {
                        MovingMeanOffset[i] = state;
                        state += 2 * units;
                        NormNumber[i] = batch++;
                    }

                    GammaOffset[i] = parameters;
                    parameters += 2 * units;
                    MaxNormUnits = System.Math.Max(MaxNormUnits, units);
                }

                if (MaxNormUnits > 0)
                {
                    NormScratchOffset = WorkspaceFloats;
                    WorkspaceFloats += MaxNormUnits;
                }

                ParameterCount = parameters;
                StateCount = state;
            }
        }
    }
}
