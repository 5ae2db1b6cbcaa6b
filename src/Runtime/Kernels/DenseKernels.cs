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
/// <remarks>
/// Each kernel is written once over blocks of eight lanes (<see cref="IOctOps{T8}"/>): one <see cref="Vector256{T}"/>
/// where 256-bit vectors are accelerated (AVX2, AVX-512), two <see cref="Vector128{T}"/> otherwise (ARM64 NEON, x64
/// without AVX2), and the scalar loops without SIMD. Every lane sees the same operations in the same order on each
/// path, and the dot products follow <see cref="Reductions"/>, so all paths give the same bits.
/// </remarks>
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
    internal static ulong NonZeroMask(ref float x, int count) =>
        Vector256.IsHardwareAccelerated ? Mask<Oct256, Vector256<float>>(ref x, count, positive: false) : Mask<Oct128, Pair128>(ref x, count, positive: false);

    /// <summary>Bit <c>k</c> set when <c>x[k] &gt; 0</c> (the ReLU derivative), for <c>k &lt; count ≤ 64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PositiveMask(ref float x, int count) =>
        Vector256.IsHardwareAccelerated ? Mask<Oct256, Vector256<float>>(ref x, count, positive: true) : Mask<Oct128, Pair128>(ref x, count, positive: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask<TOct, T8>(ref float x, int count, bool positive)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        ulong mask = 0;
        int k = 0;
        if (TOct.IsAccelerated)
        {
            for (; k + Width <= count; k += Width)
            {
                var v = TOct.Load(ref Unsafe.Add(ref x, k));
                mask |= (ulong)TOct.SignBits(positive ? TOct.Positive(v) : TOct.NonZero(v)) << k;
            }
        }

        for (; k < count; k++)
        {
            float v = Unsafe.Add(ref x, k);
            mask |= (ulong)Unsafe.BitCast<bool, byte>(positive ? v > 0f : v != 0f) << k;
        }

        return mask;
    }

    /// <summary><c>y[j] = fma(x[i], W[i, j], y[j])</c> for the rows <c>i</c> set in <paramref name="rows"/>, in ascending order.</summary>
    private static void AccumulateRows(ref float x, ref float w, ref float y, ulong rows, int units)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            AccumulateRows<Oct256, Vector256<float>>(ref x, ref w, ref y, rows, units);
        }
        else
        {
            AccumulateRows<Oct128, Pair128>(ref x, ref w, ref y, rows, units);
        }
    }

    private static void AccumulateRows<TOct, T8>(ref float x, ref float w, ref float y, ulong rows, int units)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        int j = 0;
        if (TOct.IsAccelerated)
        {
            // 64 columns per pass over the rows, then the remaining 8 to 63 in one more pass
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                AccumulateRowsInRegisters<TOct, T8, C8>(ref x, ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref y, j), rows, units, 8 * Width);
            }

            int rest = units - j;
            if (rest >= Width)
            {
                ref float wj = ref Unsafe.Add(ref w, j);
                ref float yj = ref Unsafe.Add(ref y, j);
                switch ((rest + Width - 1) / Width)
                {
                    case 1: AccumulateRowsInRegisters<TOct, T8, C1>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 2: AccumulateRowsInRegisters<TOct, T8, C2>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 3: AccumulateRowsInRegisters<TOct, T8, C3>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 4: AccumulateRowsInRegisters<TOct, T8, C4>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 5: AccumulateRowsInRegisters<TOct, T8, C5>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 6: AccumulateRowsInRegisters<TOct, T8, C6>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 7: AccumulateRowsInRegisters<TOct, T8, C7>(ref x, ref wj, ref yj, rows, units, rest); break;
                    default: AccumulateRowsInRegisters<TOct, T8, C8>(ref x, ref wj, ref yj, rows, units, rest); break;
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
    private static void AccumulateRowsInRegisters<TOct, T8, TBlocks>(ref float x, ref float w, ref float y, ulong rows, int stride, int width)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
        where TBlocks : struct, IConstant
    {
        int blocks = TBlocks.Value;
        nint last = width - Width;
        nint o1 = blocks > 2 ? 8 : last, o2 = blocks > 3 ? 16 : last, o3 = blocks > 4 ? 24 : last;
        nint o4 = blocks > 5 ? 32 : last, o5 = blocks > 6 ? 40 : last, o6 = blocks > 7 ? 48 : last, o7 = last;
        var zero = TOct.Zero;
        var a0 = TOct.Load(ref y);
        var a1 = blocks > 1 ? TOct.Load(ref Unsafe.Add(ref y, o1)) : zero;
        var a2 = blocks > 2 ? TOct.Load(ref Unsafe.Add(ref y, o2)) : zero;
        var a3 = blocks > 3 ? TOct.Load(ref Unsafe.Add(ref y, o3)) : zero;
        var a4 = blocks > 4 ? TOct.Load(ref Unsafe.Add(ref y, o4)) : zero;
        var a5 = blocks > 5 ? TOct.Load(ref Unsafe.Add(ref y, o5)) : zero;
        var a6 = blocks > 6 ? TOct.Load(ref Unsafe.Add(ref y, o6)) : zero;
        var a7 = blocks > 7 ? TOct.Load(ref Unsafe.Add(ref y, o7)) : zero;
        for (ulong bits = rows; bits != 0; bits &= bits - 1)
        {
            int i = BitOperations.TrailingZeroCount(bits);
            var v = TOct.Broadcast(Unsafe.Add(ref x, i));
            ref float row = ref Unsafe.Add(ref w, (nint)i * stride);
            a0 = TOct.Fma(v, TOct.Load(ref row), a0);
            if (blocks > 1)
            {
                a1 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o1)), a1);
            }

            if (blocks > 2)
            {
                a2 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o2)), a2);
            }

            if (blocks > 3)
            {
                a3 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o3)), a3);
            }

            if (blocks > 4)
            {
                a4 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o4)), a4);
            }

            if (blocks > 5)
            {
                a5 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o5)), a5);
            }

            if (blocks > 6)
            {
                a6 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o6)), a6);
            }

            if (blocks > 7)
            {
                a7 = TOct.Fma(v, TOct.Load(ref Unsafe.Add(ref row, o7)), a7);
            }
        }

        TOct.Store(a0, ref y);
        if (blocks > 1)
        {
            TOct.Store(a1, ref Unsafe.Add(ref y, o1));
        }

        if (blocks > 2)
        {
            TOct.Store(a2, ref Unsafe.Add(ref y, o2));
        }

        if (blocks > 3)
        {
            TOct.Store(a3, ref Unsafe.Add(ref y, o3));
        }

        if (blocks > 4)
        {
            TOct.Store(a4, ref Unsafe.Add(ref y, o4));
        }

        if (blocks > 5)
        {
            TOct.Store(a5, ref Unsafe.Add(ref y, o5));
        }

        if (blocks > 6)
        {
            TOct.Store(a6, ref Unsafe.Add(ref y, o6));
        }

        if (blocks > 7)
        {
            TOct.Store(a7, ref Unsafe.Add(ref y, o7));
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
        if (Vector256.IsHardwareAccelerated)
        {
            SparseAccumulate<Oct256, Vector256<float>>(ref cr, active.Length, ref w, ref yr, units);
        }
        else
        {
            SparseAccumulate<Oct128, Pair128>(ref cr, active.Length, ref w, ref yr, units);
        }
    }

    /// <summary><c>y += Σ_k W[active[k], :]</c>, the rows added in order.</summary>
    private static void SparseAccumulate<TOct, T8>(ref int cr, int count, ref float w, ref float yr, int units)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        int j = 0;
        if (TOct.IsAccelerated)
        {
            // 64 columns per pass: each gathered kernel row is read once, a whole cache-line group at a time
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TOct.Load(ref yj);
                var a1 = TOct.Load(ref Unsafe.Add(ref yj, Width));
                var a2 = TOct.Load(ref Unsafe.Add(ref yj, 2 * Width));
                var a3 = TOct.Load(ref Unsafe.Add(ref yj, 3 * Width));
                var a4 = TOct.Load(ref Unsafe.Add(ref yj, 4 * Width));
                var a5 = TOct.Load(ref Unsafe.Add(ref yj, 5 * Width));
                var a6 = TOct.Load(ref Unsafe.Add(ref yj, 6 * Width));
                var a7 = TOct.Load(ref Unsafe.Add(ref yj, 7 * Width));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 = TOct.Add(a0, TOct.Load(ref row));
                    a1 = TOct.Add(a1, TOct.Load(ref Unsafe.Add(ref row, Width)));
                    a2 = TOct.Add(a2, TOct.Load(ref Unsafe.Add(ref row, 2 * Width)));
                    a3 = TOct.Add(a3, TOct.Load(ref Unsafe.Add(ref row, 3 * Width)));
                    a4 = TOct.Add(a4, TOct.Load(ref Unsafe.Add(ref row, 4 * Width)));
                    a5 = TOct.Add(a5, TOct.Load(ref Unsafe.Add(ref row, 5 * Width)));
                    a6 = TOct.Add(a6, TOct.Load(ref Unsafe.Add(ref row, 6 * Width)));
                    a7 = TOct.Add(a7, TOct.Load(ref Unsafe.Add(ref row, 7 * Width)));
                }

                TOct.Store(a0, ref yj);
                TOct.Store(a1, ref Unsafe.Add(ref yj, Width));
                TOct.Store(a2, ref Unsafe.Add(ref yj, 2 * Width));
                TOct.Store(a3, ref Unsafe.Add(ref yj, 3 * Width));
                TOct.Store(a4, ref Unsafe.Add(ref yj, 4 * Width));
                TOct.Store(a5, ref Unsafe.Add(ref yj, 5 * Width));
                TOct.Store(a6, ref Unsafe.Add(ref yj, 6 * Width));
                TOct.Store(a7, ref Unsafe.Add(ref yj, 7 * Width));
            }

            for (; j + (2 * Width) <= units; j += 2 * Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TOct.Load(ref yj);
                var a1 = TOct.Load(ref Unsafe.Add(ref yj, Width));
                for (int k = 0; k < count; k++)
                {
                    ref float row = ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j);
                    a0 = TOct.Add(a0, TOct.Load(ref row));
                    a1 = TOct.Add(a1, TOct.Load(ref Unsafe.Add(ref row, Width)));
                }

                TOct.Store(a0, ref yj);
                TOct.Store(a1, ref Unsafe.Add(ref yj, Width));
            }

            for (; j + Width <= units; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref yr, j);
                var a0 = TOct.Load(ref yj);
                for (int k = 0; k < count; k++)
                {
                    a0 = TOct.Add(a0, TOct.Load(ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref cr, k) * units + j)));
                }

                TOct.Store(a0, ref yj);
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
        if (Vector256.IsHardwareAccelerated)
        {
            AccumulateOuter<Oct256, Vector256<float>>(ref xr, ref d, ref g, inputs, units);
        }
        else
        {
            AccumulateOuter<Oct128, Pair128>(ref xr, ref d, ref g, inputs, units);
        }
    }

    private static void AccumulateOuter<TOct, T8>(ref float xr, ref float d, ref float g, int inputs, int units)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        for (int i0 = 0; i0 < inputs; i0 += Width)
        {
            int end = Math.Min(i0 + Width, inputs);
            if (TOct.IsAccelerated && end - i0 == Width && TOct.AllZero(TOct.Load(ref Unsafe.Add(ref xr, i0))))
            {
                continue;
            }

            for (int i = i0; i < end; i++)
            {
                float xi = Unsafe.Add(ref xr, i);
                if (xi != 0f)
                {
                    Axpy<TOct, T8>(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
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
        if (Vector256.IsHardwareAccelerated)
        {
            BackpropAccumulate<Oct256, Vector256<float>>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput);
        }
        else
        {
            BackpropAccumulate<Oct128, Pair128>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput);
        }
    }

    private static void BackpropAccumulate<TOct, T8>(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        if (TOct.IsAccelerated && units >= Width && units <= 8 * Width)
        {
            switch (units / Width)
            {
                case 1: BackpropAccumulateInRegisters<TOct, T8, C1>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 2: BackpropAccumulateInRegisters<TOct, T8, C2>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 3: BackpropAccumulateInRegisters<TOct, T8, C3>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 4: BackpropAccumulateInRegisters<TOct, T8, C4>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 5: BackpropAccumulateInRegisters<TOct, T8, C5>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 6: BackpropAccumulateInRegisters<TOct, T8, C6>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                case 7: BackpropAccumulateInRegisters<TOct, T8, C7>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
                default: BackpropAccumulateInRegisters<TOct, T8, C8>(ref w, ref d, ref xr, ref g, ref dxr, inputs, units, reluInput); break;
            }

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
            Axpy<TOct, T8>(xi, ref d, ref Unsafe.Add(ref g, (nint)i * units), units);
        }
    }

    /// <summary>
    /// <see cref="BackpropAccumulate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/>
    /// for 8 to 64 units, the number of full blocks of eight a constant: the blocks of <c>dy</c> stay in registers for
    /// all kernel rows. The same floats: the dot product sums its full blocks in order into one eight-lane accumulator,
    /// then the tree, then the scalar tail, as <see cref="Reductions.Dot(ref float, ref float, int)"/> does; the
    /// gradient row is updated element by element as <see cref="Axpy"/> does, its tail by a block that ends at the last unit.
    /// </summary>
    private static void BackpropAccumulateInRegisters<TOct, T8, TBlocks>(ref float w, ref float d, ref float xr, ref float g, ref float dxr, int inputs, int units, bool reluInput)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
        where TBlocks : struct, IConstant
    {
        int blocks = TBlocks.Value, tail = blocks * Width;
        nint last = units - Width;
        var zero = TOct.Zero;
        var dt = TOct.Load(ref Unsafe.Add(ref d, last));
        var d0 = TOct.Load(ref d);
        var d1 = blocks > 1 ? TOct.Load(ref Unsafe.Add(ref d, 8)) : zero;
        var d2 = blocks > 2 ? TOct.Load(ref Unsafe.Add(ref d, 16)) : zero;
        var d3 = blocks > 3 ? TOct.Load(ref Unsafe.Add(ref d, 24)) : zero;
        var d4 = blocks > 4 ? TOct.Load(ref Unsafe.Add(ref d, 32)) : zero;
        var d5 = blocks > 5 ? TOct.Load(ref Unsafe.Add(ref d, 40)) : zero;
        var d6 = blocks > 6 ? TOct.Load(ref Unsafe.Add(ref d, 48)) : zero;
        var d7 = blocks > 7 ? TOct.Load(ref Unsafe.Add(ref d, 56)) : zero;
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
                var acc = TOct.Fma(TOct.Load(ref row), d0, zero);
                if (blocks > 1)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 8)), d1, acc);
                }

                if (blocks > 2)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 16)), d2, acc);
                }

                if (blocks > 3)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 24)), d3, acc);
                }

                if (blocks > 4)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 32)), d4, acc);
                }

                if (blocks > 5)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 40)), d5, acc);
                }

                if (blocks > 6)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 48)), d6, acc);
                }

                if (blocks > 7)
                {
                    acc = TOct.Fma(TOct.Load(ref Unsafe.Add(ref row, 56)), d7, acc);
                }

                float sum = TOct.Combine(acc);
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
            var va = TOct.Broadcast(xi);

            // the tail as a block ending at the last unit, read before the full blocks are written (it overlaps the last)
            var gt = tail < units ? TOct.Fma(va, dt, TOct.Load(ref Unsafe.Add(ref gr, last))) : zero;
            TOct.Store(TOct.Fma(va, d0, TOct.Load(ref gr)), ref gr);
            if (blocks > 1)
            {
                TOct.Store(TOct.Fma(va, d1, TOct.Load(ref Unsafe.Add(ref gr, 8))), ref Unsafe.Add(ref gr, 8));
            }

            if (blocks > 2)
            {
                TOct.Store(TOct.Fma(va, d2, TOct.Load(ref Unsafe.Add(ref gr, 16))), ref Unsafe.Add(ref gr, 16));
            }

            if (blocks > 3)
            {
                TOct.Store(TOct.Fma(va, d3, TOct.Load(ref Unsafe.Add(ref gr, 24))), ref Unsafe.Add(ref gr, 24));
            }

            if (blocks > 4)
            {
                TOct.Store(TOct.Fma(va, d4, TOct.Load(ref Unsafe.Add(ref gr, 32))), ref Unsafe.Add(ref gr, 32));
            }

            if (blocks > 5)
            {
                TOct.Store(TOct.Fma(va, d5, TOct.Load(ref Unsafe.Add(ref gr, 40))), ref Unsafe.Add(ref gr, 40));
            }

            if (blocks > 6)
            {
                TOct.Store(TOct.Fma(va, d6, TOct.Load(ref Unsafe.Add(ref gr, 48))), ref Unsafe.Add(ref gr, 48));
            }

            if (blocks > 7)
            {
                TOct.Store(TOct.Fma(va, d7, TOct.Load(ref Unsafe.Add(ref gr, 56))), ref Unsafe.Add(ref gr, 56));
            }

            if (tail < units)
            {
                TOct.Store(gt, ref Unsafe.Add(ref gr, last));
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
            if (Vector256.IsHardwareAccelerated)
            {
                Add<Oct256, Vector256<float>>(ref d, ref Unsafe.Add(ref g, (nint)c * units), units);
            }
            else
            {
                Add<Oct128, Pair128>(ref d, ref Unsafe.Add(ref g, (nint)c * units), units);
            }
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

        if (Vector256.IsHardwareAccelerated)
        {
            Add<Oct256, Vector256<float>>(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);
        }
        else
        {
            Add<Oct128, Pair128>(ref MemoryMarshal.GetReference(values), ref MemoryMarshal.GetReference(sum), values.Length);
        }
    }

    /// <summary><c>y[j] = fma(a, x[j], y[j])</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy<TOct, T8>(float a, ref float x, ref float y, int n)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        int j = 0;
        if (TOct.IsAccelerated)
        {
            var va = TOct.Broadcast(a);
            for (; j + Width <= n; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref y, j);
                TOct.Store(TOct.Fma(va, TOct.Load(ref Unsafe.Add(ref x, j)), TOct.Load(ref yj)), ref yj);
            }
        }

        for (; j < n; j++)
        {
            Unsafe.Add(ref y, j) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref x, j), Unsafe.Add(ref y, j));
        }
    }

    /// <summary><c>y[j] = x[j] + y[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<TOct, T8>(ref float x, ref float y, int n)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        int j = 0;
        if (TOct.IsAccelerated)
        {
            for (; j + Width <= n; j += Width)
            {
                ref float yj = ref Unsafe.Add(ref y, j);
                TOct.Store(TOct.Add(TOct.Load(ref Unsafe.Add(ref x, j)), TOct.Load(ref yj)), ref yj);
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
        ref uint c = ref MemoryMarshal.GetReference(columns);
        if (Vector256.IsHardwareAccelerated)
        {
            var limit = Vector256.Create((uint)inputs);
            for (; k + Width <= columns.Length; k += Width)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref c, (nuint)k), limit))
                {
                    break; // the scalar loop below names the culprit
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var limit = Vector128.Create((uint)inputs);
            for (; k + 4 <= columns.Length; k += 4)
            {
                if (Vector128.GreaterThanOrEqualAny(Vector128.LoadUnsafe(ref c, (nuint)k), limit))
                {
                    break;
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
