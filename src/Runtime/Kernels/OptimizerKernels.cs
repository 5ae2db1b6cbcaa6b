using System.Numerics;
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

        var k = new RmsPropConstants(scale, learningRate, rho, epsilon);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Width <= n; i += Width)
            {
                RmsPropVector<TDenominator>(ref w, ref v, (nuint)i, Vector256.LoadUnsafe(ref g, (nuint)i), k);
            }
        }

        for (; i < n; i++)
        {
            RmsPropElement<TDenominator>(ref Unsafe.Add(ref w, i), ref Unsafe.Add(ref v, i), Unsafe.Add(ref g, i), k);
        }
    }

    /// <summary>
    /// Eight elements of <see cref="RmsProp"/> (or its legacy form) at <paramref name="i"/>, with gradient
    /// <c>gradient * scale</c>; also used by <see cref="Training.FirstKernelGradient"/>, which forms the gradient row by row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RmsPropVector<TDenominator>(ref float w, ref float v, nuint i, Vector256<float> gradient, in RmsPropConstants k)
        where TDenominator : struct, IRmsPropDenominator
    {
        var gi = gradient * k.Scale256;
        if (Vector256.EqualsAll(gi, Vector256<float>.Zero))
        {
            // a zero gradient (untouched sparse rows, inactive ReLUs) leaves w as it is and only decays v:
            // exactly what the full expression gives, without the sqrt and the division
            (k.Rho256 * Vector256.LoadUnsafe(ref v, i)).StoreUnsafe(ref v, i);
            return;
        }

        var vi = (k.Rho256 * Vector256.LoadUnsafe(ref v, i)) + (k.Decay256 * (gi * gi));
        vi.StoreUnsafe(ref v, i);
        (Vector256.LoadUnsafe(ref w, i) - ((k.LearningRate256 * gi) / TDenominator.Of(vi, k.Epsilon256))).StoreUnsafe(ref w, i);
    }

    /// <summary>One element of <see cref="RmsProp"/> (or its legacy form), with gradient <c>gradient * scale</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RmsPropElement<TDenominator>(ref float w, ref float v, float gradient, in RmsPropConstants k)
        where TDenominator : struct, IRmsPropDenominator
    {
        float gi = gradient * k.Scale;
        float vi = (k.Rho * v) + (k.Decay * (gi * gi));
        v = vi;
        w -= (k.LearningRate * gi) / TDenominator.Of(vi, k.Epsilon);
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
    /// A hidden dense layer's backward pass fused with its RMSprop kernel update for one row (scale 1). Per kernel row
    /// <c>i</c>, first the input delta <c>dx[i] = W[i, :] · dy</c> from the row before it changes (exactly the floats of
    /// <see cref="DenseKernels.BackpropInput"/>), then the update with <c>g[i, :] = x[i] · dy</c> (exactly those of
    /// <see cref="RmsPropOuter"/>): one pass over the kernel instead of two.
    /// </summary>
    public static void RmsPropOuterBackprop(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, Span<float> dx, float learningRate, float rho, float epsilon) =>
        RmsPropOuterBackprop<AnyActivation>(x, dy, weights, velocity, dx, learningRate, rho, epsilon);

    /// <summary>
    /// <see cref="RmsPropOuterBackprop"/> when <paramref name="x"/> is the output of a ReLU layer: <c>dx[i] = W[i, :] · dy</c>
    /// where <c>x[i] &gt; 0</c> and +0 elsewhere, i.e. <see cref="DenseKernels.BackpropInput"/> followed by
    /// <see cref="ActivationKernels.ReluBackward"/>. A row with <c>x[i] = 0</c> then needs neither the dot product nor the
    /// kernel update (its gradient row is +0, so <c>w</c> stays and only <c>v</c> decays).
    /// </summary>
    public static void RmsPropOuterBackpropRelu(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, Span<float> dx, float learningRate, float rho, float epsilon) =>
        RmsPropOuterBackprop<ReluActivation>(x, dy, weights, velocity, dx, learningRate, rho, epsilon);

    private static void RmsPropOuterBackprop<TActivation>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, Span<float> dx, float learningRate, float rho, float epsilon)
        where TActivation : struct, IInputActivation
    {
        int inputs = x.Length, units = dy.Length;
        if ((long)inputs * units != weights.Length || weights.Length != velocity.Length || dx.Length != inputs)
        {
            throw new ArgumentException($"shape mismatch: {inputs} inputs x {units} units vs kernel of {weights.Length}, state of {velocity.Length} and input delta of {dx.Length}");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (units == 1)
        {
            ColumnBackprop<TActivation>(ref xr, d, ref w, ref v, ref dxr, inputs, learningRate, rho, epsilon);
            return;
        }

        for (int i0 = 0; i0 < inputs; i0 += DenseKernels.MaskBlock)
        {
            int count = Math.Min(DenseKernels.MaskBlock, inputs - i0);
            ref float xb = ref Unsafe.Add(ref xr, i0);
            ulong all = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
            ulong nonZero = DenseKernels.NonZeroMask(ref xb, count);
            ulong withDelta = TActivation.IsRelu ? DenseKernels.PositiveMask(ref xb, count) : all;

            // the rows' bits are visited in ascending order without a branch per row; rows are independent
            for (ulong bits = nonZero & withDelta; bits != 0; bits &= bits - 1)
            {
                int i = i0 + BitOperations.TrailingZeroCount(bits);
                Unsafe.Add(ref dxr, i) = DotAndUpdate(ref Unsafe.Add(ref w, (nint)i * units), ref Unsafe.Add(ref v, (nint)i * units), ref d, units, Unsafe.Add(ref xr, i), learningRate, rho, epsilon);
            }

            // a non-zero input without a delta: NaN below a ReLU
            for (ulong bits = nonZero & ~withDelta; bits != 0; bits &= bits - 1)
            {
                int i = i0 + BitOperations.TrailingZeroCount(bits);
                DotAndUpdate(ref Unsafe.Add(ref w, (nint)i * units), ref Unsafe.Add(ref v, (nint)i * units), ref d, units, Unsafe.Add(ref xr, i), learningRate, rho, epsilon);
                Unsafe.Add(ref dxr, i) = 0f;
            }

            // a zero input: the gradient row is +0, so w stays and v decays
            for (ulong bits = all & ~nonZero; bits != 0; bits &= bits - 1)
            {
                int i = i0 + BitOperations.TrailingZeroCount(bits);
                Unsafe.Add(ref dxr, i) = TActivation.IsRelu ? 0f : DenseKernels.Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
                Decay(ref Unsafe.Add(ref v, (nint)i * units), units, rho);
            }
        }
    }

    /// <summary>
    /// One kernel row: returns <c>W[i, :] · dy</c> as <see cref="DenseKernels.Dot"/> sums it, then applies the RMSprop update
    /// with <c>g = fma(x[i], dy, +0)</c> as <see cref="RmsPropOuter"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotAndUpdate(ref float w, ref float v, ref float d, int units, float xi, float learningRate, float rho, float epsilon)
    {
        int j = 0;
        float s = 0f;
        if (Vector256.IsHardwareAccelerated && units >= Width)
        {
            var acc = Vector256<float>.Zero;
            var va = Vector256.Create(xi);
            var vRho = Vector256.Create(rho);
            var vDecay = Vector256.Create(1f - rho);
            var vLr = Vector256.Create(learningRate);
            var vEps = Vector256.Create(epsilon);
            for (; j + Width <= units; j += Width)
            {
                var wj = Vector256.LoadUnsafe(ref w, (nuint)j);
                var dj = Vector256.LoadUnsafe(ref d, (nuint)j);
                acc = Vector256.FusedMultiplyAdd(wj, dj, acc);
                var gi = Vector256.FusedMultiplyAdd(va, dj, Vector256<float>.Zero);
                var vi = (vRho * Vector256.LoadUnsafe(ref v, (nuint)j)) + (vDecay * (gi * gi));
                vi.StoreUnsafe(ref v, (nuint)j);
                (wj - ((vLr * gi) / Vector256.Sqrt(vi + vEps))).StoreUnsafe(ref w, (nuint)j);
            }

            s = Reductions.Combine(acc);
        }

        for (; j < units; j++)
        {
            ref float wj = ref Unsafe.Add(ref w, j);
            float dj = Unsafe.Add(ref d, j);
            s = MathF.FusedMultiplyAdd(wj, dj, s);
            Update(ref wj, ref Unsafe.Add(ref v, j), MathF.FusedMultiplyAdd(xi, dj, 0f), learningRate, rho, epsilon);
        }

        return s;
    }

    /// <summary>
    /// <see cref="RmsPropOuterBackprop{TActivation}"/> for a one-unit layer: the kernel is a column, so the rows are
    /// processed eight at a time (each row's dot product is the single <c>fma(W[i], dy, +0)</c>).
    /// </summary>
    private static void ColumnBackprop<TActivation>(ref float x, float dy, ref float w, ref float v, ref float dx, int inputs, float learningRate, float rho, float epsilon)
        where TActivation : struct, IInputActivation
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vd = Vector256.Create(dy);
            var vRho = Vector256.Create(rho);
            var vDecay = Vector256.Create(1f - rho);
            var vLr = Vector256.Create(learningRate);
            var vEps = Vector256.Create(epsilon);
            for (; i + Width <= inputs; i += Width)
            {
                var xi = Vector256.LoadUnsafe(ref x, (nuint)i);
                var delta = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)i), vd, Vector256<float>.Zero);
                if (TActivation.IsRelu)
                {
                    delta &= Vector256.GreaterThan(xi, Vector256<float>.Zero);
                }

                delta.StoreUnsafe(ref dx, (nuint)i);

                // rows with x = 0 keep the +0 gradient RmsPropOuter leaves them (w stays, v decays)
                var gi = Vector256.AndNot(Vector256.FusedMultiplyAdd(xi, vd, Vector256<float>.Zero), Vector256.Equals(xi, Vector256<float>.Zero));
                Update(ref w, ref v, (nuint)i, gi, vRho, vDecay, vLr, vEps);
            }
        }

        for (; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref x, i);
            ref float wi = ref Unsafe.Add(ref w, i);
            Unsafe.Add(ref dx, i) = TActivation.IsRelu && !(xi > 0f) ? 0f : MathF.FusedMultiplyAdd(wi, dy, 0f);
            if (xi == 0f)
            {
                Unsafe.Add(ref v, i) *= rho;
            }
            else
            {
                Update(ref wi, ref Unsafe.Add(ref v, i), MathF.FusedMultiplyAdd(xi, dy, 0f), learningRate, rho, epsilon);
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

    /// <summary><c>v = ρv</c> over <paramref name="n"/> elements: RMSprop's update where the gradient is +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Decay(ref float v, int n, float rho)
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

    /// <summary>The activation of the layer below a fused backward step: whether its derivative masks the input delta.</summary>
    private interface IInputActivation
    {
        static abstract bool IsRelu { get; }
    }

    /// <summary>Any activation: the input delta is the full <c>W · dy</c>.</summary>
    private readonly struct AnyActivation : IInputActivation
    {
        public static bool IsRelu => false;
    }

    /// <summary>ReLU: the input delta is <c>W · dy</c> where the input is positive, +0 elsewhere.</summary>
    private readonly struct ReluActivation : IInputActivation
    {
        public static bool IsRelu => true;
    }

    /// <summary>The RMSprop denominator, the only difference between Keras 3 and legacy tf.keras.</summary>
    /// <summary>RMSprop's hyper-parameters (and the gradient scale) as scalars and broadcast vectors.</summary>
    internal readonly struct RmsPropConstants(float scale, float learningRate, float rho, float epsilon)
    {
        public readonly float Scale = scale, LearningRate = learningRate, Rho = rho, Decay = 1f - rho, Epsilon = epsilon;
        public readonly Vector256<float> Scale256 = Vector256.Create(scale), LearningRate256 = Vector256.Create(learningRate),
            Rho256 = Vector256.Create(rho), Decay256 = Vector256.Create(1f - rho), Epsilon256 = Vector256.Create(epsilon);
    }

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
