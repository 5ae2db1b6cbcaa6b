using System.Numerics.Tensors;

namespace AotNet.Kernels;

/// <summary>
/// Keras's Embedding followed by GlobalAveragePooling1D, per row of token ids: the forward gathers and averages embedding
/// rows, the backward scatter-adds the pooled gradient into the rows it read. Every sum runs over the row's positions in
/// ascending order with element-wise operations only, so the bits do not depend on the vector width; the trainer sums rows
/// in row order within a chunk and chunks in chunk order (docs/determinism.md), so each embedding row's gradient is one
/// fixed order of additions for any thread count.
/// </summary>
public static class EmbeddingKernels
{
    /// <summary>
    /// <paramref name="pooled"/> = the sum of <c>embeddings[id]</c> over the row's positions in order (with
    /// <paramref name="maskZero"/> the ids ≠ 0 only), from +0, divided by their count (Keras's
    /// <c>ops.sum(where(mask, x, 0)) / ops.sum(mask)</c>, or <c>ops.mean</c> without a mask). Returns the count.
    /// </summary>
    public static int PoolRow(ReadOnlySpan<int> ids, ReadOnlySpan<float> embeddings, int dim, Span<float> pooled, bool maskZero)
    {
        pooled = pooled[..dim];
        pooled.Clear();
        int count = 0;
        foreach (int id in ids)
        {
            if (maskZero && id == 0)
            {
                continue;
            }

            TensorPrimitives.Add(pooled, embeddings.Slice(id * dim, dim), pooled);
            count++;
        }

        TensorPrimitives.Divide(pooled, count, pooled);
        return count;
    }

    /// <summary>
    /// The backward of <see cref="PoolRow"/>: <c>g = dPooled / count</c> (written over <paramref name="dPooled"/>), then
    /// <c>gradient[id] += g</c> for each position in order (the ids <see cref="PoolRow"/> counted).
    /// </summary>
    public static void ScatterRow(ReadOnlySpan<int> ids, Span<float> dPooled, float count, Span<float> gradient, int dim, bool maskZero)
    {
        var g = dPooled[..dim];
        TensorPrimitives.Divide(g, count, g);
        foreach (int id in ids)
        {
            if (maskZero && id == 0)
            {
                continue;
            }

            var row = gradient.Slice(id * dim, dim);
            TensorPrimitives.Add(row, g, row);
        }
    }
}
