using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>The fused one-row steps of a dense layer: each kernel row's update together with the input delta's dot product, read from the weights before their update.</summary>
public static partial class OptimizerKernels
{
    private static void OuterBackprop<TUpdate, TActivation>(in TUpdate update, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> s1, Span<float> s2, Span<float> dx)
        where TUpdate : struct, IOptimizerUpdate
        where TActivation : struct, IInputActivation
    {
        int inputs = x.Length, units = dy.Length;
        if ((long)inputs * units != weights.Length || dx.Length != inputs)
        {
            Throw($"shape mismatch: {inputs} inputs x {units} units vs kernel of {weights.Length} and input delta of {dx.Length}");
        }

        CheckState<TUpdate>(weights.Length, s1, s2);
        TUpdate u = update;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float a = ref MemoryMarshal.GetReference(s1);
        ref float b = ref MemoryMarshal.GetReference(s2);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (units == 1)
        {
            Column<TUpdate, TActivation>(u, ref xr, d, ref w, ref a, ref b, ref dxr, inputs);
        }
        else if (Lanes256.IsHardwareAccelerated)
        {
            OuterBackpropRows<TUpdate, TActivation, Lanes256>(u, ref xr, ref d, ref w, ref a, ref b, ref dxr, inputs, units);
        }
        else if (Lanes128.IsHardwareAccelerated)
        {
            OuterBackpropRows<TUpdate, TActivation, Lanes128>(u, ref xr, ref d, ref w, ref a, ref b, ref dxr, inputs, units);
        }
        else
        {
            OuterBackpropRows<TUpdate, TActivation, Scalar>(u, ref xr, ref d, ref w, ref a, ref b, ref dxr, inputs, units);
        }
    }

    private static void OuterBackpropRows<TUpdate, TActivation, TV>(in TUpdate u, ref float xr, ref float d, ref float w, ref float a, ref float b, ref float dxr, int inputs, int units)
        where TUpdate : struct, IOptimizerUpdate
        where TActivation : struct, IInputActivation
        where TV : struct, ILanes<TV>
    {
        for (int i0 = 0; i0 < inputs; i0 += DenseKernels.MaskBlock)
        {
            int count = Math.Min(DenseKernels.MaskBlock, inputs - i0);
            ref float xb = ref Unsafe.Add(ref xr, i0);
            ulong all = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
            ulong nonZero = DenseKernels.NonZeroMask(ref xb, count);
            ulong withDelta = TActivation.IsRelu ? DenseKernels.PositiveMask(ref xb, count) : all;

            // the rows' bits are visited in ascending order without a branch per row; rows are independent. A non-zero
            // input without a delta (NaN below a ReLU) is updated but gets dx = +0
            for (ulong bits = nonZero; bits != 0; bits &= bits - 1)
            {
                int bit = BitOperations.TrailingZeroCount(bits), i = i0 + bit;
                nint row = (nint)i * units;
                float dot = DotAndUpdate<TUpdate, TV>(u, ref Unsafe.Add(ref w, row), ref Unsafe.Add(ref a, row), ref Unsafe.Add(ref b, row), ref d, units, Unsafe.Add(ref xr, i));
                Unsafe.Add(ref dxr, i) = ((withDelta >> bit) & 1) != 0 ? dot : 0f;
            }

            // a zero input: the gradient row is +0
            for (ulong bits = all & ~nonZero; bits != 0; bits &= bits - 1)
            {
                int i = i0 + BitOperations.TrailingZeroCount(bits);
                nint row = (nint)i * units;
                Unsafe.Add(ref dxr, i) = TActivation.IsRelu ? 0f : Reductions.Dot(ref Unsafe.Add(ref w, row), ref d, units);
                ZeroRow<TUpdate, TV>(u, ref Unsafe.Add(ref w, row), ref Unsafe.Add(ref a, row), ref Unsafe.Add(ref b, row), units);
            }
        }
    }

    /// <summary>
    /// One kernel row: returns <c>W[i, :] · dy</c> in the <see cref="Reductions"/> order (eight logical lanes), then applies
    /// the update with <c>g = fma(x[i], dy, +0)</c> as <see cref="ApplyOuter{TUpdate}"/> does, in the same pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotAndUpdate<TUpdate, TV>(in TUpdate u, ref float w, ref float a, ref float b, ref float d, int units, float xi)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        int blocks = units >> 3;
        float s = 0f;
        if (blocks > 0)
        {
            var k = u.Constants<TV>();
            var vx = TV.Create(xi);
            TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero, s4 = TV.Zero, s5 = TV.Zero, s6 = TV.Zero, s7 = TV.Zero;
            for (int i = 0; i < blocks; i++)
            {
                nuint o = (nuint)(i * 8);
                s0 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o, s0);
                if (TV.Count < 8)
                {
                    s1 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + (nuint)TV.Count, s1);
                }

