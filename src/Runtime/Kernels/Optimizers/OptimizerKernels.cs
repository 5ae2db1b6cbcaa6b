using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// Optimizer steps over parameter blocks, each written once over <see cref="ILanes{TSelf}"/> and generic over the
/// update (<see cref="IOptimizerUpdate"/>: <see cref="RmsPropUpdate"/>, <see cref="RmsPropLegacyUpdate"/>,
/// <see cref="AdamUpdate"/>, <see cref="SgdUpdate"/>, <see cref="SgdMomentumUpdate"/>, <see cref="SgdNesterovUpdate"/>).
/// Element-wise work runs the widest accelerated width, then the narrower ones, then scalar for the last elements, all
/// with the same per-lane expression, so results do not depend on the vector width or on where an element falls. The
/// fused single-row kernels' input deltas are dot products in the <see cref="Reductions"/> order.
/// </summary>
/// <remarks>State spans the update does not use (<see cref="IOptimizerUpdate.StateCount"/>) may be empty.</remarks>
public static partial class OptimizerKernels
{
    /// <summary>The update of every element: <c>w[i] = u(w[i], grad[i] · scale, s1[i], s2[i])</c> (Keras minimises the
    /// batch-mean loss, so the trainer passes <c>scale = 1 / batch</c>).</summary>
    public static void Apply<TUpdate>(in TUpdate update, Span<float> weights, ReadOnlySpan<float> gradients, Span<float> s1, Span<float> s2, float scale)
        where TUpdate : struct, IOptimizerUpdate
    {
        int n = weights.Length;
        if (gradients.Length != n)
        {
            Throw($"parameter ({n}) and gradient ({gradients.Length}) blocks differ in length");
        }

        CheckState<TUpdate>(n, s1, s2);
        TUpdate u = update; // a local: its fields stay in registers and nothing the loop stores can alias them
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float a = ref MemoryMarshal.GetReference(s1);
        ref float b = ref MemoryMarshal.GetReference(s2);
        var loop = new ApplyLoop<TUpdate>(u, ref w, ref g, ref a, ref b, scale);
        Widths.Run(ref loop, n);
    }

    /// <summary>
    /// A single-row dense layer's kernel update fused with its gradient <c>g[i, j] = x[i] · dy[j]</c> (scale 1): exactly the
    /// floats of <see cref="DenseKernels.AccumulateOuter"/> into a zeroed block followed by <see cref="Apply{TUpdate}"/> with
    /// scale 1. The gradient is formed the same way (a fused multiply-add onto +0); rows with <c>x[i] = 0</c> have the
    /// gradient +0 (state-only where the update allows it, <see cref="IOptimizerUpdate.ZeroGradientKeepsWeight"/>).
    /// </summary>
    public static void ApplyOuter<TUpdate>(in TUpdate update, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> s1, Span<float> s2)
        where TUpdate : struct, IOptimizerUpdate
    {
        int inputs = x.Length, units = dy.Length;
        if ((long)inputs * units != weights.Length)
        {
            Throw($"shape mismatch: {inputs} inputs x {units} units vs kernel of {weights.Length}");
        }

        CheckState<TUpdate>(weights.Length, s1, s2);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float a = ref MemoryMarshal.GetReference(s1);
        ref float b = ref MemoryMarshal.GetReference(s2);
        if (Lanes256.IsHardwareAccelerated)
        {
            OuterRows<TUpdate, Lanes256>(update, ref xr, ref d, ref w, ref a, ref b, inputs, units);
        }
        else if (Lanes128.IsHardwareAccelerated)
        {
            OuterRows<TUpdate, Lanes128>(update, ref xr, ref d, ref w, ref a, ref b, inputs, units);
        }
        else
        {
            OuterRows<TUpdate, Scalar>(update, ref xr, ref d, ref w, ref a, ref b, inputs, units);
        }
    }

