using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>
/// Per-sample losses (float math; the model sums them in double) and their gradients with respect to the
/// last layer's output (MSE) or logits (the cross-entropies, fused with their sigmoid/softmax). Sums over a row's
/// outputs run in the <see cref="Reductions"/> order and exp/log come from <see cref="MathKernels"/>, so a loss has
/// the same bits at every vector width.
/// </summary>
public static class LossKernels
{
    /// <summary><c>mean_j (p_j − y_j)²</c>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckLengths(predictions.Length, targets.Length);
        return Mean(new SquaredError(), predictions, targets);
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
    /// <c>mean_j max(z_j, 0) − z_j y_j + log1p(exp(−|z_j|))</c> (TensorFlow's stable form).
    /// </summary>
    public static float BinaryCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckLengths(logits.Length, targets.Length);
        return Mean(new BinaryCrossentropyTerm(), logits, targets);
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
    /// exp(z_j − max)</c>. The sum of exponentials is formed exactly as <see cref="ActivationKernels.Softmax"/> forms its
    /// normaliser (for any class count), so the loss and the probabilities behind its gradient share that float;
    /// <c>Σ y z</c> is <see cref="Reductions.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
    /// </summary>
    public static float CategoricalCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        CheckLengths(logits.Length, targets.Length);
        if (logits.IsEmpty)
        {
            throw new ArgumentException("categorical cross-entropy needs at least one class", nameof(logits));
        }

        float max = TensorPrimitives.Max(logits);
        ref float z = ref MemoryMarshal.GetReference(logits);
        float sumExp = MathKernels.SumExpShifted(ref z, max, ref z, logits.Length, store: false);
        return max + MathKernels.Log(sumExp) - Reductions.Dot(targets, logits);
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

    // Σ_j term(a_j, b_j) / n, the sum in the Reductions order
    internal static float Mean<TTerm>(in TTerm term, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        where TTerm : struct, IBinaryLanes
    {
        ref float ar = ref MemoryMarshal.GetReference(a);
        return MathKernels.Sum(term, ref ar, ref MemoryMarshal.GetReference(b), ref ar, a.Length, store: false) / a.Length;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }

    /// <summary><c>(p − y)²</c>.</summary>
    private readonly struct SquaredError : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV p, TV y)
            where TV : struct, ILanes<TV>
        {
            var e = p - y;
            return e * e;
        }
    }

    /// <summary><c>max(z, 0) − z y + log1p(exp(−|z|))</c>.</summary>
    private readonly struct BinaryCrossentropyTerm : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV z, TV y)
            where TV : struct, ILanes<TV>
        {
            var relu = TV.Select(TV.GreaterThan(z, TV.Zero), z, TV.Zero);
            return (relu - (z * y)) + MathKernels.Log1P(MathKernels.Exp(z | TV.Create(-0f)));
        }
    }

    /// <summary>
    /// The class index a sparse target row holds (Keras's integer labels): <paramref name="target"/>[0], which must be a whole
    /// number in [0, <paramref name="classes"/>).
    /// </summary>
    public static int SparseLabel(ReadOnlySpan<float> target, int classes)
    {
        float value = target[0];
        int label = (int)value;
        if (!(value >= 0 && value < classes) || label != value)
        {
            throw new ArgumentException($"sparse categorical target {value} is not a class index in [0, {classes}): a sparse target holds the class number");
        }

        return label;
    }

    /// <summary>
    /// Sparse categorical cross-entropy from logits: <c>logsumexp(z) − z[label]</c>, the normaliser formed exactly as
    /// <see cref="CategoricalCrossentropyFromLogits"/> forms it; the label is <see cref="SparseLabel"/> of <paramref name="target"/>.
    /// </summary>
    public static float SparseCategoricalCrossentropyFromLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> target)
    {
        int label = SparseLabel(target, logits.Length);
        float max = TensorPrimitives.Max(logits);
        ref float z = ref MemoryMarshal.GetReference(logits);
        float sumExp = MathKernels.SumExpShifted(ref z, max, ref z, logits.Length, store: false);
        return max + MathKernels.Log(sumExp) - logits[label];
    }

    /// <summary>Gradient of <see cref="SparseCategoricalCrossentropyFromLogits"/> with respect to the logits: <c>softmax(z) − onehot(label)</c>.</summary>
    public static void SparseCategoricalCrossentropyGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target, Span<float> delta)
    {
        CheckLengths(probabilities.Length, delta.Length);
        int label = SparseLabel(target, probabilities.Length);
        probabilities.CopyTo(delta);
        delta[label] -= 1f;
    }

    /// <summary>Keras's mean absolute error as a loss: <c>mean_j |p_j − y_j|</c> (the sum in the Reductions order).</summary>
    public static float MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) => MetricKernels.MeanAbsoluteError(predictions, targets);

    /// <summary><c>delta_j = sign(p_j − y_j) / n</c>, with sign(0) = 0 (TensorFlow's gradient of |x| at 0).</summary>
    public static void MeanAbsoluteErrorGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> delta)
    {
        CheckLengths(predictions.Length, targets.Length);
        CheckLengths(predictions.Length, delta.Length);
        float scale = 1f / predictions.Length;
        for (int j = 0; j < predictions.Length; j++)
        {
            float e = predictions[j] - targets[j];
            delta[j] = e > 0 ? scale : e < 0 ? -scale : 0f;
        }
    }

    /// <summary>Keras's Huber loss (delta 1): <c>mean_j (|e| ≤ 1 ? e²/2 : |e| − 1/2)</c> with <c>e = p − y</c>, the sum in the Reductions order.</summary>
    public static float Huber(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        CheckLengths(predictions.Length, targets.Length);
        return Mean(new HuberTerm(), predictions, targets);
    }

    /// <summary><c>delta_j = clip(p_j − y_j, −1, 1) / n</c>.</summary>
    public static void HuberGradient(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> delta)
    {
        CheckLengths(predictions.Length, targets.Length);
        CheckLengths(predictions.Length, delta.Length);
        float scale = 1f / predictions.Length;
        for (int j = 0; j < predictions.Length; j++)
        {
            float e = predictions[j] - targets[j];
            delta[j] = Math.Clamp(e, -1f, 1f) * scale;
        }
    }

    /// <summary>Huber's term for delta 1: <c>|e| ≤ 1 ? 0.5 e² : |e| − 0.5</c>.</summary>
    private readonly struct HuberTerm : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV p, TV y)
            where TV : struct, ILanes<TV>
        {
            var e = p - y;
            var abs = TV.AndNot(e, TV.Create(-0f));
            var half = TV.Create(0.5f);
            return TV.Select(TV.GreaterThan(abs, TV.Create(1f)), abs - half, half * e * e);
        }
    }
}
