using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// Row kernels of a dense layer <c>y = x · W + b</c> with <c>W</c> stored [inputs, units] row-major.
/// Generated models call these once per layer and row. All sums run in the same order on the vector body
/// and on the scalar tail (bias first, then input rows in ascending order, fused multiply-adds), so a
/// column's value does not depend on where it falls relative to the vector width, and a sparse multi-hot
/// row gives bit-identical results to its dense 0/1 form.
/// </summary>
public static class DenseKernels
{
    /// <summary>Rows per bit mask in <see cref="Affine"/> and the fused optimizer kernels.</summary>
    internal const int MaskBlock = 64;

    private const int Width = 8; // Vector256<float>.Count

    /// <summary>
    /// <c>y = b + Σ_i x[i] · W[i, :]</c>, skipping zero inputs. The inputs are taken in blocks of 64: a bit mask of the
    /// block's non-zero inputs is built with vector compares, and the accumulators visit its set bits in ascending order,
    /// so inactive ReLU inputs cost neither a multiply-add nor a mispredicted branch.
    /// </summary>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y)
    {
        int inputs = x.Length, units = bias.Length;
        CheckShapes(inputs, units, kernel.Length, y.Length);
        bias.CopyTo(y);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int i0 = 0; i0 < inputs; i0 += MaskBlock)
        {
            ulong active = NonZeroMask(ref Unsafe.Add(ref xr, i0), Math.Min(MaskBlock, inputs - i0));
            if (active != 0)
            {
                AccumulateRows(ref Unsafe.Add(ref xr, i0), ref Unsafe.Add(ref w, (nint)i0 * units), ref yr, active, units);
            }
        }
    }

    /// <summary>Bit <c>k</c> set when <c>x[k] != 0</c> (NaN counts as non-zero), for <c>k &lt; count ≤ 64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong NonZeroMask(ref float x, int count)
    {
        ulong mask = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + Width <= count; k += Width)
            {
                mask |= (ulong)(~Vector256.Equals(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256<float>.Zero)).ExtractMostSignificantBits() << k;
            }
        }

        for (; k < count; k++)
        {
            mask |= (ulong)Unsafe.BitCast<bool, byte>(Unsafe.Add(ref x, k) != 0f) << k;
        }

        return mask;
    }

    /// <summary>Bit <c>k</c> set when <c>x[k] &gt; 0</c> (the ReLU derivative), for <c>k &lt; count ≤ 64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PositiveMask(ref float x, int count)
    {
        ulong mask = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + Width <= count; k += Width)
            {
                mask |= (ulong)Vector256.GreaterThan(Vector256.LoadUnsafe(ref x, (nuint)k), Vector256<float>.Zero).ExtractMostSignificantBits() << k;
            }
        }

        for (; k < count; k++)
        {
            mask |= (ulong)Unsafe.BitCast<bool, byte>(Unsafe.Add(ref x, k) > 0f) << k;
        }

        return mask;
    }

    /// <summary><c>y[j] = fma(x[i], W[i, j], y[j])</c> for the rows <c>i</c> set in <paramref name="rows"/>, in ascending order.</summary>
    private static void AccumulateRows(ref float x, ref float w, ref float y, ulong rows, int units)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 64 columns per pass over the rows, then the remaining 8 to 63 in one more pass
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                AccumulateRowsInRegisters<Blocks8>(ref x, ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref y, j), rows, units, 8 * Width);
            }

            int rest = units - j;
            if (rest >= Width)
            {
                ref float wj = ref Unsafe.Add(ref w, j);
                ref float yj = ref Unsafe.Add(ref y, j);
                switch ((rest + Width - 1) / Width)
                {
                    case 1: AccumulateRowsInRegisters<Blocks1>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 2: AccumulateRowsInRegisters<Blocks2>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 3: AccumulateRowsInRegisters<Blocks3>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 4: AccumulateRowsInRegisters<Blocks4>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 5: AccumulateRowsInRegisters<Blocks5>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 6: AccumulateRowsInRegisters<Blocks6>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 7: AccumulateRowsInRegisters<Blocks7>(ref x, ref wj, ref yj, rows, units, rest); break;
                    default: AccumulateRowsInRegisters<Blocks8>(ref x, ref wj, ref yj, rows, units, rest); break;
                }

                j = units;
            }
        }

        for (; j < units; j++)
        {
            float s = Unsafe.Add(ref y, j);
            for (ulong bits = rows; bits != 0; bits &= bits - 1)
            {
                int i = BitOperations.TrailingZeroCount(bits);
                s = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref w, (nint)i * units + j), s);
            }

            Unsafe.Add(ref y, j) = s;
        }
    }

    /// <summary>
    /// <see cref="AccumulateRows"/> over <paramref name="width"/> columns (8 to 64; rows <paramref name="stride"/> floats
    /// apart) in one pass over the rows: one accumulator per block of eight, all in registers, the last block ending at
    /// the last column (it may overlap the one before it: both compute the overlapping elements from the same start in
    /// the same order, so they store the same floats).
    /// </summary>
    private static void AccumulateRowsInRegisters<TBlocks>(ref float x, ref float w, ref float y, ulong rows, int stride, int width)
        where TBlocks : struct, IBlockCount
    {
        int blocks = TBlocks.Count;
        nuint last = (nuint)(width - Width);
        nuint o1 = blocks > 2 ? 8 : last, o2 = blocks > 3 ? 16 : last, o3 = blocks > 4 ? 24 : last;
        nuint o4 = blocks > 5 ? 32 : last, o5 = blocks > 6 ? 40 : last, o6 = blocks > 7 ? 48 : last, o7 = last;
        var zero = Vector256<float>.Zero;
        var a0 = Vector256.LoadUnsafe(ref y, 0);
        var a1 = blocks > 1 ? Vector256.LoadUnsafe(ref y, o1) : zero;
        var a2 = blocks > 2 ? Vector256.LoadUnsafe(ref y, o2) : zero;
        var a3 = blocks > 3 ? Vector256.LoadUnsafe(ref y, o3) : zero;
        var a4 = blocks > 4 ? Vector256.LoadUnsafe(ref y, o4) : zero;
        var a5 = blocks > 5 ? Vector256.LoadUnsafe(ref y, o5) : zero;
        var a6 = blocks > 6 ? Vector256.LoadUnsafe(ref y, o6) : zero;
        var a7 = blocks > 7 ? Vector256.LoadUnsafe(ref y, o7) : zero;
        for (ulong bits = rows; bits != 0; bits &= bits - 1)
        {
            int i = BitOperations.TrailingZeroCount(bits);
            var v = Vector256.Create(Unsafe.Add(ref x, i));
            ref float row = ref Unsafe.Add(ref w, (nint)i * stride);
            a0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row), a0);
            if (blocks > 1)
            {
                a1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o1), a1);
            }

            if (blocks > 2)
            {
                a2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o2), a2);
            }

            if (blocks > 3)
            {
                a3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o3), a3);
            }

            if (blocks > 4)
            {
                a4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o4), a4);
            }

            if (blocks > 5)
            {
                a5 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o5), a5);
            }

            if (blocks > 6)
            {
                a6 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o6), a6);
            }

            if (blocks > 7)
            {
                a7 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref row, o7), a7);
            }
        }

        a0.StoreUnsafe(ref y, 0);
        if (blocks > 1)
        {
            a1.StoreUnsafe(ref y, o1);
        }

        if (blocks > 2)
        {
            a2.StoreUnsafe(ref y, o2);
        }

        if (blocks > 3)
        {
            a3.StoreUnsafe(ref y, o3);
        }

        if (blocks > 4)
        {
            a4.StoreUnsafe(ref y, o4);
        }

        if (blocks > 5)
        {
            a5.StoreUnsafe(ref y, o5);
        }

        if (blocks > 6)
        {
            a6.StoreUnsafe(ref y, o6);
        }

        if (blocks > 7)
        {
            a7.StoreUnsafe(ref y, o7);
        }
    }

    /// <summary>Multi-hot input: <c>y = b + Σ_{c ∈ active} W[c, :]</c> (the dense form with ones at <paramref name="active"/>).</summary>
    public static void SparseAffine(ReadOnlySpan<int> active, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y)
    {
        int units = bias.Length;
        if (units == 0 || kernel.Length % units != 0 || y.Length != units)
        {
            throw new ArgumentException("kernel, bias and output shapes do not match");
        }

        int inputs = kernel.Length / units;
        CheckColumns(active, inputs);
        bias.CopyTo(y);
        ref int cr = ref MemoryMarshal.GetReference(active);
        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int count = active.Length;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 64 columns per pass: each gathered kernel row is read once, a whole cache-line group at a time
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                var a0 = Vector256.LoadUnsafe(ref yr, (nuint)j);
                var a1 = Vector256.LoadUnsafe(ref yr, (nuint)(j + Width));
                var a2 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (2 * Width)));
                var a3 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (3 * Width)));
                var a4 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (4 * Width)));
                var a5 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (5 * Width)));
                var a6 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (6 * Width)));
                var a7 = Vector256.LoadUnsafe(ref yr, (nuint)(j + (7 * Width)));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 += Vector256.LoadUnsafe(ref row);
                    a1 += Vector256.LoadUnsafe(ref row, Width);
                    a2 += Vector256.LoadUnsafe(ref row, 2 * Width);
                    a3 += Vector256.LoadUnsafe(ref row, 3 * Width);
                    a4 += Vector256.LoadUnsafe(ref row, 4 * Width);
                    a5 += Vector256.LoadUnsafe(ref row, 5 * Width);
                    a6 += Vector256.LoadUnsafe(ref row, 6 * Width);
                    a7 += Vector256.LoadUnsafe(ref row, 7 * Width);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + Width));
                a2.StoreUnsafe(ref yr, (nuint)(j + (2 * Width)));
                a3.StoreUnsafe(ref yr, (nuint)(j + (3 * Width)));
                a4.StoreUnsafe(ref yr, (nuint)(j + (4 * Width)));
                a5.StoreUnsafe(ref yr, (nuint)(j + (5 * Width)));
                a6.StoreUnsafe(ref yr, (nuint)(j + (6 * Width)));
                a7.StoreUnsafe(ref yr, (nuint)(j + (7 * Width)));
            }

            for (; j + (2 * Width) <= units; j += 2 * Width)
            {
                var a0 = Vector256.LoadUnsafe(ref yr, (nuint)j);
                var a1 = Vector256.LoadUnsafe(ref yr, (nuint)(j + Width));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 += Vector256.LoadUnsafe(ref row);
                    a1 += Vector256.LoadUnsafe(ref row, Width);
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
                a1.StoreUnsafe(ref yr, (nuint)(j + Width));
            }

            for (; j + Width <= units; j += Width)
            {
                var a0 = Vector256.LoadUnsafe(ref yr, (nuint)j);
                for (int k = 0; k < count; k++)
                {
                    a0 += Vector256.LoadUnsafe(ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j));
                }

                a0.StoreUnsafe(ref yr, (nuint)j);
            }
        }

        for (; j < units; j++)
        {
            float s = Unsafe.Add(ref yr, j);
            for (int k = 0; k < count; k++)
            {
                s += Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
            }

            Unsafe.Add(ref yr, j) = s;
        }
    }

    /// <summary>Kernel gradient: <c>dW[i, :] += x[i] · dy</c> for every non-zero <c>x[i]</c>.</summary>
    public static void AccumulateOuter(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient)
    {
        int inputs = x.Length, units = dy.Length;
        CheckShapes(inputs, units, kernelGradient.Length, units);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        for (int i0 = 0; i0 < inputs; i0 += Width)
        {
            int end = Math.Min(i0 + Width, inputs);
            if (Vector256.IsHardwareAccelerated && end - i0 == Width &&
                Vector256.EqualsAll(Vector256.LoadUnsafe(ref xr, (nuint)i0), Vector256<float>.Zero))
            {
                continue;
            }

            for (int i = i0; i < end; i++)
            {
                float xi = Unsafe.Add(ref xr, i);
                if (xi != 0f)
                {
                    Axpy(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
                }
            }
        }
    }

    /// <summary>
    /// One pass over a layer's kernel rows for the backward pass: the input delta <c>dx = W · dy</c>
    /// (<see cref="BackpropInput"/>) and the kernel gradient <c>dW[i, :] += x[i] · dy</c> (<see cref="AccumulateOuter"/>),
    /// with <c>dy</c> kept hot. The same floats as the two kernels.
    /// </summary>
    public static void BackpropAccumulate(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx) =>
        BackpropAccumulate(kernel, dy, x, kernelGradient, dx, reluInput: false);

    /// <summary>
    /// <see cref="BackpropAccumulate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// when <paramref name="x"/> is a ReLU's output, followed by <see cref="ActivationKernels.ReluBackward"/>: rows with
    /// <c>x[i] = 0</c> (inactive units) need neither the dot product nor the gradient update. The same floats.
    /// </summary>
    public static void BackpropAccumulateRelu(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx) =>
        BackpropAccumulate(kernel, dy, x, kernelGradient, dx, reluInput: true);

    private static void BackpropAccumulate(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> kernelGradient, Span<float> dx, bool reluInput)
    {
        int inputs = x.Length, units = dy.Length;
        CheckShapes(inputs, units, kernel.Length, units);
        CheckShapes(inputs, units, kernelGradient.Length, units);
        if (dx.Length != inputs)
        {
            throw new ArgumentException($"the input delta holds {dx.Length} values, expected {inputs}", nameof(dx));
        }

        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated && units >= Width && units <= 8 * Width)
        {
            BackpropAccumulateInRegisters(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput);
            return;
        }

        for (int i = 0; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            if (xi == 0f)
            {
                // no gradient contribution; below a ReLU the delta is 0 too
                Unsafe.Add(ref dxr, i) = reluInput ? 0f : Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
                continue;
            }

            // ReluBackward keeps the delta where x > 0 only (a NaN input gets 0)
            Unsafe.Add(ref dxr, i) = reluInput && !(xi > 0f) ? 0f : Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
            Axpy(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
        }
    }

    /// <summary>
    /// <see cref="BackpropAccumulate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/>
    /// for 8 to 64 units: the blocks of <c>dy</c> stay in registers for all kernel rows. The same floats: the dot
    /// product sums its full blocks in order into one accumulator, then <see cref="Reductions.Combine(Vector256{float})"/>, then the scalar
    /// tail, as <see cref="Dot"/> does; the gradient row is updated element by element as <see cref="Axpy"/> does, its
    /// tail by a block that ends at the last unit.
    /// </summary>
    private static void BackpropAccumulateInRegisters(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
    {
        switch (units / Width)
        {
            case 1: BackpropAccumulateInRegisters<Blocks1>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 2: BackpropAccumulateInRegisters<Blocks2>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 3: BackpropAccumulateInRegisters<Blocks3>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 4: BackpropAccumulateInRegisters<Blocks4>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 5: BackpropAccumulateInRegisters<Blocks5>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 6: BackpropAccumulateInRegisters<Blocks6>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            case 7: BackpropAccumulateInRegisters<Blocks7>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            default: BackpropAccumulateInRegisters<Blocks8>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
        }
    }

    private interface IBlockCount
    {
        static abstract int Count { get; }
    }

    private struct Blocks1 : IBlockCount { public static int Count => 1; }
    private struct Blocks2 : IBlockCount { public static int Count => 2; }
    private struct Blocks3 : IBlockCount { public static int Count => 3; }
    private struct Blocks4 : IBlockCount { public static int Count => 4; }
    private struct Blocks5 : IBlockCount { public static int Count => 5; }
    private struct Blocks6 : IBlockCount { public static int Count => 6; }
    private struct Blocks7 : IBlockCount { public static int Count => 7; }
    private struct Blocks8 : IBlockCount { public static int Count => 8; }

    /// <summary>The kernel above with the number of full blocks a constant, so that every block test folds away.</summary>
    private static void BackpropAccumulateInRegisters<TBlocks>(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
        where TBlocks : struct, IBlockCount
    {
        int blocks = TBlocks.Count, tail = blocks * Width;
        nuint last = (nuint)(units - Width);
        var zero = Vector256<float>.Zero;
        var dt = Vector256.LoadUnsafe(ref d, last);
        var d0 = Vector256.LoadUnsafe(ref d, 0);
        var d1 = blocks > 1 ? Vector256.LoadUnsafe(ref d, 8) : zero;
        var d2 = blocks > 2 ? Vector256.LoadUnsafe(ref d, 16) : zero;
        var d3 = blocks > 3 ? Vector256.LoadUnsafe(ref d, 24) : zero;
        var d4 = blocks > 4 ? Vector256.LoadUnsafe(ref d, 32) : zero;
        var d5 = blocks > 5 ? Vector256.LoadUnsafe(ref d, 40) : zero;
        var d6 = blocks > 6 ? Vector256.LoadUnsafe(ref d, 48) : zero;
        var d7 = blocks > 7 ? Vector256.LoadUnsafe(ref d, 56) : zero;
        for (int i = 0; i < inputs; i++)
        {
            float xi = Unsafe.Add(ref xr, i);
            ref float row = ref Unsafe.Add(ref w, (nint)i * units);
            if (reluInput && !(xi > 0f))
            {
                Unsafe.Add(ref dxr, i) = 0f;
                if (xi == 0f)
                {
                    continue;
                }
            }
            else
            {
                var acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 0), d0, zero);
                if (blocks > 1)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 8), d1, acc);
                }

                if (blocks > 2)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 16), d2, acc);
                }

                if (blocks > 3)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 24), d3, acc);
                }

                if (blocks > 4)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 32), d4, acc);
                }

                if (blocks > 5)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 40), d5, acc);
                }

                if (blocks > 6)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 48), d6, acc);
                }

                if (blocks > 7)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 56), d7, acc);
                }

                float sum = Reductions.Combine(acc);
                for (int j = tail; j < units; j++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, j), Unsafe.Add(ref d, j), sum);
                }

                Unsafe.Add(ref dxr, i) = sum;
                if (xi == 0f)
                {
                    continue;
                }
            }

            ref float gr = ref Unsafe.Add(ref g, (nint)i * units);
            var va = Vector256.Create(xi);

            // the tail as a block ending at the last unit, read before the full blocks are written (it overlaps the last)
            var gt = tail < units ? Vector256.FusedMultiplyAdd(va, dt, Vector256.LoadUnsafe(ref gr, last)) : zero;
            Vector256.FusedMultiplyAdd(va, d0, Vector256.LoadUnsafe(ref gr, 0)).StoreUnsafe(ref gr, 0);
            if (blocks > 1)
            {
                Vector256.FusedMultiplyAdd(va, d1, Vector256.LoadUnsafe(ref gr, 8)).StoreUnsafe(ref gr, 8);
            }

            if (blocks > 2)
            {
                Vector256.FusedMultiplyAdd(va, d2, Vector256.LoadUnsafe(ref gr, 16)).StoreUnsafe(ref gr, 16);
            }

            if (blocks > 3)
            {
                Vector256.FusedMultiplyAdd(va, d3, Vector256.LoadUnsafe(ref gr, 24)).StoreUnsafe(ref gr, 24);
            }

            if (blocks > 4)
            {
                Vector256.FusedMultiplyAdd(va, d4, Vector256.LoadUnsafe(ref gr, 32)).StoreUnsafe(ref gr, 32);
            }

            if (blocks > 5)
            {
                Vector256.FusedMultiplyAdd(va, d5, Vector256.LoadUnsafe(ref gr, 40)).StoreUnsafe(ref gr, 40);
            }

            if (blocks > 6)
            {
                Vector256.FusedMultiplyAdd(va, d6, Vector256.LoadUnsafe(ref gr, 48)).StoreUnsafe(ref gr, 48);
            }

            if (blocks > 7)
            {
                Vector256.FusedMultiplyAdd(va, d7, Vector256.LoadUnsafe(ref gr, 56)).StoreUnsafe(ref gr, 56);
            }

            if (tail < units)
            {
                gt.StoreUnsafe(ref gr, last);
            }
        }
    }

    /// <summary>Multi-hot kernel gradient: <c>dW[c, :] += dy</c> for every active column <c>c</c>.</summary>
    public static void ScatterAddRows(ReadOnlySpan<int> active, ReadOnlySpan<float> dy, Span<float> kernelGradient)
    {
        int units = dy.Length;
        if (units == 0 || kernelGradient.Length % units != 0)
        {
            throw new ArgumentException("kernel gradient and delta shapes do not match");
        }

        CheckColumns(active, kernelGradient.Length / units);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float g = ref MemoryMarshal.GetReference(kernelGradient);
        foreach (int c in active)
        {
            Add(ref d, ref Unsafe.Add(ref g, (nint)c * units), units);
        }
    }

    /// <summary>Input delta: <c>dx[i] = Σ_j W[i, j] · dy[j]</c> (<c>dx = W · dy</c>).</summary>
    public static void BackpropInput(ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int inputs = dx.Length, units = dy.Length;
        CheckShapes(inputs, units, kernel.Length, units);
        ref float w = ref MemoryMarshal.GetReference(kernel);
        ref float d = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(dx);
        for (int i = 0; i < inputs; i++)
        {
            Unsafe.Add(ref xr, i) = Dot(ref Unsafe.Add(ref w, (nint)i * units), ref d, units);
        }
    }

    /// <summary><c>Σ_j row[j] · d[j]</c> in the fixed order of <see cref="Reductions"/> (the same at every vector width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ref float row, ref float d, int units) => Reductions.Dot(ref row, ref d, units);

    /// <summary><c>sum += values</c> (bias gradients).</summary>
    public static void Accumulate(ReadOnlySpan<float> values, Span<float> sum)
    {
        if (values.Length != sum.Length)
        {
            throw new ArgumentException("lengths differ");
        }

        Add(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float a, ref float x, ref float y, int n)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; j + Width <= n; j += Width)
            {
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref x, (nuint)j), Vector256.LoadUnsafe(ref y, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref y, j) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref x, j), Unsafe.Add(ref y, j));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref float x, ref float y, int n)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Width <= n; j += Width)
            {
                (Vector256.LoadUnsafe(ref x, (nuint)j) + Vector256.LoadUnsafe(ref y, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref y, j) += Unsafe.Add(ref x, j);
        }
    }

    private static void CheckShapes(int inputs, int units, int kernelLength, int outputLength)
    {
        if ((long)inputs * units != kernelLength || outputLength != units)
        {
            throw new ArgumentException($"shape mismatch: {inputs} inputs x {units} units vs kernel of {kernelLength} and output of {outputLength}");
        }
    }

    private static void CheckColumns(ReadOnlySpan<int> active, int inputs)
    {
        // as unsigned numbers, negative columns are larger than any valid one
        var columns = MemoryMarshal.Cast<int, uint>(active);
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var limit = Vector256.Create((uint)inputs);
            ref uint c = ref MemoryMarshal.GetReference(columns);
            for (; k + Width <= columns.Length; k += Width)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref c, (nuint)k), limit))
                {
                    break; // the scalar loop below names the culprit
                }
            }
        }

        for (; k < columns.Length; k++)
        {
            if (columns[k] >= (uint)inputs)
            {
                throw new ArgumentOutOfRangeException(nameof(active), active[k], $"active column outside [0, {inputs})");
            }
        }
    }
}