    /// <summary>
    /// A hidden dense layer's backward pass fused with its kernel update for one row (scale 1). Per kernel row <c>i</c>,
    /// first the input delta <c>dx[i] = W[i, :] · dy</c> from the row before it changes (exactly the floats of
    /// <see cref="DenseKernels.BackpropInput"/>: <see cref="Reductions.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>'s
    /// order), then the update with <c>g[i, :] = x[i] · dy</c> (exactly those of <see cref="ApplyOuter{TUpdate}"/>): one pass
    /// over the kernel instead of two.
    /// </summary>
    public static void ApplyOuterBackprop<TUpdate>(in TUpdate update, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> s1, Span<float> s2, Span<float> dx)
        where TUpdate : struct, IOptimizerUpdate =>
        OuterBackprop<TUpdate, AnyActivation>(update, x, dy, weights, s1, s2, dx);

    /// <summary>
    /// <see cref="ApplyOuterBackprop{TUpdate}"/> when <paramref name="x"/> is the output of a ReLU layer: <c>dx[i] = W[i, :] · dy</c>
    /// where <c>x[i] &gt; 0</c> and +0 elsewhere, i.e. <see cref="DenseKernels.BackpropInput"/> followed by
    /// <see cref="ActivationKernels.ReluBackward"/>. A row with <c>x[i] = 0</c> then needs neither the dot product nor the
    /// gradient (it is +0).
    /// </summary>
    public static void ApplyOuterBackpropRelu<TUpdate>(in TUpdate update, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> s1, Span<float> s2, Span<float> dx)
        where TUpdate : struct, IOptimizerUpdate =>
        OuterBackprop<TUpdate, ReluActivation>(update, x, dy, weights, s1, s2, dx);

    /// <summary>
    /// A single-row bias update fused with its gradient <c>g = 0 + dy</c> (scale 1): exactly the floats of
    /// <see cref="DenseKernels.Accumulate"/> into a zeroed block followed by <see cref="Apply{TUpdate}"/> with scale 1.
    /// </summary>
    public static void ApplyBias<TUpdate>(in TUpdate update, ReadOnlySpan<float> dy, Span<float> bias, Span<float> s1, Span<float> s2)
        where TUpdate : struct, IOptimizerUpdate
    {
        int n = dy.Length;
        if (bias.Length != n)
        {
            Throw($"delta ({n}) and bias ({bias.Length}) differ in length");
        }

        CheckState<TUpdate>(n, s1, s2);
        TUpdate u = update;
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float w = ref MemoryMarshal.GetReference(bias);
        ref float a = ref MemoryMarshal.GetReference(s1);
        ref float b = ref MemoryMarshal.GetReference(s2);
        var loop = new BiasLoop<TUpdate>(u, ref d, ref w, ref a, ref b);
        Widths.Run(ref loop, n);
    }

    /// <summary>One element of <paramref name="update"/> (each call broadcasts the hyper-parameters; kernels hoist them).</summary>
    public static float Invoke<TUpdate>(in TUpdate update, float w, float g, ref float s1, ref float s2)
        where TUpdate : struct, IOptimizerUpdate =>
        Invoke(update, new Scalar(w), new Scalar(g), ref Unsafe.As<float, Scalar>(ref s1), ref Unsafe.As<float, Scalar>(ref s2)).Value;

    /// <summary>Four elements of <paramref name="update"/>.</summary>
    public static Vector128<float> Invoke<TUpdate>(in TUpdate update, Vector128<float> w, Vector128<float> g, ref Vector128<float> s1, ref Vector128<float> s2)
        where TUpdate : struct, IOptimizerUpdate =>
        Invoke(update, new Lanes128(w), new Lanes128(g), ref Unsafe.As<Vector128<float>, Lanes128>(ref s1), ref Unsafe.As<Vector128<float>, Lanes128>(ref s2)).Value;

    /// <summary>Eight elements of <paramref name="update"/>.</summary>
    public static Vector256<float> Invoke<TUpdate>(in TUpdate update, Vector256<float> w, Vector256<float> g, ref Vector256<float> s1, ref Vector256<float> s2)
        where TUpdate : struct, IOptimizerUpdate =>
        Invoke(update, new Lanes256(w), new Lanes256(g), ref Unsafe.As<Vector256<float>, Lanes256>(ref s1), ref Unsafe.As<Vector256<float>, Lanes256>(ref s2)).Value;

    /// <summary>Sixteen elements of <paramref name="update"/>.</summary>
    public static Vector512<float> Invoke<TUpdate>(in TUpdate update, Vector512<float> w, Vector512<float> g, ref Vector512<float> s1, ref Vector512<float> s2)
        where TUpdate : struct, IOptimizerUpdate =>
        Invoke(update, new Lanes512(w), new Lanes512(g), ref Unsafe.As<Vector512<float>, Lanes512>(ref s1), ref Unsafe.As<Vector512<float>, Lanes512>(ref s2)).Value;

