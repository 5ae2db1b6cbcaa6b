using System.Linq;

namespace AotNet.Generator
{
    /// <summary>The layout: the constants of the sizes and offsets (parameter block, workspace blocks) and the Layout they come from.</summary>
    internal static partial class Emitter
    {
        private static void EmitLayout(CodeWriter w, Layout m)
        {
            w.Line("/// <summary>Input features.</summary>");
            w.Line("public const int InputCount = " + I(m.Model.Inputs) + ";");
            w.Line();
            w.Line("/// <summary>Outputs (units of the last layer).</summary>");
            w.Line("public const int OutputCount = " + I(m.Layers[m.Last].Units) + ";");
            w.Line();
            w.Line("/// <summary>Floats in the parameter block (and in the gradient and optimizer-state blocks).</summary>");
            w.Line("public const int ParameterCount = " + I(m.ParameterCount) + ";");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                string p = "Dense" + I(i), n = I(i), units = I(m.Layers[i].Units);
                w.Lines($$"""

                    /// <summary>dense_{{n}}: {{I(m.FanIn[i])}} → {{units}} {{ActivationName(m.Layers[i].Activation)}}: its inputs and units, then the offset and length of dense_{{n}}.kernel [{{I(m.FanIn[i])}}, {{units}}] and the offset of dense_{{n}}.bias [{{units}}] in the parameter block.</summary>
                    public const int {{p}}Inputs = {{(i == 0 ? m.FirstInputs : "Dense" + I(i - 1) + "Units")}}, {{p}}Units = {{units}},
                        {{p}}KernelOffset = {{I(m.KernelOffset[i])}}, {{p}}KernelLength = {{p}}Inputs * {{p}}Units, {{p}}BiasOffset = {{p}}KernelOffset + {{p}}KernelLength;
                    """);
            }

            w.Line();
            w.Line("// Workspace: blocks of workspace.MaxRows rows (row-major, a row's floats contiguous): per layer its activations");
            w.Line("// and deltas" + (m.Fused ? ", the output logits" : string.Empty) + ", each row's loss and metric. Block X starts at MaxRows * XOffset.");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                w.Line("private const int Activation" + I(i) + "Offset = " + I(m.ActivationOffset[i]) + ";");
                w.Line("private const int Delta" + I(i) + "Offset = " + I(m.DeltaOffset[i]) + ";");
            }

            if (m.Fused)
            {
                w.Line("private const int LogitsOffset = " + I(m.LogitsOffset) + ";");
            }

            w.Line("private const int LossOffset = " + I(m.LossOffset) + ";");
            if (m.MetricColumns > 0)
            {
                w.Line("private const int MetricsOffset = " + I(m.LossOffset + 1) + "; // per row: " + string.Join(", ", m.MetricColumnNames));
                w.Line("private const int MetricColumns = " + I(m.MetricColumns) + ";");
            }

            EmitDropoutLayout(w, m);
            EmitNormalizationLayout(w, m);
            EmitEmbeddingLayout(w, m);
            w.Line();
            w.Line("/// <summary>Workspace floats per row.</summary>");
            w.Line("public const int WorkspaceFloatsPerRow = " + I(m.WorkspaceFloats) + ";");
            w.Line();
            w.Line("/// <summary>Learning rate of the " + OptimizerName(m.Model.Optimizer) + " optimizer.</summary>");
            w.Line("public const float LearningRate = " + F(m.Model.LearningRate) + ";");
            switch (m.Model.Optimizer)
            {
                case Optimizer.RmsProp:
                    w.Line("private const float Rho = 0.9f;");
                    w.Line("private const float Epsilon = 1E-07f;");
                    break;
                case Optimizer.Adam:
                case Optimizer.AdamW:
                    w.Line("private const float Beta1 = 0.9f;");
                    w.Line("private const float Beta2 = 0.999f;");
                    w.Line("private const float Epsilon = 1E-07f;");
                    break;
                case Optimizer.Sgd when m.Model.Momentum > 0:
                    w.Line("private const float Momentum = " + F(m.Model.Momentum) + ";");
                    break;
            }

            if (m.Model.WeightDecay > 0)
            {
                w.Line();
                w.Line("/// <summary>Keras's optimizer weight_decay: each step first sets every weight to <c>w - (w * WeightDecay) * lr</c>.</summary>");
                w.Line("public const float WeightDecay = " + F(m.Model.WeightDecay) + ";");
            }

