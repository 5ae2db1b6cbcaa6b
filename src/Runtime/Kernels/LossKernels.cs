using System.Numerics.Tensors;

namespace AotNet.Kernels;

/// <summary>
/// Per-sample losses (float math; the model sums them in double) and their gradients with respect to the
/// last layer's output (MSE) or logits (the cross-entropies, fused with their sigmoid/softmax).
/// </summary>
public static class LossKernels
{
    /// <summary>Below this, <c>MathF.Exp</c> returns +0 (through the C library's slow underflow path).</summary>
    private const float UnderflowsToZero = -104f;

    /// <summary>Classes whose exponentials <see cref="CategoricalCrossentropyFromLogits"/> sums in one block on the stack.</summary>
    public const int NormaliserBlock = 1024;

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

    /// <summary>
    /// Categorical cross-entropy from logits: <c>logsumexp(z) − Σ_j y_j z_j</c>, with <c>logsumexp(z) = max + log Σ_j
    /// exp(z_j − max)</c>. Up to <see cref="NormaliserBlock"/> classes the sum is formed exactly as
    /// <see cref="ActivationKernels.Softmax"/> forms its normaliser (TensorPrimitives' vectorised exp and sum), so the loss
    /// and the probabilities behind its gradient share the same float; beyond that, block by block.
    /// </summary>
    public static float CategoricalCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckLengths(logits.Length, targets.Length);
        if (logits.IsEmpty)
        {
            throw new ArgumentException("categorical cross-entropy needs at least one class", nameof(logits));
        }

        float max = TensorPrimitives.Max(logits);
        Span<float> shifted = stackalloc float[Math.Min(logits.Length, NormaliserBlock)];
        float sumExp = 0f;
        for (int start = 0; start < logits.Length; start += NormaliserBlock)
        {
            int count = Math.Min(NormaliserBlock, logits.Length - start);
            Span<float> block = shifted[..count];
            TensorPrimitives.Subtract(logits.Slice(start, count), max, block);
            TensorPrimitives.Exp(block, block);
            sumExp = start == 0 ? TensorPrimitives.Sum(block) : sumExp + TensorPrimitives.Sum(block);
        }

        float dot = 0f;
        for (int j = 0; j < logits.Length; j++)
        {
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
