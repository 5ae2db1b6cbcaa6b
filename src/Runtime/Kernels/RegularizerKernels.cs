namespace AotNet.Kernels;

/// <summary>
/// Keras's L1/L2 weight regularisers (<c>keras.regularizers.L1L2</c>): the penalty <c>l1 · Σ|w| + l2 · Σw²</c>, added to the
/// loss, and its gradient <c>l1 · sign(w) + 2 · l2 · w</c> (sign(0) = 0, as TensorFlow's), added to a gradient block before
/// the optimizer step. Element-wise in index order, so neither the thread count nor the vector width changes a result.
/// </summary>
public static class RegularizerKernels
{
    /// <summary><c>l1 · Σ|w| + l2 · Σw²</c>, summed in double in index order.</summary>
    public static double Penalty(ReadOnlySpan<float> weights, double l1, double l2)
    {
        double abs = 0, squares = 0;
        foreach (float w in weights)
        {
            abs += Math.Abs(w);
            squares += (double)w * w;
        }

        return (l1 * abs) + (l2 * squares);
    }

    /// <summary>
    /// <c>gradient += (l1 · sign(w) + 2 · l2 · w) / scale</c>: the optimizer multiplies the block by <paramref name="scale"/>
    /// (1 / batch rows), so the step sees the penalty's own gradient next to the batch-mean loss gradient.
    /// </summary>
    public static void AddGradient(ReadOnlySpan<float> weights, Span<float> gradient, float l1, float l2, float scale)
    {
        if (weights.Length != gradient.Length)
        {
            throw new ArgumentException($"lengths differ: {weights.Length} vs {gradient.Length}");
        }

        float twoL2 = 2f * l2;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            float sign = w > 0 ? 1f : w < 0 ? -1f : 0f;
            gradient[i] += ((l1 * sign) + (twoL2 * w)) / scale;
        }
    }
}
