using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>Activations (in place or out of place) and their backward passes expressed through the activation's output <c>a</c>.</summary>
public static class ActivationKernels
{
    /// <summary><c>a = max(a, 0)</c> in place.</summary>
    public static void Relu(Span<float> a) => TensorPrimitives.Max(a, 0f, a);

    /// <summary><c>delta *= (a &gt; 0)</c>: the derivative at 0 is 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        CheckLengths(a.Length, delta.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float d = ref MemoryMarshal.GetReference(delta);
        int n = a.Length, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= n; j += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ar, (nuint)j), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref d, (nuint)j) & mask).StoreUnsafe(ref d, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            if (!(a[j] > 0f))
            {
                delta[j] = 0f;
            }
        }
    }

    /// <summary><c>a = 1 / (1 + exp(−z))</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Sigmoid(z, a);

    /// <summary><c>delta *= a (1 − a)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        CheckLengths(a.Length, delta.Length);
        for (int j = 0; j < a.Length; j++)
        {
            delta[j] *= a[j] * (1f - a[j]);
        }
    }

    /// <summary><c>a = tanh(z)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Tanh(z, a);

    /// <summary><c>delta *= 1 − a²</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        CheckLengths(a.Length, delta.Length);
        for (int j = 0; j < a.Length; j++)
        {
            delta[j] *= 1f - (a[j] * a[j]);
        }
    }

    /// <summary>Numerically stable softmax: <c>a = exp(z − max z) / Σ exp(z − max z)</c>.</summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckLengths(z.Length, a.Length);
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, a);
        TensorPrimitives.Exp(a, a);
        float sum = TensorPrimitives.Sum(a);
        TensorPrimitives.Divide(a, sum, a);
    }

    /// <summary>Softmax Jacobian-vector product: <c>delta_j = a_j (delta_j − Σ_k delta_k a_k)</c>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        CheckLengths(a.Length, delta.Length);
        float dot = TensorPrimitives.Dot(a, delta);
        for (int j = 0; j < a.Length; j++)
        {
            delta[j] = a[j] * (delta[j] - dot);
        }
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }
}
