namespace AotNet.Generator
{
    /// <summary>The loss and metrics of a block of rows, the last layer's delta from the loss, and their sums.</summary>
    internal static partial class Emitter
    {
        private static void EmitLossRows(CodeWriter w, Layout m)
        {
            string p = "Dense" + I(m.Last);
            w.Line("/// <summary>Per-row " + LossName(m.Model.Loss) + " and metric of rows [from, to); with <paramref name=\"gradient\"/> also the last layer's delta;");
            w.Line("/// with sample <paramref name=\"weights\"/> (indexed by data-set row) each row's loss and delta times its weight, the metric unweighted.</summary>");
            w.Open("private static void LossRows(global::AotNet.Data.DenseMatrix targets, global::System.ReadOnlySpan<int> rows, " + Training + "Workspace workspace, int from, int to, bool gradient, float[]? weights)");
            w.Line(Span + " outputs = Block(workspace, Activation" + I(m.Last) + "Offset, OutputCount);");
            if (m.Fused)
            {
                w.Line(Span + " logits = Block(workspace, LogitsOffset, OutputCount);");
            }

            w.Line(Span + " deltas = Block(workspace, Delta" + I(m.Last) + "Offset, OutputCount);");
            w.Line(Span + " loss = Block(workspace, LossOffset, 1);");
            if (m.MetricColumns > 0)
            {
                w.Line(Span + " metrics = Block(workspace, MetricsOffset, MetricColumns);");
            }

            w.Open("for (int r = from; r < to; r++)");
            w.Line(ReadOnlySpan + " target = targets.Row(rows[r]);");
            w.Line(Span + " a = outputs.Slice(r * OutputCount, OutputCount);");
            string lossCall = m.Model.Loss switch
            {
                Loss.BinaryCrossentropy => "BinaryCrossentropyFromLogits(logits.Slice(r * OutputCount, OutputCount), target)",
                Loss.CategoricalCrossentropy => "CategoricalCrossentropyFromLogits(logits.Slice(r * OutputCount, OutputCount), target)",
                Loss.SparseCategoricalCrossentropy => "SparseCategoricalCrossentropyFromLogits(logits.Slice(r * OutputCount, OutputCount), target)",
                Loss.MeanAbsoluteError => "MeanAbsoluteError(a, target)",
                Loss.Huber => "Huber(a, target)",
                _ => "MeanSquaredError(a, target)",
            };
            w.Line("loss[r] = " + Kernels + "LossKernels." + lossCall + ";");
            EmitMetricColumns(w, m, "a", "target");
            w.Open("if (gradient)");
            w.Line(Span + " d = deltas.Slice(r * OutputCount, OutputCount);");
            if (m.Layers[m.Last].KeepsZ)
            {
                w.Line(ReadOnlySpan + " zRow = Block(workspace, Z" + I(m.Last) + "Offset, OutputCount).Slice(r * OutputCount, OutputCount);");
            }

            EmitLossGradient(w, m, "a", "d");
            w.Close();
            w.Close();
            w.Line();
            w.Open("if (weights is not null)");
            w.Line("// Keras's sample_weight: the loss of row r is w·ℓ, so its delta (the gradient of w·ℓ) is w times ℓ's");
            w.Open("for (int r = from; r < to; r++)");
            w.Line("float weight = weights[rows[r]];");
            w.Line("loss[r] *= weight;");
            w.Open("if (gradient)");
            EmitWeightDelta(w, m, "deltas.Slice(r * OutputCount, OutputCount)", "weight");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>The last layer's delta row times its sample weight (the last operation on it, in every training path).</summary>
        private static void EmitWeightDelta(CodeWriter w, Layout m, string d, string weight)
        {
            if (m.Layers[m.Last].Units == 1)
            {
                w.Line(d + "[0] *= " + weight + ";");
            }
            else
            {
                w.Line("global::System.Numerics.Tensors.TensorPrimitives.Multiply(" + d + ", " + weight + ", " + d + ");");
            }
        }

        /// <summary>The accuracy kernel for this model's output and loss.</summary>
        private static string AccuracyCall(Layout m, string a, string target)
        {
            bool binary = m.Layers[m.Last].Units == 1;
            string accuracy = m.Model.Loss == Loss.SparseCategoricalCrossentropy ? "SparseCategoricalAccuracy" : binary ? "BinaryAccuracy" : "CategoricalAccuracy";
            return Kernels + "MetricKernels." + accuracy + "(" + a + ", " + target + ")";
        }

        /// <summary>LossRows: row r's metric columns.</summary>
        private static void EmitMetricColumns(CodeWriter w, Layout m, string a, string target)
        {
            var metrics = m.Model.Metrics;
            string Column(int c) => "metrics[(r * MetricColumns) + " + I(c) + "]";
            if ((metrics & Metric.Accuracy) != 0)
            {
                w.Line(Column(m.MetricColumn(Metric.Accuracy)) + " = " + AccuracyCall(m, a, target) + ";");
            }

            if ((metrics & Metric.MeanAbsoluteError) != 0)
            {
                w.Line(Column(m.MetricColumn(Metric.MeanAbsoluteError)) + " = " + Kernels + "MetricKernels.MeanAbsoluteError(" + a + ", " + target + ");");
            }

            if ((metrics & Metric.MeanSquaredError) != 0)
            {
                w.Line(Column(m.MetricColumn(Metric.MeanSquaredError)) + " = " + Kernels + "MetricKernels.MeanSquaredError(" + a + ", " + target + ");");
            }

            if (m.HasConfusion)
            {
                int c = m.MetricColumn(Metric.Auc);
                w.Line(Column(c) + " = " + a + "[0]; // counted by Sums (one thread per workspace)");
                w.Line(Column(c + 1) + " = " + target + "[0];");
            }
        }

        /// <summary>The fused row step's BatchStats arguments after the loss: the additive metric parts of one row.</summary>
        private static string MetricArguments(Layout m, string a, string target)
        {
            var metrics = m.Model.Metrics;
            string arguments = string.Empty;
            if ((metrics & Metric.Accuracy) != 0)
            {
                arguments += ", Hits: " + AccuracyCall(m, a, target);
            }

            if ((metrics & Metric.MeanAbsoluteError) != 0)
            {
                arguments += ", AbsoluteErrors: " + Kernels + "MetricKernels.MeanAbsoluteError(" + a + ", " + target + ")";
            }

            if ((metrics & Metric.MeanSquaredError) != 0)
            {
                arguments += ", SquaredErrors: " + Kernels + "MetricKernels.MeanSquaredError(" + a + ", " + target + ")";
            }

            return arguments;
        }

        /// <summary>Sums: the loss and metric sums of a block's first n rows, each one chain in row order continuing from <c>start</c>.</summary>
        private static void EmitSums(CodeWriter w, Layout m)
        {
            var metrics = m.Model.Metrics;
            w.Line("/// <summary>The loss and metric sums of the first <paramref name=\"n\"/> rows, in row order, each sum continuing the chain of <paramref name=\"start\"/>" + (m.HasConfusion ? "; the confusion counts (and AUC buckets, into the workspace's counters)" : string.Empty) + ".</summary>");
            w.Open("private static " + Training + "BatchStats Sums(" + Training + "Workspace workspace, int n, in " + Training + "BatchStats start)");
            w.Line(Span + " loss = Block(workspace, LossOffset, 1);");
            if (m.MetricColumns > 0)
            {
                w.Line(Span + " metrics = Block(workspace, MetricsOffset, MetricColumns);");
            }

            w.Line("double lossSum = start.LossSum, hits = start.Hits, absoluteErrors = start.AbsoluteErrors, squaredErrors = start.SquaredErrors;");
            if (m.HasConfusion)
            {
                w.Line("long truePositives = start.TruePositives, falsePositives = start.FalsePositives, falseNegatives = start.FalseNegatives;");
                if (m.HasAuc)
                {
                    w.Line("global::System.Span<long> buckets = workspace.Counters; // AUC: positives' then negatives' bucket counts");
                }
            }

            w.Open("for (int r = 0; r < n; r++)");
            w.Line("lossSum += loss[r];");
            string Column(int c) => "metrics[(r * MetricColumns) + " + I(c) + "]";
            if ((metrics & Metric.Accuracy) != 0)
            {
                w.Line("hits += " + Column(m.MetricColumn(Metric.Accuracy)) + ";");
            }

            if ((metrics & Metric.MeanAbsoluteError) != 0)
            {
                w.Line("absoluteErrors += " + Column(m.MetricColumn(Metric.MeanAbsoluteError)) + ";");
            }

            if ((metrics & Metric.MeanSquaredError) != 0)
            {
                w.Line("squaredErrors += " + Column(m.MetricColumn(Metric.MeanSquaredError)) + ";");
            }

            if (m.HasConfusion)
            {
                int c = m.MetricColumn(Metric.Auc);
                w.Line(Kernels + "MetricKernels.CountConfusion(" + Column(c) + ", " + Column(c + 1) + ", ref truePositives, ref falsePositives, ref falseNegatives, " + (m.HasAuc ? "buckets" : "default") + ");");
            }

            w.Close();
            w.Line();
            w.Line(m.HasConfusion
                ? "return new(lossSum, hits, absoluteErrors, squaredErrors, truePositives, falsePositives, falseNegatives);"
                : "return new(lossSum, hits, absoluteErrors, squaredErrors);");
            w.Close();
            w.Line();
        }

        /// <summary>The last layer's delta from the loss: fused with sigmoid/softmax for the cross-entropies.</summary>
        private static void EmitLossGradient(CodeWriter w, Layout m, string a, string d)
        {
            switch (m.Model.Loss)
            {
                case Loss.BinaryCrossentropy:
                    w.Line(Kernels + "LossKernels.BinaryCrossentropyGradient(" + a + ", target, " + d + "); // (sigmoid(z) - y) / outputs");
                    break;
                case Loss.CategoricalCrossentropy:
                    w.Line(Kernels + "LossKernels.CategoricalCrossentropyGradient(" + a + ", target, " + d + "); // softmax(z) - y");
                    break;
                case Loss.SparseCategoricalCrossentropy:
                    w.Line(Kernels + "LossKernels.SparseCategoricalCrossentropyGradient(" + a + ", target, " + d + "); // softmax(z) - onehot(label)");
                    break;
                case Loss.MeanAbsoluteError:
                case Loss.Huber:
                    w.Line(Kernels + "LossKernels." + m.Model.Loss + "Gradient(" + a + ", target, " + d + ");");
                    EmitOutputActivationBackward(w, m, a, d);
                    break;
                default:
                    w.Line(Kernels + "LossKernels.MeanSquaredErrorGradient(" + a + ", target, " + d + ");");
                    EmitOutputActivationBackward(w, m, a, d);
                    break;
            }
        }

        /// <summary>The output layer's activation backward under a regression loss: from its z row (<c>zRow</c>, in LossRows) for the z activations.</summary>
        private static void EmitOutputActivationBackward(CodeWriter w, Layout m, string a, string d)
        {
            var last = m.Layers[m.Last];
            if (last.KeepsZ)
            {
                w.Line(Kernels + "ActivationKernels." + last.Activation + "Backward(zRow, " + d + SlopeArgument(last) + ");");
            }
            else
            {
                EmitActivationBackward(w, last.Activation, a, d);
            }
        }
    }
}
