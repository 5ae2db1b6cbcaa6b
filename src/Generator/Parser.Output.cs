using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        /// <summary>Phase 4: hidden softmax, and the last layer against the loss and the metrics.</summary>
        private static void CheckOutput(SequentialOptions options, List<LayerSpec> layers, List<Location> layerLocations, Location sequentialLocation, List<DiagnosticInfo> diagnostics)
        {
            for (int i = 0; i < layers.Count - 1; i++)
            {
                if (layers[i].Activation == Activation.Softmax)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HiddenSoftmax, layerLocations[i], Format(i)));
                }
            }

            var last = layers[layers.Count - 1];
            var lastLocation = layerLocations[layers.Count - 1];
            var lossKind = options.Loss;
            var metrics = options.Metrics;
            foreach (var errorMetric in new[] { Metric.MeanAbsoluteError, Metric.MeanSquaredError })
            {
                if ((metrics & errorMetric) != 0 && lossKind == Loss.SparseCategoricalCrossentropy)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MetricDoesNotFitLoss, sequentialLocation, errorMetric.ToString(), "SparseCategoricalCrossentropy", "its targets are class indices, not values to compare with the outputs; use Metric.Accuracy"));
                }
            }

            foreach (var thresholdMetric in new[] { Metric.Auc, Metric.Precision, Metric.Recall })
            {
                if ((metrics & thresholdMetric) == 0)
                {
                    continue;
                }

                if (last.Units != 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MetricNeedsOneOutput, sequentialLocation, thresholdMetric.ToString(), Format(last.Units) + " units"));
                }
                else if (last.Activation != Activation.Sigmoid)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ThresholdMetricOnNonProbability, sequentialLocation, thresholdMetric.ToString(), last.Activation.ToString().ToLowerInvariant()));
                }
            }

            if ((metrics & Metric.Accuracy) != 0 && lossKind is Loss.MeanSquaredError or Loss.MeanAbsoluteError or Loss.Huber &&
                last.Activation is not (Activation.Sigmoid or Activation.Softmax))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AccuracyOnRegression, sequentialLocation, lossKind.ToString(), last.Activation.ToString()));
            }

            string lastUnits = Format(last.Units) + (last.Units == 1 ? " unit" : " units");
            string lastActivation = last.Activation.ToString();
            switch (lossKind)
            {
                case Loss.BinaryCrossentropy when last.Units != 1 || last.Activation != Activation.Sigmoid:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossentropyNeedsSigmoid, lastLocation, lastUnits, lastActivation));
                    break;
                case Loss.CategoricalCrossentropy when last.Units < 2 || last.Activation != Activation.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CategoricalCrossentropyNeedsSoftmax, lastLocation, lastUnits, lastActivation));
                    break;
                case Loss.SparseCategoricalCrossentropy when last.Units < 2 || last.Activation != Activation.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SparseCrossentropyNeedsSoftmax, lastLocation, lastUnits, lastActivation));
                    break;
                case Loss.MeanSquaredError when last.Activation is Activation.Sigmoid or Activation.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.SquashedOutputUnderMeanSquaredError,
                        lastLocation,
                        lastActivation,
                        last.Activation == Activation.Sigmoid ? "BinaryCrossentropy" : "CategoricalCrossentropy"));
                    break;
            }
        }

        /// <summary>
        /// The parameter block and a training workspace (<see cref="ModelLimits.ChunkRows"/> rows of the layout's floats per row)
        /// must each fit in one array: the sizes of the one <see cref="Emitter.Layout"/> the emitter writes.
        /// </summary>
        private static void CheckSize(Emitter.Layout layout, Location classLocation, List<DiagnosticInfo> diagnostics)
        {
            string name = layout.Model.ClassName;
            long workspace = layout.WorkspaceFloats * ModelLimits.ChunkRows;
            if (layout.ParameterCount > ModelLimits.MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, classLocation, name, Format(layout.ParameterCount) + " parameters", Format(ModelLimits.MaxArrayLength)));
            }
            else if (workspace > ModelLimits.MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooManyParameters,
                    classLocation,
                    name,
                    Format(workspace) + " workspace floats (" + Format(ModelLimits.ChunkRows) + " rows of " + Format(layout.WorkspaceFloats) + ")",
                    Format(ModelLimits.MaxArrayLength)));
            }
        }
    }
}
