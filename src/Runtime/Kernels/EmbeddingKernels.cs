using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>
/// Keras's Embedding followed by GlobalAveragePooling1D, per row of token ids: the forward gathers and averages embedding
/// rows, the backward scatter-adds the pooled gradient into the rows it read. Every sum runs over the row's positions in
/// ascending order with element-wise operations only, so the bits do not depend on the vector width; the trainer sums rows
/// in row order within a chunk and chunks in chunk order (docs/determinism.md), so each embedding row's gradient is one
/// fixed order of additions for any thread count.
/// </summary>
/// <remarks>Both loops run over the vector width's column blocks of the embedding rows (<see cref="Widths.Run{TLoop}"/>): the
/// pooled block stays in registers over all positions, and the pooled gradient block is added to each position's row; an
/// element's additions are the same, in the same order, at every width.</remarks>
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
        int count = 0;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)(embeddings.Length / dim))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} outside the {embeddings.Length / dim} embedding rows");
            }

            count += maskZero && id == 0 ? 0 : 1;
        }

        var loop = new PoolLoop(ids, ref MemoryMarshal.GetReference(embeddings), dim, ref MemoryMarshal.GetReference(pooled), maskZero);
        Widths.Run(ref loop, dim);
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
            if ((uint)id >= (uint)(gradient.Length / dim))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} outside the {gradient.Length / dim} embedding rows");
            }
        }

        var loop = new ScatterLoop(ids, ref MemoryMarshal.GetReference(g), ref MemoryMarshal.GetReference(gradient), dim, maskZero);
        Widths.Run(ref loop, dim);
    }

    /// <summary>Columns [j, …) of the pooled sum, one vector at a time: from +0, the rows of the ids added in position order.</summary>
    private readonly ref struct PoolLoop(ReadOnlySpan<int> ids, ref float embeddings, int dim, ref float pooled, bool maskZero) : IBlockLoop
    {
        private readonly ReadOnlySpan<int> _ids = ids;
        private readonly ref float _embeddings = ref embeddings;
        private readonly ref float _pooled = ref pooled;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL>
        {
            for (; j + TL.Count <= n; j += TL.Count)
            {
                var sum = TL.Zero;
                foreach (int id in _ids)
                {
                    if (!maskZero || id != 0)
                    {
                        sum += TL.Load(ref _embeddings, (nuint)(((long)id * dim) + j));
                    }
                }

                TL.Store(sum, ref _pooled, (nuint)j);
            }

            return j;
        }
    }

    /// <summary>Columns [j, …) of the scatter-add: the block of the pooled gradient added to each position's row, positions in order.</summary>
    private readonly ref struct ScatterLoop(ReadOnlySpan<int> ids, ref float g, ref float gradient, int dim, bool maskZero) : IBlockLoop
    {
        private readonly ReadOnlySpan<int> _ids = ids;
        private readonly ref float _g = ref g;
        private readonly ref float _gradient = ref gradient;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL>
        {
            for (; j + TL.Count <= n; j += TL.Count)
            {
                var block = TL.Load(ref _g, (nuint)j);
                foreach (int id in _ids)
                {
                    if (!maskZero || id != 0)
                    {
                        nuint at = (nuint)(((long)id * dim) + j);
                        TL.Store(TL.Load(ref _gradient, at) + block, ref _gradient, at);
                    }
                }
            }

            return j;
        }
    }
}
