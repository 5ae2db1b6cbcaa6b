namespace AotNet.Generator
{
    /// <summary>
    /// Keras's Embedding (first layer) with GlobalAveragePooling1D: the inputs are token ids (a TokenMatrix of InputCount ids
    /// per row); LoadInputs pools each row's embedding vectors into the Pooled block, which the first Dense layer reads like
    /// dense inputs; the chunk pass ends with the scatter-add of the pooled gradient into embedding.embeddings (at offset 0 of
    /// the parameter block, so the optimizer steps every row, as Keras's do).
    /// </summary>
    internal static partial class Emitter
    {
        private static string EmbeddingTitle(ModelSpec model) => model.Embedding is not { } e ? string.Empty
            : " ids → embedding " + I(e.InputDim) + "×" + I(e.OutputDim) + (e.MaskZero ? " mask_zero" : string.Empty) + " → global_average_pooling1d";

        private static void EmitEmbeddingLayout(CodeWriter w, Layout m)
        {
            if (m.Model.Embedding is not { } e)
            {
                return;
            }

            w.Line("/// <summary>embedding.embeddings [EmbeddingInputs, EmbeddingOutputs] at the start of the parameter block: a row per token id.</summary>");
            w.Line("public const int EmbeddingInputs = " + I(e.InputDim) + ", EmbeddingOutputs = " + I(e.OutputDim) + ", EmbeddingOffset = 0, EmbeddingLength = EmbeddingInputs * EmbeddingOutputs;");
            w.Line("private const int PooledOffset = " + I(m.PooledOffset) + "; // global_average_pooling1d's outputs, the first Dense layer's inputs (their gradients in the backward)");
            w.Line("private const int PoolCountOffset = " + I(m.PooledOffset + e.OutputDim) + "; // each row's count of pooled positions");
        }

        /// <summary>LoadInputs (the pooling) and EmbeddingBackward (the scatter-add).</summary>
        private static void EmitEmbeddingInputs(CodeWriter w, Layout m)
        {
            string mask = m.Model.Embedding!.Value.MaskZero ? "true" : "false";
            w.Lines($$"""
                /// <summary>Embedding and GlobalAveragePooling1D: each row's pooled embedding vector into the Pooled block, its count of positions beside.</summary>
                private void LoadInputs({{Features}} inputs, global::System.ReadOnlySpan<int> rows, {{Training}}Workspace workspace)
                {
                    var tokens = inputs.Tokens!; // CheckData: token sequences of InputCount ids below EmbeddingInputs
                    {{ReadOnlySpan}} embeddings = new(_parameters, EmbeddingOffset, EmbeddingLength);
                    {{Span}} pooled = Block(workspace, PooledOffset, EmbeddingOutputs);
                    {{Span}} counts = Block(workspace, PoolCountOffset, 1);
                    for (int r = 0; r < rows.Length; r++)
                    {
                        counts[r] = {{Kernels}}EmbeddingKernels.PoolRow(tokens.Row(rows[r]), embeddings, EmbeddingOutputs, pooled.Slice(r * EmbeddingOutputs, EmbeddingOutputs), maskZero: {{mask}});
                    }
                }

                /// <summary>
                /// The embedding's gradient over the chunk's rows: the pooled vectors' gradient (dense_0's delta times its kernel, written over
                /// the Pooled block), divided by each row's count and added to the rows of embedding.embeddings its ids name, rows in order and
                /// each row's positions in order (from +0 for the chunk; with <paramref name="accumulate"/> then added to <paramref name="gradient"/>).
                /// </summary>
                private void EmbeddingBackward({{Features}} inputs, global::System.ReadOnlySpan<int> rows, {{Training}}Workspace workspace, int n, {{Span}} gradient, bool accumulate)
                {
                    var tokens = inputs.Tokens!;
                    {{ReadOnlySpan}} d = Block(workspace, Delta0Offset, Dense0Units);
                    {{Span}} dPooled = Block(workspace, PooledOffset, EmbeddingOutputs);
                    {{Kernels}}MatrixKernels.BackwardInput(d, Dense0Units, new {{ReadOnlySpan}}(_parameters, Dense0KernelOffset, Dense0KernelLength), Dense0Units, dPooled, EmbeddingOutputs, default, n, Dense0Inputs, Dense0Units);
                    {{ReadOnlySpan}} counts = Block(workspace, PoolCountOffset, 1);
                    {{Span}} target = gradient.Slice(EmbeddingOffset, EmbeddingLength);
                    {{Span}} chunk = accumulate ? (_embeddingScratch ??= new float[EmbeddingLength]) : target;
                    chunk.Clear();
                    for (int r = 0; r < n; r++)
                    {
                        {{Kernels}}EmbeddingKernels.ScatterRow(tokens.Row(rows[r]), dPooled.Slice(r * EmbeddingOutputs, EmbeddingOutputs), counts[r], chunk, EmbeddingOutputs, maskZero: {{mask}});
                    }

                    if (accumulate)
                    {
                        global::System.Numerics.Tensors.TensorPrimitives.Add(target, chunk, target);
                    }
                }

                """);
        }

        /// <summary>CheckData of an Embedding model: token sequences of the declared length, ids below the vocabulary, no padding-only row under MaskZero.</summary>
        private static void EmitEmbeddingChecks(CodeWriter w, Layout m)
        {
            if (m.Model.Embedding is not { } e)
            {
                return;
            }

            string name = m.Model.ClassName;
            w.Lines($$"""
                if (inputs?.Tokens is not { } tokens)
                {
                    throw new global::System.ArgumentException("{{name}} needs token sequences (a TokenMatrix of " + InputCount + " ids per row, e.g. TokenMatrix.Pad(sequences, " + InputCount + ")), not a feature matrix", nameof(inputs));
                }

                if (tokens.Length != InputCount)
                {
                    throw new global::System.ArgumentException("{{name}} takes sequences of " + InputCount + " token ids, not " + tokens.Length + ": pad or cut them with TokenMatrix.Pad(sequences, " + InputCount + ")", nameof(inputs));
                }

                if (tokens.MaxId >= EmbeddingInputs)
                {
                    throw new global::System.ArgumentException("row " + tokens.RowOf(tokens.MaxId) + " holds the token id " + tokens.MaxId + ": {{name}}'s Embedding takes ids below " + EmbeddingInputs + " (keep the most frequent words, e.g. num_words = " + EmbeddingInputs + ")", nameof(inputs));
                }

                """);
            if (e.MaskZero)
            {
                w.Lines($$"""
                    if (tokens.FirstEmptyRow >= 0)
                    {
                        throw new global::System.ArgumentException("row " + tokens.FirstEmptyRow + " holds only padding (id 0): with MaskZero its average over no position is 0/0 (NaN in Keras)", nameof(inputs));
                    }

                    """);
            }
        }

        /// <summary>Offsets of the embedding's workspace blocks, and the first Dense layer's inputs.</summary>
        internal sealed partial class Layout
        {
            /// <summary>The first Dense layer's input width: the input features, or the embedding's vectors.</summary>
            public string FirstInputs => Model.Embedding is null ? "InputCount" : "EmbeddingOutputs";

            /// <summary>The block the first Dense layer reads: the gathered inputs, or the pooled embedding vectors.</summary>
            public string FirstInputBlock => Model.Embedding is null ? "workspace.InputBlock(InputCount)" : "Block(workspace, PooledOffset, EmbeddingOutputs)";

            /// <summary>The offset of the pooled vectors (the count per row follows), or −1.</summary>
            public long PooledOffset { get; private set; } = -1;

            private void LayoutEmbedding()
            {
                if (Model.Embedding is { } e)
                {
                    PooledOffset = WorkspaceFloats;
                    WorkspaceFloats += e.OutputDim + 1;
                }
            }
        }
    }
}
