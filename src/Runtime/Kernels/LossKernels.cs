namespace AotNet.Kernels;

/// <summary>
/// Per-sample losses (float math; the model sums them in double) and their gradients with respect to the
/// last layer's output (MSE) or logits (the cross-entropies, fused with their sigmoid/softmax).
/// </summary>
public static class LossKernels
{
    /// <summary>Below this, <c>MathF.Exp</c> returns +0 (through the C library's slow underflow path).</summary>
    private const float UnderflowsToZero = -104f;

    /// <summary><c>mean_j (p_j − y_j)²</c>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckLengths(predictions.Length, targets.Length);
        float sum = 0f;
        for (int j = 0; j < predictions.Length; j++)
        {
            float e = predictions[j] - targets[j];
            sum += e * e;
        }

        return sum / predictions.Length;
    }

    /// <summary><c>delta_j = 2 (p_j − y_j) / n</c>.</summary>
    public static void MeanSquaredErrorGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> delta)
    {
        CheckLengths(predictions.Length, targets.Length);
        CheckLengths(predictions.Length, delta.Length);
        float scale = 2f / predictions.Length;
        for (int j = 0; j < predictions.Length; j++)
        {
            delta[j] = scale * (predictions[j] - targets[j]);
        }
    }

    /// <summary>
    /// Binary cross-entropy from logits, averaged over outputs:
    /// <c>mean_j max(z_j, 0) − z_j y_j + log(1 + exp(−|z_j|))</c> (TensorFlow's stable form).
    /// </summary>
    public static float BinaryCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckLengths(logits.Length, targets.Length);
        float sum = 0f;
        for (int j = 0; j < logits.Length; j++)
        {
            float z = logits[j];
            sum += MathF.Max(z, 0f) - (z * targets[j]) + MathF.Log(1f + ExpOfNonPositive(-MathF.Abs(z)));
        }

        return sum / logits.Length;
    }

    /// <summary>Gradient of <see cref="BinaryCrossentropyFromLogits"/> with respect to the logits: <c>(sigmoid(z) − y) / n</c>.</summary>
    public static void BinaryCrossentropyGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, Span<float> delta)
    {
        CheckLengths(probabilities.Length, targets.Length);
        CheckLengths(probabilities.Length, delta.Length);
        float scale = 1f / probabilities.Length;
        for (int j = 0; j < probabilities.Length; j++)
        {
            delta[j] = (probabilities[j] - targets[j]) * scale;
        }
    }

    /// <summary>Categorical cross-entropy from logits: <c>logsumexp(z) − Σ_j y_j z_j</c>.</summary>
    public static float CategoricalCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckLengths(logits.Length, targets.Length);
        float max = float.NegativeInfinity;
        foreach (float z in logits)
        {
            max = MathF.Max(max, z);
        }

        float sumExp = 0f, dot = 0f;
        for (int j = 0; j < logits.Length; j++)
        {
            // exp(t) is +0 in float for t < −103.98, and sumExp ≥ 1 (the max term), so such terms add nothing; skipping
            // them avoids the C library's slow underflow path (common once a trained model is confident)
            sumExp += ExpOfNonPositive(logits[j] - max);
            dot += targets[j] * logits[j];
        }

        return max + MathF.Log(sumExp) - dot;
    }

    /// <summary>Gradient of <see cref="CategoricalCrossentropyFromLogits"/> with respect to the logits: <c>softmax(z) − y</c>.</summary>
    public static void CategoricalCrossentropyGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, Span<float> delta)
    {
        CheckLengths(probabilities.Length, targets.Length);
        CheckLengths(probabilities.Length, delta.Length);
        for (int j = 0; j < probabilities.Length; j++)
        {
            delta[j] = probabilities[j] - targets[j];
        }
    }

    // exp(t) for t ≤ 0, the same floats as MathF.Exp without the slow call for results that underflow to +0
    private static float ExpOfNonPositive(float t) => t < UnderflowsToZero ? 0f : MathF.Exp(t);

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }
}
