using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        private const string EmbeddingAttributeName = "EmbeddingAttribute";
        private const string PoolingAttributeName = "GlobalAveragePooling1DAttribute";

        /// <summary>
        /// Phase 3c: [Embedding] (before every [Dense] layer) and [GlobalAveragePooling1D] (right after it), the only sequence
        /// layers: an Embedding needs the pooling and the pooling needs an Embedding; the combinations the embedding's
        /// training does not support are diagnosed. Returns the embedding, or null when none is declared.
        /// </summary>
        private static EmbeddingSpec? ReadEmbedding(
            INamedTypeSymbol type,
            Location classLocation,
            SequentialOptions options,
            List<LayerSpec> layers,
            bool normalization,
            List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            EmbeddingSpec? embedding = null;
            Location? embeddingLocation = null;
            bool pooled = false;
            int dense = 0, denseBeforeEmbedding = 0;
            foreach (var attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsDense(attribute.AttributeClass))
                {
                    dense++;
                    continue;
                }

                var location = LocationOf(attribute, cancellationToken) ?? classLocation;
                if (IsRootAttribute(attribute.AttributeClass, EmbeddingAttributeName))
                {
                    if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not int inputDim || attribute.ConstructorArguments[1].Value is not int outputDim)
                    {
                        continue; // does not bind: the compiler reports it
                    }

                    bool maskZero = attribute.NamedArguments.Any(a => a.Key == "MaskZero" && a.Value.Value is true);
                    embeddingLocation = location;
                    denseBeforeEmbedding = dense;
                    if (dense > 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceLayerPosition, location, "Embedding", "must be the first layer: it turns the input token ids into vectors, and it follows " + Format(dense) + " [Dense] layer(s)"));
                    }

                    if (inputDim <= 0 || outputDim <= 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEmbeddingOption, location, inputDim <= 0 ? "inputDim" : "outputDim", Format(inputDim <= 0 ? inputDim : outputDim), inputDim <= 0 ? "the vocabulary size (largest id + 1) is at least 1" : "an embedding vector has at least 1 value"));
                    }
                    else if (maskZero && inputDim < 2)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEmbeddingOption, location, "inputDim", Format(inputDim), "with MaskZero the id 0 is padding, so the vocabulary needs at least one more id"));
                    }

                    embedding = new EmbeddingSpec(inputDim, outputDim, maskZero);
                    continue;
                }

                if (IsRootAttribute(attribute.AttributeClass, PoolingAttributeName))
                {
                    pooled = true;
                    string? problem = embedding is null ? "has no sequence to pool: declare [Embedding(inputDim, outputDim)] before it (the model's inputs are then token ids)"
                        : dense > denseBeforeEmbedding ? "must follow [Embedding] directly: the Dense layers take its pooled vectors"
                        : null;
                    if (problem is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceLayerPosition, location, "GlobalAveragePooling1D", problem));
                    }
                }
            }

            if (embedding is null)
            {
                return null;
            }

            var at = embeddingLocation ?? classLocation;
            if (!pooled)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceLayerPosition, at, "Embedding", "needs [GlobalAveragePooling1D] after it: a sequence of vectors must be pooled before the [Dense] layers"));
            }

            if (normalization || layers.Any(l => l.Norm != NormKind.None))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingUnsupported, at, "[Normalization], [BatchNormalization] and [LayerNormalization]", "they take numeric features; remove them or the Embedding"));
            }

            if (options.ClipNorm > 0 || options.GlobalClipNorm > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingUnsupported, at, "ClipNorm and GlobalClipNorm", "use ClipValue, or no clipping"));
            }

            return embedding;
        }
    }
}
