using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        /// <summary>The [Sequential] attribute's named arguments as declared (enums not yet checked; AdamW's default weight decay applied).</summary>
        private sealed record SequentialOptions(
            int Inputs,
            Loss Loss,
            Optimizer Optimizer,
            Metric Metrics,
            double LearningRate,
            double Momentum,
            bool MomentumSet,
            bool LegacyEpsilon,
            bool Nesterov,
            double ClipValue,
            double ClipNorm,
            double GlobalClipNorm,
            double WeightDecay);

        /// <summary>Phase 1: the options record of the [Sequential] attribute.</summary>
        private static SequentialOptions ReadOptions(AttributeData sequential, int inputs)
        {
            int loss = 0, optimizer = 0, metrics = 0;
            double learningRate = 0, momentum = 0;
            bool legacyEpsilon = false, momentumSet = false, nesterov = false;
            double clipValue = 0, clipNorm = 0, globalClipNorm = 0, weightDecay = 0;
            bool weightDecaySet = false;
            foreach (var argument in sequential.NamedArguments)
            {
                var value = argument.Value.Value;
                switch (argument.Key)
                {
                    case "Loss" when value is int i:
                        loss = i;
                        break;
                    case "Optimizer" when value is int i:
                        optimizer = i;
                        break;
                    case "Metrics" when value is int i:
                        metrics = i;
                        break;
                    case "LearningRate" when value is double d:
                        learningRate = d;
                        break;
                    case "Momentum" when value is double d:
                        momentum = d;
                        momentumSet = true;
                        break;
                    case "LegacyEpsilon" when value is bool b:
                        legacyEpsilon = b;
                        break;
                    case "Nesterov" when value is bool b:
                        nesterov = b;
                        break;
                    case "ClipValue" when value is double d:
                        clipValue = d;
                        break;
                    case "ClipNorm" when value is double d:
                        clipNorm = d;
                        break;
                    case "GlobalClipNorm" when value is double d:
                        globalClipNorm = d;
                        break;
                    case "WeightDecay" when value is double d:
                        weightDecay = d;
                        weightDecaySet = true;
                        break;
                }
            }

            if (!weightDecaySet && (Optimizer)optimizer == Optimizer.AdamW)
            {
                weightDecay = 0.004; // keras.optimizers.AdamW's default
            }

            return new SequentialOptions(
                inputs, (Loss)loss, (Optimizer)optimizer, (Metric)metrics, learningRate, momentum, momentumSet,
                legacyEpsilon, nesterov, clipValue, clipNorm, globalClipNorm, weightDecay);
        }

        /// <summary>Phase 2: each option on its own and the options that do not go together.</summary>
        private static void ValidateOptions(SequentialOptions options, string name, AttributeData sequential, Location sequentialLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (options.Inputs <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputsNotPositive, sequentialLocation, name, Format(options.Inputs)));
            }

            bool knownOptimizer = IsDefined(options.Optimizer);
            CheckEnum(diagnostics, sequentialLocation, "Loss", options.Loss);
            CheckEnum(diagnostics, sequentialLocation, "Optimizer", options.Optimizer);
            if ((options.Metrics & ~AllMetrics) != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, sequentialLocation, "Metric", Format((int)options.Metrics)));
            }

            double learningRate = options.LearningRate, momentum = options.Momentum;
            if (learningRate < 0 || double.IsNaN(learningRate) || double.IsInfinity(learningRate))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLearningRate, sequentialLocation, Format(learningRate)));
            }

            if (momentum < 0 || !(momentum < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMomentum, sequentialLocation, Format(momentum)));
            }

            var optimizerKind = options.Optimizer;
            if (options.MomentumSet && momentum != 0 && optimizerKind != Optimizer.Sgd && knownOptimizer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "Momentum", "Sgd", optimizerKind.ToString()));
            }

            foreach (var (option, clip) in new[] { ("ClipValue", options.ClipValue), ("ClipNorm", options.ClipNorm), ("GlobalClipNorm", options.GlobalClipNorm) })
            {
                if (!(clip >= 0) || double.IsInfinity(clip))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClipping, sequentialLocation, option + " = " + Format(clip) + " is invalid: use a finite value > 0, or 0 for no clipping"));
                }
            }

            if ((options.ClipValue > 0 ? 1 : 0) + (options.ClipNorm > 0 ? 1 : 0) + (options.GlobalClipNorm > 0 ? 1 : 0) > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClipping, sequentialLocation, "only one of ClipValue, ClipNorm and GlobalClipNorm can be set, as in Keras"));
            }

            if (options.Nesterov && optimizerKind != Optimizer.Sgd && knownOptimizer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "Nesterov", "Sgd", optimizerKind.ToString()));
            }

            if (options.LegacyEpsilon && optimizerKind != Optimizer.RmsProp && knownOptimizer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "LegacyEpsilon", "RmsProp", optimizerKind.ToString()));
            }

            foreach (var (option, value) in new[] { ("LearningRate", learningRate), ("ClipValue", options.ClipValue), ("ClipNorm", options.ClipNorm), ("GlobalClipNorm", options.GlobalClipNorm), ("WeightDecay", options.WeightDecay) })
            {
                CheckFloat(diagnostics, NamedArgumentLocation(sequential, option, cancellationToken) ?? sequentialLocation, option, value);
            }

            double weightDecay = options.WeightDecay;
            if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            {
                var at = NamedArgumentLocation(sequential, "WeightDecay", cancellationToken) ?? sequentialLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWeightDecay, at, Format(weightDecay)));
            }
        }
    }
}