                if (TV.Count < 4)
                {
                    s2 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 2, s2);
                    s3 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 3, s3);
                    s4 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 4, s4);
                    s5 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 5, s5);
                    s6 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 6, s6);
                    s7 = DotAndStep<TUpdate, TV>(k, vx, ref w, ref a, ref b, ref d, o + 7, s7);
                }
            }

            s = MathKernels.Combine(s0, s1, s2, s3, s4, s5, s6, s7);
        }

        return blocks * 8 < units ? DotAndUpdateTail(u, ref w, ref a, ref b, ref d, blocks * 8, units, xi, s) : s;
    }

    // the last units mod 8 of a row: the dot product continues in ascending order, one element at a time
    private static float DotAndUpdateTail<TUpdate>(in TUpdate u, ref float w, ref float a, ref float b, ref float d, int j, int units, float xi, float s)
        where TUpdate : struct, IOptimizerUpdate
    {
        var k1 = u.Constants<Scalar>();
        var x1 = new Scalar(xi);
        var acc = new Scalar(s);
        for (; j < units; j++)
        {
            acc = DotAndStep<TUpdate, Scalar>(k1, x1, ref w, ref a, ref b, ref d, (nuint)j, acc);
        }

        return acc.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV DotAndStep<TUpdate, TV>(in UpdateConstants<TV> k, TV x, ref float w, ref float a, ref float b, ref float d, nuint o, TV acc)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        var wj = TV.Load(ref w, o);
        var dj = TV.Load(ref d, o);
        TV.MultiplyAdd(ref acc, wj, dj);
        Step<TUpdate, TV>(k, ref w, ref a, ref b, o, wj, TV.Fma(x, dj, TV.Zero));
        return acc;
    }

    /// <summary>
    /// <see cref="OuterBackprop{TUpdate, TActivation}"/> for a one-unit layer: the kernel is a column, so the rows are
    /// processed a block at a time (each row's dot product is the single <c>fma(W[i], dy, +0)</c>); rows with
    /// <c>x[i] = 0</c> get the +0 gradient <see cref="ApplyOuter{TUpdate}"/> gives them.
    /// </summary>
    private static void Column<TUpdate, TActivation>(in TUpdate u, ref float x, float dy, ref float w, ref float a, ref float b, ref float dx, int inputs)
        where TUpdate : struct, IOptimizerUpdate
        where TActivation : struct, IInputActivation
    {
        var loop = new ColumnLoop<TUpdate, TActivation>(u, ref x, dy, ref w, ref a, ref b, ref dx);
        Widths.Run(ref loop, inputs);
    }

    /// <summary><see cref="Column{TUpdate, TActivation}"/>'s operands for <see cref="Widths.Run{TLoop}"/>.</summary>
    private readonly ref struct ColumnLoop<TUpdate, TActivation> : IBlockLoop
        where TUpdate : struct, IOptimizerUpdate
        where TActivation : struct, IInputActivation
    {
        private readonly TUpdate _u;
        private readonly ref float _x;
        private readonly ref float _w;
        private readonly ref float _a;
        private readonly ref float _b;
        private readonly ref float _dx;
        private readonly float _dy;

        public ColumnLoop(in TUpdate u, ref float x, float dy, ref float w, ref float a, ref float b, ref float dx)
        {
            _u = u;
            _x = ref x;
            _dy = dy;
            _w = ref w;
            _a = ref a;
            _b = ref b;
            _dx = ref dx;
        }

        public int Run<TL>(int i, int n)
            where TL : struct, ILanes<TL> =>
            ColumnBlocks<TUpdate, TActivation, TL>(_u, ref _x, _dy, ref _w, ref _a, ref _b, ref _dx, i, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ColumnBlocks<TUpdate, TActivation, TV>(in TUpdate u, ref float x, float dy, ref float w, ref float a, ref float b, ref float dx, int i, int inputs)
        where TUpdate : struct, IOptimizerUpdate
        where TActivation : struct, IInputActivation
        where TV : struct, ILanes<TV>
    {
        var k = u.Constants<TV>();
        var vd = TV.Create(dy);
        for (; i + TV.Count <= inputs; i += TV.Count)
        {
            var xi = TV.Load(ref x, (nuint)i);
            var wi = TV.Load(ref w, (nuint)i);
            var delta = TV.Fma(wi, vd, TV.Zero);
            if (TActivation.IsRelu)
            {
                delta &= TV.GreaterThan(xi, TV.Zero);
            }

            TV.Store(delta, ref dx, (nuint)i);
            var g = TV.AndNot(TV.Fma(xi, vd, TV.Zero), TV.Equal(xi, TV.Zero));
            Step<TUpdate, TV>(k, ref w, ref a, ref b, (nuint)i, wi, g);
        }

        return i;
    }
}
