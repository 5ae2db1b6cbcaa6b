using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AotNet.Generator
{
    /// <summary>Turns a class with [Sequential] and [Dense] attributes into a <see cref="ModelSpec"/> plus diagnostics.</summary>
    internal static class Parser
    {
        public const string SequentialAttributeName = "AotNet.SequentialAttribute";
        private const string DenseAttributeName = "DenseAttribute";
        private const string DropoutAttributeName = "DropoutAttribute";
        private const string RootNamespace = "AotNet";

        public static bool IsCandidate(SyntaxNode node) =>
            node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var classLocation = declaration.Identifier.GetLocation();
            var diagnostics = new List<DiagnosticInfo>();
            string name = type.Name;

            if (type.ContainingType is not null || type.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NestedOrGeneric, classLocation, name, type.ContainingType is not null ? "nested" : "generic"));
                return Fail(diagnostics);
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, name));
            }

            if (type.IsStatic || type.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticOrAbstract, classLocation, name, type.IsStatic ? "static" : "abstract"));
            }

            var sequential = context.Attributes[0];
            if (sequential.ConstructorArguments.Length != 1 || sequential.ConstructorArguments[0].Value is not int inputs)
            {
                // The attribute does not bind (missing argument or type error): the compiler reports it.
                return Fail(diagnostics);
            }

            var sequentialLocation = LocationOf(sequential, cancellationToken) ?? classLocation;
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

            if (inputs <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputsNotPositive, sequentialLocation, name, Format(inputs)));
            }

            CheckEnum(diagnostics, sequentialLocation, "Loss", loss, 5);
            CheckEnum(diagnostics, sequentialLocation, "Optimizer", optimizer, 3);
            if ((metrics & ~63) != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, sequentialLocation, "Metric", Format(metrics)));
            }

            if (learningRate < 0 || double.IsNaN(learningRate) || double.IsInfinity(learningRate))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLearningRate, sequentialLocation, Format(learningRate)));
            }

            if (momentum < 0 || !(momentum < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMomentum, sequentialLocation, Format(momentum)));
            }

            var optimizerKind = (OptimizerKind)optimizer;
            if (momentumSet && momentum != 0 && optimizerKind != OptimizerKind.Sgd && optimizer <= 3)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "Momentum", "Sgd", optimizerKind.ToString()));
            }

            foreach (var (option, clip) in new[] { ("ClipValue", clipValue), ("ClipNorm", clipNorm), ("GlobalClipNorm", globalClipNorm) })
            {
                if (!(clip >= 0) || double.IsInfinity(clip))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClipping, sequentialLocation, option + " = " + Format(clip) + " is invalid: use a finite value > 0, or 0 for no clipping"));
                }
            }

            if ((clipValue > 0 ? 1 : 0) + (clipNorm > 0 ? 1 : 0) + (globalClipNorm > 0 ? 1 : 0) > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClipping, sequentialLocation, "only one of ClipValue, ClipNorm and GlobalClipNorm can be set, as in Keras"));
            }

            if (nesterov && optimizerKind != OptimizerKind.Sgd && optimizer <= 3)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "Nesterov", "Sgd", optimizerKind.ToString()));
            }

            if (legacyEpsilon && optimizerKind != OptimizerKind.RmsProp && optimizer <= 3)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredOption, sequentialLocation, "LegacyEpsilon", "RmsProp", optimizerKind.ToString()));
            }

            if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            {
                var at = NamedArgumentLocation(sequential, "WeightDecay", cancellationToken) ?? sequentialLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWeightDecay, at, Format(weightDecay)));
            }

            if (!weightDecaySet && optimizerKind == OptimizerKind.AdamW)
            {
                weightDecay = 0.004; // keras.optimizers.AdamW's default
            }

            // Dense layers: Roslyn returns attributes in source order.
            var layers = new List<LayerSpec>();
            var layerLocations = new List<Location>();
            var dropouts = new List<(int Layer, double Rate, Location Location)>();
            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsRootAttribute(attribute.AttributeClass, DropoutAttributeName))
                {
                    if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not double rate)
                    {
                        return Fail(diagnostics); // does not bind: the compiler reports it
                    }

                    var dropoutLocation = LocationOf(attribute, cancellationToken) ?? classLocation;
                    if (!(rate >= 0 && rate < 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropoutRate, dropoutLocation, Format(rate)));
                    }

                    dropouts.Add((layers.Count - 1, rate, dropoutLocation));
                    continue;
                }

                if (!IsDense(attribute.AttributeClass))
                {
                    continue;
                }

                if (attribute.ConstructorArguments.Length != 2 ||
                    attribute.ConstructorArguments[0].Value is not int units ||
                    attribute.ConstructorArguments[1].Value is not int activation)
                {
                    return Fail(diagnostics); // does not bind: the compiler reports it
                }

                var location = LocationOf(attribute, cancellationToken) ?? classLocation;
                int index = layers.Count;
                if (units <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnitsNotPositive, location, Format(index), Format(units)));
                }

                CheckEnum(diagnostics, location, "Activation", activation, 10);
                double kernelL1 = 0, kernelL2 = 0, biasL1 = 0, biasL2 = 0, negativeSlope = 0.2;
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Value.Value is not double factor)
                    {
                        continue;
                    }

                    switch (argument.Key)
                    {
                        case "KernelL1": kernelL1 = factor; break;
                        case "KernelL2": kernelL2 = factor; break;
                        case "BiasL1": biasL1 = factor; break;
                        case "BiasL2": biasL2 = factor; break;
                        case "NegativeSlope":
                            negativeSlope = factor;
                            if (double.IsNaN(factor) || double.IsInfinity(factor))
                            {
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSlope, location, Format(factor)));
                            }
                            else if (activation != (int)ActivationKind.LeakyRelu)
                            {
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredLayerOption, location, "NegativeSlope", "Activation.LeakyRelu"));
                            }

                            continue;
                        default: continue;
                    }

                    if (!(factor >= 0) || double.IsInfinity(factor))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidRegularizer, location, argument.Key, Format(factor)));
                    }
                }

                layers.Add(new LayerSpec(units, (ActivationKind)activation, 0, kernelL1, kernelL2, biasL1, biasL2, negativeSlope));
                layerLocations.Add(location);
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, name));
                return Fail(diagnostics);
            }

            for (int d = 0; d < dropouts.Count; d++)
            {
                var (layer, rate, dropoutLocation) = dropouts[d];
                string? problem = layer < 0 ? "before the first Dense layer (dropout on the inputs is not supported)"
                    : layer == layers.Count - 1 ? "after the last Dense layer (dropout on the outputs is not supported)"
                    : d > 0 && dropouts[d - 1].Layer == layer ? "right after another Dropout (use one Dropout with the combined rate)"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutPosition, dropoutLocation, problem));
                }
                else if (rate > 0 && rate < 1)
                {
                    layers[layer] = layers[layer] with { Dropout = rate };
                }
            }

            for (int i = 0; i < layers.Count - 1; i++)
            {
                if (layers[i].Activation == ActivationKind.Softmax)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HiddenSoftmax, layerLocations[i], Format(i)));
                }
            }

            var last = layers[layers.Count - 1];
            var lastLocation = layerLocations[layers.Count - 1];
            var lossKind = (LossKind)loss;
            foreach (var errorMetric in new[] { MetricFlags.MeanAbsoluteError, MetricFlags.MeanSquaredError })
            {
                if ((metrics & (int)errorMetric) != 0 && lossKind == LossKind.SparseCategoricalCrossentropy)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MetricDoesNotFitLoss, sequentialLocation, errorMetric.ToString(), "SparseCategoricalCrossentropy", "its targets are class indices, not values to compare with the outputs; use Metric.Accuracy"));
                }
            }

            foreach (var thresholdMetric in new[] { MetricFlags.Auc, MetricFlags.Precision, MetricFlags.Recall })
            {
                if ((metrics & (int)thresholdMetric) == 0)
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

            if ((metrics & 1) != 0 && lossKind is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber &&
                last.Activation is not (ActivationKind.Sigmoid or ActivationKind.Softmax))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AccuracyOnRegression, sequentialLocation, lossKind.ToString(), last.Activation.ToString()));
            }

            string lastUnits = Format(last.Units) + (last.Units == 1 ? " unit" : " units");
            string lastActivation = last.Activation.ToString();
            switch ((LossKind)loss)
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

            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                {
                    return Fail(diagnostics);
                }
            }

            if (learningRate == 0)
            {
                learningRate = optimizerKind == OptimizerKind.Sgd ? 0.01 : 0.001;
            }

            if (weightDecay * learningRate >= 1)
            {
                var at = NamedArgumentLocation(sequential, "WeightDecay", cancellationToken) ?? sequentialLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightDecayTooLarge, at, Format(weightDecay), Format(learningRate), Format(1 - (weightDecay * learningRate))));
            }

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            var model = new ModelSpec(
                ns,
                name,
                type.IsRecord,
                inputs,
                new EquatableArray<LayerSpec>(layers.ToArray()),
                (LossKind)loss,
                optimizerKind,
                learningRate,
                (MetricFlags)metrics,
                legacyEpsilon,
                momentum,
                nesterov && momentum > 0,
                clipValue,
                clipNorm,
                globalClipNorm,
                weightDecay);
            return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        private static ParseResult Fail(List<DiagnosticInfo> diagnostics) =>
            new(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private static bool IsDense(INamedTypeSymbol? attribute) => IsRootAttribute(attribute, DenseAttributeName);

        private static bool IsRootAttribute(INamedTypeSymbol? attribute, string name) =>
            attribute is { ContainingType: null } && attribute.Name == name &&
            attribute.ContainingNamespace is { Name: RootNamespace } ns &&
            ns.ContainingNamespace is { IsGlobalNamespace: true };

        /// <summary>The named argument <c>name = …</c> of an attribute's application, or null.</summary>
        private static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
            {
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.GetLocation();
                    }
                }
            }

            return null;
        }

        private static Location? LocationOf(AttributeData attribute, CancellationToken cancellationToken) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

        private static void CheckEnum(List<DiagnosticInfo> diagnostics, Location location, string enumName, int value, int max)
        {
            if (value < 0 || value > max)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, location, enumName, Format(value)));
            }
        }

        private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
