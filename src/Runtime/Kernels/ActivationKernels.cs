using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>
/// Activations (in place or out of place) and their backward passes expressed through the activation's output <c>a</c>.
/// Every function gives the same bits at every vector width and span length: element-wise bodies are written once over
/// <see cref="ILanes{TSelf}"/>, sigmoid and tanh come from <see cref="MathKernels"/>, and softmax's normaliser and its
/// backward dot product are summed in the <see cref="Reductions"/> order.
/// </summary>
public static class ActivationKernels
{
    /// <summary><c>a = max(a, 0)</c> in place.</summary>
    public static void Relu(Span<float> a) => TensorPrimitives.Max(a, 0f, a);

    /// <summary><c>delta *= (a &gt; 0)</c>: the derivative at 0 is 0 (and <c>delta</c> becomes +0 there).</summary>
    public static void ReluBackward(ReadOnlySpan<float> a, Span<float> delta) => Backward<ReluDerivative>(a, delta);

    /// <summary><c>a = 1 / (1 + exp(−z))</c> (<see cref="MathKernels.Sigmoid(float)"/>).</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a) => MathKernels.Sigmoid(z, a);

    /// <summary><c>delta *= a (1 − a)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> delta) => Backward<SigmoidDerivative>(a, delta);

    /// <summary><c>a = tanh(z)</c> (<see cref="MathKernels.Tanh(float)"/>).</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a) => MathKernels.Tanh(z, a);

    /// <summary><c>delta *= 1 − a²</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> delta) => Backward<TanhDerivative>(a, delta);

    /// <summary>
    /// Numerically stable softmax (Keras): <c>a = exp(z − max z) / Σ exp(z − max z)</c>, the sum in the
    /// <see cref="Reductions"/> order (exactly the normaliser <see cref="LossKernels.CategoricalCrossentropyFromLogits"/> forms).
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckLengths(z.Length, a.Length);
        if (z.IsEmpty)
        {
            return;
        }

        float max = TensorPrimitives.Max(z);
        float sum = MathKernels.SumExpShifted(ref MemoryMarshal.GetReference(z), max, ref MemoryMarshal.GetReference(a), z.Length, store: true);
        TensorPrimitives.Divide(a, sum, a);
    }

    /// <summary>Softmax Jacobian-vector product: <c>delta_j = a_j (delta_j − Σ_k delta_k a_k)</c>, the sum by <see cref="Reductions.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        CheckLengths(a.Length, delta.Length);
        float dot = Reductions.Dot(a, delta);
        for (int j = 0; j < a.Length; j++)
        {
            delta[j] = a[j] * (delta[j] - dot);
        }
    }

    // delta = TDerivative(a, delta) per element, widest blocks first
    private static void Backward<TDerivative>(ReadOnlySpan<float> a, Span<float> delta)
        where TDerivative : struct, IDerivative
    {
        CheckLengths(a.Length, delta.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float d = ref MemoryMarshal.GetReference(delta);
        int n = a.Length, j = 0;
        if (Lanes512.IsHardwareAccelerated)
        {
            j = BackwardBlocks<TDerivative, Lanes512>(ref ar, ref d, j, n);
        }

        if (Lanes256.IsHardwareAccelerated)
        {
            j = BackwardBlocks<TDerivative, Lanes256>(ref ar, ref d, j, n);
        }

        if (Lanes128.IsHardwareAccelerated)
        {
            j = BackwardBlocks<TDerivative, Lanes128>(ref ar, ref d, j, n);
        }

        BackwardBlocks<TDerivative, Scalar>(ref ar, ref d, j, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BackwardBlocks<TDerivative, TV>(ref float a, ref float d, int j, int n)
        where TDerivative : struct, IDerivative
        where TV : struct, ILanes<TV>
    {
        for (; j + TV.Count <= n; j += TV.Count)
        {
            TV.Store(TDerivative.Invoke(TV.Load(ref a, (nuint)j), TV.Load(ref d, (nuint)j)), ref d, (nuint)j);
        }

        return j;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }

    private interface IDerivative
    {
        static abstract TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV>;
    }

    private readonly struct ReluDerivative : IDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta & TV.GreaterThan(a, TV.Zero);
    }

    private readonly struct SigmoidDerivative : IDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta * (a * (TV.Create(1f) - a));
    }

    private readonly struct TanhDerivative : IDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta * (TV.Create(1f) - (a * a));
    }
}