            w.Line();
        }

        /// <summary>Offsets, thresholds and scales of the dropout blocks (after the other blocks of a row).</summary>
        private static void EmitDropoutLayout(CodeWriter w, Layout m)
        {
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.ZOffset[i] >= 0)
                {
                    w.Line("private const int Z" + I(i) + "Offset = " + I(m.ZOffset[i]) + "; // dense_" + I(i) + "'s affine outputs (its " + ActivationName(m.Layers[i].Activation) + " works from z)");
                }

                if (m.Layers[i].Dropout > 0)
                {
                    w.Line("private const int Mask" + I(i) + "Offset = " + I(m.MaskOffset[i]) + "; // dropout " + R(m.Layers[i].Dropout) + " after dense_" + I(i) + ": its mask");
                    w.Line("private const int Dropped" + I(i) + "Offset = " + I(m.MaskOffset[i] + m.Layers[i].Units) + "; // and the outputs after dropout");
                    w.Line("private const uint Dropout" + I(i) + "Threshold = " + I(DropoutThreshold(m.Layers[i].Dropout)) + "u; // ceil(rate * 2^24)");
                    w.Line("private const float Dropout" + I(i) + "Scale = " + F(1.0 / (1.0 - m.Layers[i].Dropout)) + "; // 1 / (1 - rate)");
                }
            }
        }

        private static long DropoutThreshold(double rate) => (long)System.Math.Ceiling(rate * (1 << 24));

        /// <summary>Offsets and sizes derived from a spec, in long (the parser checks them against the array limits before anything is emitted).</summary>
        internal sealed partial class Layout
        {
            public Layout(ModelSpec model)
            {
                Model = model;
                Type = Identifier(model.ClassName);
                Layers = model.Layers.ToArray();
                Last = Layers.Length - 1;
                Fused = model.Loss is Loss.BinaryCrossentropy or Loss.CategoricalCrossentropy or Loss.SparseCategoricalCrossentropy;
                FanIn = new int[Layers.Length];
                KernelOffset = new long[Layers.Length];
                ActivationOffset = new long[Layers.Length];
                DeltaOffset = new long[Layers.Length];
                int fanIn = model.Embedding?.OutputDim ?? model.Inputs; // an embedding's pooled vectors feed the first Dense layer
                long offset = model.Embedding is { } embedding ? (long)embedding.InputDim * embedding.OutputDim : 0, workspace = 0; // embedding.embeddings first
                for (int i = 0; i < Layers.Length; i++)
                {
                    FanIn[i] = fanIn;
                    KernelOffset[i] = offset;
                    offset += ((long)fanIn * Layers[i].Units) + Layers[i].Units;
                    ActivationOffset[i] = workspace;
                    DeltaOffset[i] = workspace + Layers[i].Units;
                    workspace += 2L * Layers[i].Units;
                    fanIn = Layers[i].Units;
                }

                ParameterCount = offset;
                LogitsOffset = workspace;
                LossOffset = workspace + (Fused ? Layers[Last].Units : 0);
                var metrics = model.Metrics;
                var columns = new System.Collections.Generic.List<string>();
                foreach (var (flag, column) in AdditiveMetrics)
                {
                    if ((metrics & flag) != 0)
                    {
                        columns.Add(column);
                    }
                }

                var confusion = ConfusionMetrics.Where(f => (metrics & f) != 0).ToArray();
                HasConfusion = confusion.Length > 0;
                HasAuc = (metrics & Metric.Auc) != 0;
                if (HasConfusion)
                {
                    columns.Add("prediction");
                    columns.Add("target (for " + string.Join(", ", confusion) + ")");
                }

                MetricColumnNames = columns.ToArray();
                WorkspaceFloats = LossOffset + 1 + MetricColumns;
                MaskOffset = new long[Layers.Length];
                for (int i = 0; i < Layers.Length; i++)
                {
                    MaskOffset[i] = -1;
                    if (Layers[i].Dropout > 0)
                    {
                        MaskOffset[i] = WorkspaceFloats;
                        WorkspaceFloats += 2L * Layers[i].Units;
                        HasDropout = true;
                    }
                }

                HasRegularizer = Layers.Any(l => l.IsRegularized);
                ZOffset = new long[Layers.Length];
                for (int i = 0; i < Layers.Length; i++)
                {
                    ZOffset[i] = -1;
                    if (Layers[i].KeepsZ)
                    {
                        ZOffset[i] = WorkspaceFloats;
                        WorkspaceFloats += Layers[i].Units;
                    }
                }

                HasClipping = model.ClipValue > 0 || model.ClipNorm > 0 || model.GlobalClipNorm > 0;
                RowFusable = !HasClipping && !HasDropout && !HasRegularizer && model.Loss <= Loss.CategoricalCrossentropy && Layers.All(l => !l.KeepsZ) && !model.HasNorm && model.Embedding is null; // the fused row step knows the first three losses (and no batch statistics)
                FirstKernelRowWise = Layers[0].KernelL1 == 0 && Layers[0].KernelL2 == 0 && !HasClipping && !model.HasNorm && !model.Normalization && model.Embedding is null; // normalisation layers take dense inputs only
                SplitRows = new bool[Layers.Length];
                for (int i = 0; i < Layers.Length; i++)
                {
                    // a layer's tiles are rows for narrow layers, softmax (whole rows) and the last layer (the loss reads whole rows),
                    // else column ranges of the units
                    // (a model with batch statistics splits its whole batch among the workers by rows: halves of a batch scale
                    // better than halves of the units, each worker then reading half the inputs)
                    SplitRows[i] = i == Last || Layers[i].Units < 64 || Layers[i].Activation == Activation.Softmax || model.HasNorm;
                }

                TilesSupported = Layers.Take(Last).All(l => l.Activation != Activation.Softmax) && !model.HasNorm && model.Embedding is null; // a batch statistic needs whole columns; an embedding's backward runs per chunk
                Topology = I(model.Inputs) + EmbeddingTitle(model) + (model.Normalization ? " → normalization" : string.Empty) + string.Concat(Layers.Select(l => " → " + I(l.Units) + " " + ActivationName(l.Activation) + (l.Dropout > 0 ? " → dropout " + R(l.Dropout) : string.Empty) + NormTitle(l)));
                LayoutNormalization();
                LayoutEmbedding();
            }

            public ModelSpec Model { get; }

            /// <summary>The model's type name in code (a keyword escaped with @).</summary>
            public string Type { get; }

            public LayerSpec[] Layers { get; }

            public int Last { get; }

            public bool Fused { get; }

            public int[] FanIn { get; }

            public long[] KernelOffset { get; }

            public long[] ActivationOffset { get; }

            public long[] DeltaOffset { get; }

            public long ParameterCount { get; private set; }

            public long LogitsOffset { get; }

            public long WorkspaceFloats { get; private set; }

            public long LossOffset { get; }

            /// <summary>What each of a row's metric columns holds (after its loss).</summary>
            public string[] MetricColumnNames { get; }

            public int MetricColumns => MetricColumnNames.Length;

            /// <summary>Whether AUC, precision or recall is declared: a row's prediction and target are kept for the counts.</summary>
            public bool HasConfusion { get; }

            /// <summary>Whether AUC is declared: workspaces keep its bucket counters.</summary>
            public bool HasAuc { get; }

            /// <summary>The metric column of <paramref name="flag"/> (accuracy, MAE, MSE, then the prediction of the confusion metrics).</summary>
            public int MetricColumn(Metric flag)
            {
                int column = 0;
                foreach (var (f, _) in AdditiveMetrics)
                {
                    if (f == flag)
                    {
                        return column;
                    }

                    column += (Model.Metrics & f) != 0 ? 1 : 0;
                }

                return column;
            }

            /// <summary>Per layer: whether its forward work is split by rows (else by units).</summary>
            public bool[] SplitRows { get; }

            /// <summary>Whether a one-chunk batch may be split into tiles (no hidden softmax, whose backward needs whole rows).</summary>
            public bool TilesSupported { get; }

            public string Topology { get; }

            /// <summary>Per layer: the offset of its dropout mask block (its dropped outputs follow), or -1.</summary>
            public long[] MaskOffset { get; }

            public bool HasDropout { get; }

            /// <summary>Per layer: the offset of its z block (the activations that work from z), or -1.</summary>
            public long[] ZOffset { get; }

            public bool HasRegularizer { get; }

            /// <summary>Whether the optimizer clips gradients (ClipValue, ClipNorm or GlobalClipNorm).</summary>
            public bool HasClipping { get; }

            /// <summary>Whether a multi-hot first kernel may take the row-wise step (not with a regulariser, whose gradient is dense).</summary>
            public bool FirstKernelRowWise { get; }

            /// <summary>Whether the fused one-row step (no dropout, no regulariser) applies.</summary>
            public bool RowFusable { get; }

            /// <summary>The workspace block layer <paramref name="i"/> reads its inputs from (i &gt; 0): the layer below's outputs, after its dropout.</summary>
            public string InputBlock(int i) => (Layers[i - 1].Norm != NormKind.None ? "Norm" : Layers[i - 1].Dropout > 0 ? "Dropped" : "Activation") + I(i - 1) + "Offset";
        }
    }
}
