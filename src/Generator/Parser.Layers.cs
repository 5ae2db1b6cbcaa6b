using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        /// <summary>
        /// Phase 3: the [Dense] and [Dropout] attributes in source order (Roslyn returns them so): each layer with its options,
        /// each dropout with the layer it follows. False when an attribute does not bind (the compiler reports it).
        /// </summary>
        private static bool ReadLayers(
            INamedTypeSymbol type,
            Location classLocation,
            List<LayerSpec> layers,
            List<Location> layerLocations,
            List<(int Layer, double Rate, Location Location)> dropouts,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsRootAttribute(attribute.AttributeClass, DropoutAttributeName))
                {
                    if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not double rate)
                    {
                        return false; // does not bind: the compiler reports it
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
                    return false; // does not bind: the compiler reports it
                }

                var location = LocationOf(attribute, cancellationToken) ?? classLocation;
                layers.Add(ReadDense(attribute, layers.Count, units, activation, location, diagnostics));
                layerLocations.Add(location);
            }

            return true;
        }

        /// <summary>One [Dense] attribute: its units, activation and named options, each checked.</summary>
        private static LayerSpec ReadDense(AttributeData attribute, int index, int units, int activation, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (units <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnitsNotPositive, location, Format(index), Format(units)));
            }

            CheckEnum(diagnostics, location, "Activation", (Activation)activation);
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
                        CheckFloat(diagnostics, location, argument.Key, factor);
                        if (double.IsNaN(factor) || double.IsInfinity(factor))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSlope, location, Format(factor)));
                        }
                        else if (activation != (int)Activation.LeakyRelu)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredLayerOption, location, "NegativeSlope", "Activation.LeakyRelu"));
                        }

                        continue;
                    default: continue;
                }

                CheckFloat(diagnostics, location, argument.Key, factor);
                if (!(factor >= 0) || double.IsInfinity(factor))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidRegularizer, location, argument.Key, Format(factor)));
                }
            }

            return new LayerSpec(units, (Activation)activation, 0, kernelL1, kernelL2, biasL1, biasL2, negativeSlope);
        }

        /// <summary>Each dropout's rate onto the layer it follows (not before the first or after the last, not twice in a row).</summary>
        private static void PlaceDropouts(List<LayerSpec> layers, List<(int Layer, double Rate, Location Location)> dropouts, List<DiagnosticInfo> diagnostics)
        {
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
        }
    }
}
