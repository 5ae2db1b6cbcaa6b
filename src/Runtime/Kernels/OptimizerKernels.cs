using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// Keras 3 optimizer updates over a whole parameter block in one fused pass each. The gradient used is
/// <c>g = gradients[i] * scale</c> (the trainer passes 1/batch because Keras minimises the batch-mean loss).
/// The 512-bit and 256-bit vector bodies and the scalar tail evaluate the same element-wise expression, so results
/// do not depend on the vector width or on where an element falls.
/// </summary>
public static class OptimizerKernels
{
    private const int Width = 8;

    /// <summary>RMSprop (Keras 3): <c>v = ρ v + (1 − ρ) g²; w −= lr g / sqrt(v + ε)</c>.</summary>
    public static void RmsProp(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float rho, float epsilon) =>
        RmsProp<EpsilonInsideSqrt>(weights, gradients, velocity, scale, learningRate, rho, epsilon);

    /// <summary>RMSprop with the legacy tf.keras epsilon placement: <c>w −= lr g / (sqrt(v) + ε)</c>.</summary>
    public static void RmsPropLegacy(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float rho, float epsilon) =>
        RmsProp<EpsilonOutsideSqrt>(weights, gradients, velocity, scale, learningRate, rho, epsilon);

    /// <summary>The RMSprop pass shared by both epsilon placements; <typeparamref name="TDenominator"/> is the one difference.</summary>
    private static void RmsProp<TDenominator>(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float rho, float epsilon)
        where TDenominator : struct, IRmsPropDenominator
    {
        int n = CheckLengths(weights, gradients, velocity);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        float decay = 1f - rho;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vRho = Vector512.Create(rho);
            var vDecay = Vector512.Create(decay);
            var vLr = Vector512.Create(learningRate);
            var vEps = Vector512.Create(epsilon);
            for (; i + (2 * Width) <= n; i += 2 * Width)
            {
                var gi = Vector512.LoadUnsafe(ref g, (nuint)i) * vs;
                if (Vector512.EqualsAll(gi, Vector512<float>.Zero))
                {
                    // a zero gradient (untouched sparse rows, inactive ReLUs) leaves w as it is and only decays v:
                    // exactly what the full expression gives, without the sqrt and the division
                    (vRho * Vector512.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                    continue;
                }

                var vi = (vRho * Vector512.LoadUnsafe(ref v, (nuint)i)) + (vDecay * (gi * gi));
                vi.StoreUnsafe(ref v, (nuint)i);
                (Vector512.LoadUnsafe(ref w, (nuint)i) - ((vLr * gi) / TDenominator.Of(vi, vEps))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vRho = Vector256.Create(rho);
            var vDecay = Vector256.Create(decay);
            var vLr = Vector256.Create(learningRate);
            var vEps = Vector256.Create(epsilon);
            for (; i + Width <= n; i += Width)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i) * vs;
                if (Vector256.EqualsAll(gi, Vector256<float>.Zero))
                {
                    // a zero gradient (untouched sparse rows, inactive ReLUs) leaves w as it is and only decays v:
                    // exactly what the full expression gives, without the sqrt and the division
                    (vRho * Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                    continue;
                }

                var vi = (vRho * Vector256.LoadUnsafe(ref v, (nuint)i)) + (vDecay * (gi * gi));
                vi.StoreUnsafe(ref v, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) - ((vLr * gi) / TDenominator.Of(vi, vEps))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i) * scale;
            float vi = (rho * Unsafe.Add(ref v, i)) + (decay * (gi * gi));
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref w, i) -= (learningRate * gi) / TDenominator.Of(vi, epsilon);
        }
    }

    /// <summary>
    /// A single-row dense layer's kernel update fused with its gradient: RMSprop with <c>g[i, j] = x[i] · dy[j]</c>
    /// (scale 1), giving exactly the floats of <see cref="DenseKernels.AccumulateOuter"/> into a zeroed block followed by
    /// <see cref="RmsProp"/> with scale 1. The gradient is formed the same way (a fused multiply-add onto +0, rows with
    /// <c>x[i] = 0</c> left at +0), and a +0 gradient only decays <c>v</c>, as the full expression does.
    /// </summary>
    public static void RmsPropOuter(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, float learningRate, float rho, float epsilon)
    {
        int inputs = x.Length, units = dy.Length;
        if ((long)inputs * units != weights.Length || weights.Length != velocity.Length)
        {
            throw new ArgumentException($"shape mismatch: {inputs} inputs x {units} units vs kernel of {weights.Length} and state of {velocity.Length}");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        for (int i = 0; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            ref float w = ref MemoryMarshal.GetReference(weights.Slice(i * units, units));
            ref float v = ref MemoryMarshal.GetReference(velocity.Slice(i * units, units));
            if (xi == 0f)
            {
                Decay(ref v, units, rho);
                continue;
            }

            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var va = Vector256.Create(xi);
                var vRho = Vector256.Create(rho);
                var vDecay = Vector256.Create(1f - rho);
                var vLr = Vector256.Create(learningRate);
                var vEps = Vector256.Create(epsilon);
                for (; j + Width <= units; j += Width)
                {
                    var gi = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref d, (nuint)j), Vector256<float>.Zero);
                    Update(ref w, ref v, (nuint)j, gi, vRho, vDecay, vLr, vEps);
                }
            }

