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

    // delta = TDerivative(a, delta) per element (Widths' ladder)
    private static void Backward<TDerivative>(ReadOnlySpan<float> a, Span<float> delta)
        where TDerivative : struct, IBinaryLanes => Widths.Map(default(TDerivative), a, delta, delta);

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }

    private readonly struct ReluDerivative : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta & TV.GreaterThan(a, TV.Zero);
    }

    private readonly struct SigmoidDerivative : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta * (a * (TV.Create(1f) - a));
    }

    private readonly struct TanhDerivative : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV a, TV delta)
            where TV : struct, ILanes<TV> => delta * (TV.Create(1f) - (a * a));
    }

    // ---- Keras 3's further activations, each from z (the affine output): forward a = f(z), backward delta *= f'(z) ----
    // All are element-wise bodies over ILanes built from MathKernels' exp/tanh/sigmoid/log1p and the erfc below, so every
    // vector width and span length gives the same bits.

    /// <summary>Keras's <c>gelu(x, approximate=False)</c> (the default of <c>activation="gelu"</c>): <c>x Φ(x) = 0.5 x (1 + erf(x / √2))</c>, Φ from <see cref="NormalCdf{TV}"/>.</summary>
    public static void Gelu(ReadOnlySpan<float> z, Span<float> a) => Map(new GeluOp(), z, a);

    /// <summary><c>delta *= Φ(z) + z φ(z)</c>.</summary>
    public static void GeluBackward(ReadOnlySpan<float> z, Span<float> delta) => MapBackward(new GeluOp(), z, delta);

    /// <summary>Keras's <c>elu</c> (alpha 1): <c>z &gt; 0 ? z : expm1(z)</c>, expm1 as <c>2t / (1 − t)</c> with <c>t = tanh(z / 2)</c> (accurate near 0).</summary>
    public static void Elu(ReadOnlySpan<float> z, Span<float> a) => Map(new EluOp(1f, 1f), z, a);

    /// <summary><c>delta *= z &gt; 0 ? 1 : exp(z)</c>.</summary>
    public static void EluBackward(ReadOnlySpan<float> z, Span<float> delta) => MapBackward(new EluOp(1f, 1f), z, delta);

    /// <summary>Keras's <c>selu</c>: <c>scale · elu(z, alpha)</c> with alpha 1.6732632, scale 1.0507010.</summary>
    public static void Selu(ReadOnlySpan<float> z, Span<float> a) => Map(new EluOp(SeluAlpha, SeluScale), z, a);

    /// <summary><c>delta *= scale · (z &gt; 0 ? 1 : alpha exp(z))</c>.</summary>
    public static void SeluBackward(ReadOnlySpan<float> z, Span<float> delta) => MapBackward(new EluOp(SeluAlpha, SeluScale), z, delta);

    /// <summary>Keras's <c>leaky_relu(x, negative_slope)</c> (default slope 0.2): <c>z &gt; 0 ? z : slope · z</c>.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> z, Span<float> a, float negativeSlope) => Map(new LeakyReluOp(negativeSlope), z, a);

    /// <summary><c>delta *= z &gt; 0 ? 1 : slope</c>.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> z, Span<float> delta, float negativeSlope) => MapBackward(new LeakyReluOp(negativeSlope), z, delta);

    /// <summary>Keras's <c>softplus</c>: <c>log(1 + e^z)</c> as <c>max(z, 0) + log1p(e^−|z|)</c>.</summary>
    public static void Softplus(ReadOnlySpan<float> z, Span<float> a) => Map(new SoftplusOp(), z, a);

    /// <summary><c>delta *= sigmoid(z)</c>.</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> z, Span<float> delta) => MapBackward(new SoftplusOp(), z, delta);

    /// <summary>Keras's <c>silu</c>/<c>swish</c>: <c>z · sigmoid(z)</c>.</summary>
    public static void Silu(ReadOnlySpan<float> z, Span<float> a) => Map(new SiluOp(), z, a);

    /// <summary><c>delta *= s (1 + z (1 − s))</c> with <c>s = sigmoid(z)</c>.</summary>
    public static void SiluBackward(ReadOnlySpan<float> z, Span<float> delta) => MapBackward(new SiluOp(), z, delta);

    /// <summary>The complementary error function per lane (Numerical Recipes' erfcc: <c>t e^(−x² + P(t))</c>, t = 1 / (1 + |x| / 2); relative error about 1e-7 in exact arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Erfc<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        var ax = TV.AndNot(x, TV.Create(-0f));
        var one = TV.Create(1f);
        var t = one / (one + (TV.Create(0.5f) * ax));
        var p = TV.Fma(t, TV.Create(0.17087277f), TV.Create(-0.82215223f));
        p = TV.Fma(p, t, TV.Create(1.48851587f));
        p = TV.Fma(p, t, TV.Create(-1.13520398f));
        p = TV.Fma(p, t, TV.Create(0.27886807f));
        p = TV.Fma(p, t, TV.Create(-0.18628806f));
        p = TV.Fma(p, t, TV.Create(0.09678418f));
        p = TV.Fma(p, t, TV.Create(0.37409196f));
        p = TV.Fma(p, t, TV.Create(1.00002368f));
        p = TV.Fma(p, t, TV.Create(-1.26551223f));
        var r = t * MathKernels.Exp(p - (ax * ax));
        return TV.Select(TV.LessThan(x, TV.Zero), TV.Create(2f) - r, r);
    }

    /// <summary>The standard normal distribution function per lane: <c>Φ(x) = erfc(−x / √2) / 2</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV NormalCdf<TV>(TV x)
        where TV : struct, ILanes<TV> => TV.Create(0.5f) * Erfc(x * TV.Create(-0.707106781186547524f));

    private const float SeluAlpha = 1.67326324235437728f;
    private const float SeluScale = 1.05070098735548049f;

    private static void Map<TOp>(in TOp op, ReadOnlySpan<float> z, Span<float> a)
        where TOp : struct, IZActivation => Widths.Map(new ForwardOf<TOp>(op), z, a);

    private static void MapBackward<TOp>(in TOp op, ReadOnlySpan<float> z, Span<float> delta)
        where TOp : struct, IZActivation => Widths.Map(new DerivativeOf<TOp>(op), z, delta, delta);

    /// <summary><c>a = f(z)</c>.</summary>
    private readonly struct ForwardOf<TOp>(TOp op) : IUnaryLanes
        where TOp : struct, IZActivation
    {
        private readonly TOp _op = op;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV z)
            where TV : struct, ILanes<TV> => _op.Forward(z);
    }

    /// <summary><c>delta = delta · f'(z)</c>.</summary>
    private readonly struct DerivativeOf<TOp>(TOp op) : IBinaryLanes
        where TOp : struct, IZActivation
    {
        private readonly TOp _op = op;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV z, TV delta)
            where TV : struct, ILanes<TV> => delta * _op.Derivative(z);
    }

    /// <summary>An activation and its derivative, both from z.</summary>
    private interface IZActivation
    {
        TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV>;

        TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV>;
    }

    private readonly struct GeluOp : IZActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV> => z * NormalCdf(z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV>
        {
            // φ(z) = e^(−z²/2) / √(2π)
            var pdf = TV.Create(0.398942280401432678f) * MathKernels.Exp(TV.Create(-0.5f) * z * z);
            return TV.Fma(z, pdf, NormalCdf(z));
        }
    }

    private readonly struct EluOp(float alpha, float scale) : IZActivation
    {
        private readonly float _alpha = alpha, _scale = scale;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV>
        {
            var t = MathKernels.Tanh(TV.Create(0.5f) * z);
            var expm1 = (t + t) / (TV.Create(1f) - t);
            var negative = TV.Create(_alpha) * expm1;
            return TV.Create(_scale) * TV.Select(TV.GreaterThan(z, TV.Zero), z, negative);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV> =>
            TV.Create(_scale) * TV.Select(TV.GreaterThan(z, TV.Zero), TV.Create(1f), TV.Create(_alpha) * MathKernels.Exp(z));
    }

    private readonly struct LeakyReluOp(float slope) : IZActivation
    {
        private readonly float _slope = slope;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV> => TV.Select(TV.GreaterThan(z, TV.Zero), z, TV.Create(_slope) * z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV> => TV.Select(TV.GreaterThan(z, TV.Zero), TV.Create(1f), TV.Create(_slope));
    }

    private readonly struct SoftplusOp : IZActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV> =>
            TV.Select(TV.GreaterThan(z, TV.Zero), z, TV.Zero) + MathKernels.Log1P(MathKernels.Exp(z | TV.Create(-0f)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV> => MathKernels.Sigmoid(z);
    }

    private readonly struct SiluOp : IZActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV z)
            where TV : struct, ILanes<TV> => z * MathKernels.Sigmoid(z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Derivative<TV>(TV z)
            where TV : struct, ILanes<TV>
        {
            var sg = MathKernels.Sigmoid(z);
            return sg * TV.Fma(z, TV.Create(1f) - sg, TV.Create(1f));
        }
    }
}
