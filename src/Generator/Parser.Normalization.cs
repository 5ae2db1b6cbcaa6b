using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        private const string NormalizationAttributeName = "NormalizationAttribute";
        private const string BatchNormalizationAttributeName = "BatchNormalizationAttribute";
        private const string LayerNormalizationAttributeName = "LayerNormalizationAttribute";

        /// <summary>
        /// Phase 3b: [Normalization] (the input preprocessing layer, first) and [BatchNormalization]/[LayerNormalization]
        /// (after a hidden Dense layer) in source order, placed onto the dense layers; the combinations the whole-batch
        /// training path does not support are diagnosed. Returns whether the model has a [Normalization] layer.
        /// </summary>
        private static bool ReadNormalizations(
            INamedTypeSymbol type,
            Location classLocation,
            SequentialOptions options,
            List<LayerSpec> layers,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            bool normalization = false;
            int dense = 0;
            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsDense(attribute.AttributeClass))
                {
                    dense++;
                    continue;
                }

                var location = LocationOf(attribute, cancellationToken) ?? classLocation;
                if (IsRootAttribute(attribute.AttributeClass, NormalizationAttributeName))
                {
                    normalization = true;
                    if (dense > 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NormalizationNotFirst, location, "it follows " + Format(dense) + " of them"));
                    }

                    continue;
                }

                bool batch = IsRootAttribute(attribute.AttributeClass, BatchNormalizationAttributeName);
                if (!batch && !IsRootAttribute(attribute.AttributeClass, LayerNormalizationAttributeName))
                {
                    continue;
                }

                string name = batch ? "BatchNormalization" : "LayerNormalization";
                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int activation)
                {
                    continue; // does not bind: the compiler reports it
                }

                double momentum = 0.99, epsilon = 1e-3;
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Value.Value is double value)
                    {
                        if (argument.Key == "Momentum")
                        {
                            momentum = value;
                        }
                        else if (argument.Key == "Epsilon")
                        {
                            epsilon = value;
                        }
                    }
                }

                if (!(momentum >= 0 && momentum < 1))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidNormalizationOption, location, name, "Momentum", Format(momentum), "the momentum of the moving statistics is in [0, 1) (Keras's default 0.99)"));
                }

                if (!(epsilon > 0) || double.IsInfinity(epsilon))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidNormalizationOption, location, name, "Epsilon", Format(epsilon), "use a finite value > 0 (Keras 3's default 1e-3)"));
                }

                var normActivation = (Activation)activation;
                CheckEnum(diagnostics, location, "Activation", normActivation);
                int layer = dense - 1;
                string? problem = layer < 0 ? "is declared before the first [Dense] layer: it normalises a Dense layer's outputs; for the input features use [Normalization]"
                    : layer >= layers.Count ? null
                    : layer == layers.Count - 1 ? "follows the output layer: declare it after a hidden [Dense] layer (the output layer's activation feeds the loss)"
                    : layers[layer].Norm != NormKind.None ? "follows another normalisation layer on the same [Dense] layer"
                    : !IsPointwise(layers[layer].Activation) ? "follows a Dense layer with Activation." + layers[layer].Activation + ": declare the Dense layer linear (or relu, sigmoid, tanh) and give the activation to [" + name + "(Activation." + layers[layer].Activation + ")] instead, if it is one of those"
                    : !IsPointwise(normActivation) ? "has Activation." + normActivation + ": after a normalisation layer use Linear, Relu, Sigmoid or Tanh"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NormalizationLayerPosition, location, name, problem));
                    continue;
                }

                if (layer < layers.Count)
                {
                    layers[layer] = layers[layer] with { Norm = batch ? NormKind.Batch : NormKind.Layer, NormActivation = normActivation, NormMomentum = momentum, NormEpsilon = epsilon };
                }
            }

            if (layers.Any(l => l.Norm != NormKind.None))
            {
                var location = classLocation;
                if (layers.Any(l => l.Dropout > 0))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NormalizationUnsupported, location, "[Dropout]", "remove it or the normalisation layers"));
                }

                if (options.ClipNorm > 0 || options.GlobalClipNorm > 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NormalizationUnsupported, location, "ClipNorm and GlobalClipNorm", "use ClipValue, or no clipping"));
                }

                if (layers.FirstOrDefault(l => l.KeepsZ) is { KeepsZ: true } layer)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NormalizationUnsupported, location, "Activation." + layer.Activation + " on a Dense layer", "use Linear, Relu, Sigmoid or Tanh (and Softmax on the output layer)"));
                }
            }

            return normalization;
        }

        /// <summary>The activations a normalised layer supports around it: computed and differentiated from their outputs alone.</summary>
        private static bool IsPointwise(Activation activation) =>
            activation is Activation.Linear or Activation.Relu or Activation.Sigmoid or Activation.Tanh;
    }
}