            for (; j < units; j++)
            {
                Update(ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref v, j), MathF.FusedMultiplyAdd(xi, Unsafe.Add(ref d, j), 0f), learningRate, rho, epsilon);
            }
        }
    }

    /// <summary>
    /// A single-row bias update fused with its gradient <c>g = 0 + dy</c> (scale 1): exactly the floats of
    /// <see cref="DenseKernels.Accumulate"/> into a zeroed block followed by <see cref="RmsProp"/> with scale 1.
    /// </summary>
    public static void RmsPropBias(ReadOnlySpan<float> dy, Span<float> bias, Span<float> velocity, float learningRate, float rho, float epsilon)
    {
        int n = dy.Length;
        if (bias.Length != n || velocity.Length != n)
        {
            throw new ArgumentException($"delta ({n}), bias ({bias.Length}) and state ({velocity.Length}) differ in length");
        }

        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float w = ref MemoryMarshal.GetReference(bias);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vRho = Vector256.Create(rho);
            var vDecay = Vector256.Create(1f - rho);
            var vLr = Vector256.Create(learningRate);
            var vEps = Vector256.Create(epsilon);
            for (; j + Width <= n; j += Width)
            {
                var gi = Vector256.LoadUnsafe(ref d, (nuint)j) + Vector256<float>.Zero;
                Update(ref w, ref v, (nuint)j, gi, vRho, vDecay, vLr, vEps);
            }
        }

        for (; j < n; j++)
        {
            Update(ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref v, j), 0f + Unsafe.Add(ref d, j), learningRate, rho, epsilon);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(ref float w, ref float v, nuint j, Vector256<float> gi, Vector256<float> vRho, Vector256<float> vDecay, Vector256<float> vLr, Vector256<float> vEps)
    {
        // the same expression as RmsProp's; a +0 gradient (never −0 here: it is formed by adding to +0) leaves w as it is
        // and only decays v, which is what RmsProp's skip of all-zero blocks gives, so no branch is needed
        var vi = (vRho * Vector256.LoadUnsafe(ref v, j)) + (vDecay * (gi * gi));
        vi.StoreUnsafe(ref v, j);
        (Vector256.LoadUnsafe(ref w, j) - ((vLr * gi) / Vector256.Sqrt(vi + vEps))).StoreUnsafe(ref w, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(ref float w, ref float v, float gi, float learningRate, float rho, float epsilon)
    {
        float vi = (rho * v) + ((1f - rho) * (gi * gi));
        v = vi;
        w -= (learningRate * gi) / MathF.Sqrt(vi + epsilon);
    }

    private static void Decay(ref float v, int n, float rho)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vRho = Vector256.Create(rho);
            for (; j + Width <= n; j += Width)
            {
                (vRho * Vector256.LoadUnsafe(ref v, (nuint)j)).StoreUnsafe(ref v, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref v, j) *= rho;
        }
    }

    /// <summary>Adam's bias-corrected step size for step <paramref name="step"/> (1-based): <c>lr sqrt(1 − β2^t) / (1 − β1^t)</c>.</summary>
    public static float AdamStepSize(float learningRate, float beta1, float beta2, long step) =>
        (float)(learningRate * Math.Sqrt(1d - Math.Pow(beta2, step)) / (1d - Math.Pow(beta1, step)));

    /// <summary>
    /// Adam (Keras 3): <c>m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α m / (sqrt(v) + ε)</c>
    /// with <paramref name="stepSize"/> α from <see cref="AdamStepSize"/>.
    /// </summary>
    public static void Adam(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float scale, float stepSize, float beta1, float beta2, float epsilon)
    {
        int n = CheckLengths(weights, gradients, m);
        if (v.Length != n)
        {
            throw new ArgumentException("optimizer state has the wrong length", nameof(v));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        float d1 = 1f - beta1, d2 = 1f - beta2;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vD1 = Vector512.Create(d1);
            var vD2 = Vector512.Create(d2);
            var vAlpha = Vector512.Create(stepSize);
            var vEps = Vector512.Create(epsilon);
            for (; i + (2 * Width) <= n; i += 2 * Width)
            {
                var gi = Vector512.LoadUnsafe(ref g, (nuint)i) * vs;
                var mi = Vector512.LoadUnsafe(ref mr, (nuint)i);
                mi += (gi - mi) * vD1;
                var vi = Vector512.LoadUnsafe(ref vr, (nuint)i);
                vi += ((gi * gi) - vi) * vD2;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector512.LoadUnsafe(ref w, (nuint)i) - ((mi * vAlpha) / (Vector512.Sqrt(vi) + vEps))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vD1 = Vector256.Create(d1);
            var vD2 = Vector256.Create(d2);
            var vAlpha = Vector256.Create(stepSize);
            var vEps = Vector256.Create(epsilon);
            for (; i + Width <= n; i += Width)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i) * vs;
                var mi = Vector256.LoadUnsafe(ref mr, (nuint)i);
                mi += (gi - mi) * vD1;
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i);
                vi += ((gi * gi) - vi) * vD2;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) - ((mi * vAlpha) / (Vector256.Sqrt(vi) + vEps))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i) * scale;
            float mi = Unsafe.Add(ref mr, i);
            mi += (gi - mi) * d1;
            float vi = Unsafe.Add(ref vr, i);
            vi += ((gi * gi) - vi) * d2;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref w, i) -= (mi * stepSize) / (MathF.Sqrt(vi) + epsilon);
        }
    }

    /// <summary>Plain SGD: <c>w −= lr g</c>.</summary>
    public static void Sgd(Span<float> weights, ReadOnlySpan<float> gradients, float scale, float learningRate)
    {
        if (weights.Length != gradients.Length)
        {
            throw new ArgumentException("gradient block has the wrong length", nameof(gradients));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = weights.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vLr = Vector512.Create(learningRate);
            for (; i + (2 * Width) <= n; i += 2 * Width)
            {
                (Vector512.LoadUnsafe(ref w, (nuint)i) - ((Vector512.LoadUnsafe(ref g, (nuint)i) * vs) * vLr)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vLr = Vector256.Create(learningRate);
            for (; i + Width <= n; i += Width)
            {
                (Vector256.LoadUnsafe(ref w, (nuint)i) - ((Vector256.LoadUnsafe(ref g, (nuint)i) * vs) * vLr)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref w, i) -= (Unsafe.Add(ref g, i) * scale) * learningRate;
        }
    }

    /// <summary>SGD with momentum (Keras 3): <c>u = μ u − lr g; w += u</c>.</summary>
    public static void SgdMomentum(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float momentum)
    {
        int n = CheckLengths(weights, gradients, velocity);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float u = ref MemoryMarshal.GetReference(velocity);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vLr = Vector512.Create(learningRate);
            var vMu = Vector512.Create(momentum);
            for (; i + (2 * Width) <= n; i += 2 * Width)
            {
                var ui = (Vector512.LoadUnsafe(ref u, (nuint)i) * vMu) - ((Vector512.LoadUnsafe(ref g, (nuint)i) * vs) * vLr);
                ui.StoreUnsafe(ref u, (nuint)i);
                (Vector512.LoadUnsafe(ref w, (nuint)i) + ui).StoreUnsafe(ref w, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vLr = Vector256.Create(learningRate);
            var vMu = Vector256.Create(momentum);
            for (; i + Width <= n; i += Width)
            {
                var ui = (Vector256.LoadUnsafe(ref u, (nuint)i) * vMu) - ((Vector256.LoadUnsafe(ref g, (nuint)i) * vs) * vLr);
                ui.StoreUnsafe(ref u, (nuint)i);
                (Vector256.LoadUnsafe(ref w, (nuint)i) + ui).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float ui = (Unsafe.Add(ref u, i) * momentum) - ((Unsafe.Add(ref g, i) * scale) * learningRate);
            Unsafe.Add(ref u, i) = ui;
            Unsafe.Add(ref w, i) += ui;
        }
    }

    private static int CheckLengths(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> state)
    {
        if (weights.Length != gradients.Length || weights.Length != state.Length)
        {
            throw new ArgumentException($"parameter ({weights.Length}), gradient ({gradients.Length}) and state ({state.Length}) blocks differ in length");
        }

        return weights.Length;
    }

    /// <summary>The RMSprop denominator, the only difference between Keras 3 and legacy tf.keras.</summary>
    internal interface IRmsPropDenominator
    {
        static abstract Vector512<float> Of(Vector512<float> v, Vector512<float> epsilon);

        static abstract Vector256<float> Of(Vector256<float> v, Vector256<float> epsilon);

        static abstract float Of(float v, float epsilon);
    }

    /// <summary>Keras 3: <c>sqrt(v + ε)</c>.</summary>
    internal readonly struct EpsilonInsideSqrt : IRmsPropDenominator
    {
        public static Vector512<float> Of(Vector512<float> v, Vector512<float> epsilon) => Vector512.Sqrt(v + epsilon);

        public static Vector256<float> Of(Vector256<float> v, Vector256<float> epsilon) => Vector256.Sqrt(v + epsilon);

        public static float Of(float v, float epsilon) => MathF.Sqrt(v + epsilon);
    }

    /// <summary>Legacy tf.keras: <c>sqrt(v) + ε</c>.</summary>
    internal readonly struct EpsilonOutsideSqrt : IRmsPropDenominator
    {
        public static Vector512<float> Of(Vector512<float> v, Vector512<float> epsilon) => Vector512.Sqrt(v) + epsilon;

        public static Vector256<float> Of(Vector256<float> v, Vector256<float> epsilon) => Vector256.Sqrt(v) + epsilon;

        public static float Of(float v, float epsilon) => MathF.Sqrt(v) + epsilon;
    }
}
