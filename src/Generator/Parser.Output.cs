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
                if (layers[i].Activation == ActivationKind.Softmax)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HiddenSoftmax, layerLocations[i], Format(i)));
                }
            }

            var last = layers[layers.Count - 1];
            var lastLocation = layerLocations[layers.Count - 1];
            var lossKind = options.Loss;
            var metrics = options.Metrics;
            foreach (var errorMetric in new[] { MetricFlags.MeanAbsoluteError, MetricFlags.MeanSquaredError })
            {
                if ((metrics & errorMetric) != 0 && lossKind == LossKind.SparseCategoricalCrossentropy)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MetricDoesNotFitLoss, sequentialLocation, errorMetric.ToString(), "SparseCategoricalCrossentropy", "its targets are class indices, not values to compare with the outputs; use Metric.Accuracy"));
                }
            }

            foreach (var thresholdMetric in new[] { MetricFlags.Auc, MetricFlags.Precision, MetricFlags.Recall })
            {
                if ((metrics & thresholdMetric) == 0)
                {
                    continue;
                }

                if (last.Units != 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MetricNeedsOneOutput, sequentialLocation, thresholdMetric.ToString(), Format(last.Units) + " units"));
                }
                else if (last.Activation != ActivationKind.Sigmoid)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ThresholdMetricOnNonProbability, sequentialLocation, thresholdMetric.ToString(), last.Activation.ToString().ToLowerInvariant()));
                }
            }

            if ((metrics & MetricFlags.Accuracy) != 0 && lossKind is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber &&
                last.Activation is not (ActivationKind.Sigmoid or ActivationKind.Softmax))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AccuracyOnRegression, sequentialLocation, lossKind.ToString(), last.Activation.ToString()));
            }

            string lastUnits = Format(last.Units) + (last.Units == 1 ? " unit" : " units");
            string lastActivation = last.Activation.ToString();
            switch (lossKind)
            {
                case LossKind.BinaryCrossentropy when last.Units != 1 || last.Activation != ActivationKind.Sigmoid:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossentropyNeedsSigmoid, lastLocation, lastUnits, lastActivation));
                    break;
                case LossKind.CategoricalCrossentropy when last.Units < 2 || last.Activation != ActivationKind.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CategoricalCrossentropyNeedsSoftmax, lastLocation, lastUnits, lastActivation));
                    break;
                case LossKind.SparseCategoricalCrossentropy when last.Units < 2 || last.Activation != ActivationKind.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SparseCrossentropyNeedsSoftmax, lastLocation, lastUnits, lastActivation));
                    break;
                case LossKind.MeanSquaredError when last.Activation is ActivationKind.Sigmoid or ActivationKind.Softmax:
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.SquashedOutputUnderMeanSquaredError,
                        lastLocation,
                        lastActivation,
                        last.Activation == ActivationKind.Sigmoid ? "BinaryCrossentropy" : "CategoricalCrossentropy"));
                    break;
            }
        }

        /// <summary>The parameter block and a row's workspace must fit in one array.</summary>
        private static void CheckSize(int inputs, List<LayerSpec> layers, string name, Location classLocation, List<DiagnosticInfo> diagnostics)
        {
            long parameters = 0, workspace = 0;
            int fanIn = inputs;
            foreach (var layer in layers)
            {
                parameters += ((long)fanIn * layer.Units) + layer.Units;
                workspace += 3L * layer.Units;
                fanIn = layer.Units;
            }

            if (parameters > Emitter.MaxArrayLength || workspace > Emitter.MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, classLocation, name, Format(parameters), Format(Emitter.MaxArrayLength)));
            }
        }
    }
}