    /// <summary>One block of <paramref name="update"/> of any width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Invoke<TUpdate, TV>(in TUpdate update, TV w, TV g, ref TV s1, ref TV s2)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        var k = update.Constants<TV>();
        return TUpdate.Invoke(k, w, g, ref s1, ref s2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ApplyBlocks<TUpdate, TV>(in TUpdate u, ref float w, ref float g, ref float a, ref float b, int i, int n, float scale)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        var k = u.Constants<TV>();
        var vs = TV.Create(scale);
        for (; i + TV.Count <= n; i += TV.Count)
        {
            var gi = TV.Load(ref g, (nuint)i) * vs;
            if (TUpdate.ZeroGradientKeepsWeight && TV.AllZero(gi))
            {
                // a zero gradient (untouched sparse rows, inactive ReLUs): the state-only update, which is what the
                // full expression gives, without its square root and division
                ZeroStep<TUpdate, TV>(k, ref a, ref b, (nuint)i);
                continue;
            }

            Step<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)i, TV.Load(ref w, (nuint)i), gi);
        }

        return i;
    }

    /// <summary>The update of the block at <paramref name="i"/> with weight <paramref name="wi"/> (already loaded) and gradient <paramref name="g"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Step<TUpdate, TV>(in UpdateConstants<TV> k, ref float w, ref float a, ref float b, nuint i, TV wi, TV g)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        // the update writes its state straight into the state blocks (as soon as it is computed, before the weight's
        // square root and division); an update without that state gets a local to write to
        TV unused = default;
        ref TV s1 = ref TUpdate.StateCount >= 1 ? ref Unsafe.As<float, TV>(ref Unsafe.Add(ref a, i)) : ref unused;
        ref TV s2 = ref TUpdate.StateCount >= 2 ? ref Unsafe.As<float, TV>(ref Unsafe.Add(ref b, i)) : ref unused;
        TV.Store(TUpdate.Invoke(k, wi, g, ref s1, ref s2), ref w, i);
    }

    /// <summary><see cref="IOptimizerUpdate.ZeroGradient"/> on the state of the block at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ZeroStep<TUpdate, TV>(in UpdateConstants<TV> k, ref float a, ref float b, nuint i)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        if (TUpdate.StateCount == 0)
        {
            return;
        }

        var s1 = TV.Load(ref a, i);
        var s2 = TUpdate.StateCount >= 2 ? TV.Load(ref b, i) : TV.Zero;
        TUpdate.ZeroGradient(k, ref s1, ref s2);
        TV.Store(s1, ref a, i);
        if (TUpdate.StateCount >= 2)
        {
            TV.Store(s2, ref b, i);
        }
    }

    // Row kernels: every row of a kernel has the same length, so the width is chosen once per call: TV (eight lanes
    // where 256-bit vectors are accelerated, else four, else scalar) for the whole blocks of a row and Scalar for its
    // last units mod TV.Count. The constants are broadcast per row, so nothing in a row's loop is live across a call.

    /// <summary>
    /// The update of <paramref name="n"/> elements whose gradient is +0: the state-only update where the weight stays
    /// (<see cref="IOptimizerUpdate.ZeroGradientKeepsWeight"/>), else the full update with <c>g = +0</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ZeroRow<TUpdate, TV>(in TUpdate u, ref float w, ref float a, ref float b, int n)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        if (TUpdate.ZeroGradientKeepsWeight && TUpdate.StateCount == 0)
        {
            return;
        }

        int j = ZeroBlocks<TUpdate, TV>(u.Constants<TV>(), ref w, ref a, ref b, 0, n);
        if (j < n)
        {
            ZeroBlocks<TUpdate, Scalar>(u.Constants<Scalar>(), ref w, ref a, ref b, j, n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ZeroBlocks<TUpdate, TV>(in UpdateConstants<TV> k, ref float w, ref float a, ref float b, int j, int n)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        for (; j + TV.Count <= n; j += TV.Count)
        {
            if (TUpdate.ZeroGradientKeepsWeight)
            {
                ZeroStep<TUpdate, TV>(k, ref a, ref b, (nuint)j);
            }
            else
            {
                Step<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)j, TV.Load(ref w, (nuint)j), TV.Zero);
            }
        }

        return j;
    }

    private static void OuterRows<TUpdate, TV>(in TUpdate u, ref float x, ref float d, ref float w, ref float a, ref float b, int inputs, int units)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        for (int i = 0; i < inputs; i++)
        {
            nint row = (nint)i * units;
            float xi = Unsafe.Add(ref x, i);
            ref float wr = ref Unsafe.Add(ref w, row);
            ref float ar = ref Unsafe.Add(ref a, row);
            ref float br = ref Unsafe.Add(ref b, row);
            if (xi == 0f)
            {
                ZeroRow<TUpdate, TV>(u, ref wr, ref ar, ref br, units);
                continue;
            }

            int j = OuterBlocks<TUpdate, TV>(u.Constants<TV>(), TV.Create(xi), ref d, ref wr, ref ar, ref br, 0, units);
            if (j < units)
            {
                OuterBlocks<TUpdate, Scalar>(u.Constants<Scalar>(), new Scalar(xi), ref d, ref wr, ref ar, ref br, j, units);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OuterBlocks<TUpdate, TV>(in UpdateConstants<TV> k, TV x, ref float d, ref float w, ref float a, ref float b, int j, int units)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        for (; j + TV.Count <= units; j += TV.Count)
        {
            var g = TV.Fma(x, TV.Load(ref d, (nuint)j), TV.Zero);
            Step<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)j, TV.Load(ref w, (nuint)j), g);
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BiasBlocks<TUpdate, TV>(in TUpdate u, ref float d, ref float w, ref float a, ref float b, int j, int n)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        var k = u.Constants<TV>();
        for (; j + TV.Count <= n; j += TV.Count)
        {
            var g = TV.Load(ref d, (nuint)j) + TV.Zero;
            Step<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)j, TV.Load(ref w, (nuint)j), g);
        }

        return j;
    }

    /// <summary><see cref="Apply{TUpdate}"/>'s operands for <see cref="Widths.Run{TLoop}"/>.</summary>
    private readonly ref struct ApplyLoop<TUpdate> : IBlockLoop
        where TUpdate : struct, IOptimizerUpdate
    {
        private readonly TUpdate _u;
        private readonly ref float _w;
        private readonly ref float _g;
        private readonly ref float _a;
        private readonly ref float _b;
        private readonly float _scale;

        public ApplyLoop(in TUpdate u, ref float w, ref float g, ref float a, ref float b, float scale)
        {
            _u = u;
            _w = ref w;
            _g = ref g;
            _a = ref a;
            _b = ref b;
            _scale = scale;
        }

        public int Run<TL>(int i, int n)
            where TL : struct, ILanes<TL> =>
            ApplyBlocks<TUpdate, TL>(_u, ref _w, ref _g, ref _a, ref _b, i, n, _scale);
    }

    /// <summary><see cref="ApplyBias{TUpdate}"/>'s operands for <see cref="Widths.Run{TLoop}"/>.</summary>
    private readonly ref struct BiasLoop<TUpdate> : IBlockLoop
        where TUpdate : struct, IOptimizerUpdate
    {
        private readonly TUpdate _u;
        private readonly ref float _d;
        private readonly ref float _w;
        private readonly ref float _a;
        private readonly ref float _b;

        public BiasLoop(in TUpdate u, ref float d, ref float w, ref float a, ref float b)
        {
            _u = u;
            _d = ref d;
            _w = ref w;
            _a = ref a;
            _b = ref b;
        }

        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL> =>
            BiasBlocks<TUpdate, TL>(_u, ref _d, ref _w, ref _a, ref _b, j, n);
    }

    internal static void CheckState<TUpdate>(int n, Span<float> s1, Span<float> s2)
        where TUpdate : struct, IOptimizerUpdate
    {
        if ((TUpdate.StateCount >= 1 && s1.Length != n) || (TUpdate.StateCount >= 2 && s2.Length != n))
        {
            Throw($"the optimizer state ({s1.Length}, {s2.Length}) does not match the {n} parameters ({TUpdate.StateCount} state vectors)");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string message) => throw new ArgumentException(message);

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
}
