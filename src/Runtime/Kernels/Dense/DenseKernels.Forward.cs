using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>The forward row kernel: y = b + x · W over the non-zero inputs, found a block of 64 at a time by bit masks.</summary>
public static partial class DenseKernels
{
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
        Vector256.IsHardwareAccelerated ? Mask<Lanes256>(ref x, count, positive: false) : Mask<Lanes128x2>(ref x, count, positive: false);

    /// <summary>Bit <c>k</c> set when <c>x[k] &gt; 0</c> (the ReLU derivative), for <c>k &lt; count ≤ 64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PositiveMask(ref float x, int count) =>
        Vector256.IsHardwareAccelerated ? Mask<Lanes256>(ref x, count, positive: true) : Mask<Lanes128x2>(ref x, count, positive: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask<TL>(ref float x, int count, bool positive)
        where TL : struct, IOctLanes<TL>
    {
        ulong mask = 0;
        int k = 0;
        if (TL.IsHardwareAccelerated)
        {
            for (; k + Width <= count; k += Width)
            {
                var v = TL.Load(ref Unsafe.Add(ref x, k));
                uint bits = positive ? TL.SignBits(TL.GreaterThan(v, TL.Zero)) : 0xFFu ^ TL.SignBits(TL.Equal(v, TL.Zero)); // NaN is not zero
                mask |= (ulong)bits << k;
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
            AccumulateRows<Lanes256>(ref x, ref w, ref y, rows, units);
        }
        else
        {
            AccumulateRows<Lanes128x2>(ref x, ref w, ref y, rows, units);
        }
    }

    private static void AccumulateRows<TL>(ref float x, ref float w, ref float y, ulong rows, int units)
        where TL : struct, IOctLanes<TL>
    {
        int j = 0;
        if (TL.IsHardwareAccelerated)
        {
            // 64 columns per pass over the rows, then the remaining 8 to 63 in one more pass
            for (; j + (8 * Width) <= units; j += 8 * Width)
            {
                AccumulateRowsInRegisters<TL, C8>(ref x, ref Unsafe.Add(ref w, j), ref Unsafe.Add(ref y, j), rows, units, 8 * Width);
            }

            int rest = units - j;
            if (rest >= Width)
            {
                ref float wj = ref Unsafe.Add(ref w, j);
                ref float yj = ref Unsafe.Add(ref y, j);
                switch ((rest + Width - 1) / Width)
                {
                    case 1: AccumulateRowsInRegisters<TL, C1>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 2: AccumulateRowsInRegisters<TL, C2>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 3: AccumulateRowsInRegisters<TL, C3>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 4: AccumulateRowsInRegisters<TL, C4>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 5: AccumulateRowsInRegisters<TL, C5>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 6: AccumulateRowsInRegisters<TL, C6>(ref x, ref wj, ref yj, rows, units, rest); break;
                    case 7: AccumulateRowsInRegisters<TL, C7>(ref x, ref wj, ref yj, rows, units, rest); break;
                    default: AccumulateRowsInRegisters<TL, C8>(ref x, ref wj, ref yj, rows, units, rest); break;
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
    private static void AccumulateRowsInRegisters<TL, TBlocks>(ref float x, ref float w, ref float y, ulong rows, int stride, int width)
        where TL : struct, IOctLanes<TL>
        where TBlocks : struct, IConstant
    {
        int blocks = TBlocks.Value;
        nint last = width - Width;
        nint o1 = blocks > 2 ? 8 : last, o2 = blocks > 3 ? 16 : last, o3 = blocks > 4 ? 24 : last;
        nint o4 = blocks > 5 ? 32 : last, o5 = blocks > 6 ? 40 : last, o6 = blocks > 7 ? 48 : last, o7 = last;
        var zero = TL.Zero;
        var a0 = TL.Load(ref y);
        var a1 = blocks > 1 ? TL.Load(ref Unsafe.Add(ref y, o1)) : zero;
        var a2 = blocks > 2 ? TL.Load(ref Unsafe.Add(ref y, o2)) : zero;
        var a3 = blocks > 3 ? TL.Load(ref Unsafe.Add(ref y, o3)) : zero;
        var a4 = blocks > 4 ? TL.Load(ref Unsafe.Add(ref y, o4)) : zero;
        var a5 = blocks > 5 ? TL.Load(ref Unsafe.Add(ref y, o5)) : zero;
        var a6 = blocks > 6 ? TL.Load(ref Unsafe.Add(ref y, o6)) : zero;
        var a7 = blocks > 7 ? TL.Load(ref Unsafe.Add(ref y, o7)) : zero;
        for (ulong bits = rows; bits != 0; bits &= bits - 1)
        {
            int i = BitOperations.TrailingZeroCount(bits);
            var v = TL.Create(Unsafe.Add(ref x, i));
            ref float row = ref Unsafe.Add(ref w, (nint)i * stride);
            TL.MultiplyAdd(ref a0, v, ref row);
            if (blocks > 1)
            {
                TL.MultiplyAdd(ref a1, v, ref Unsafe.Add(ref row, o1));
            }

            if (blocks > 2)
            {
                TL.MultiplyAdd(ref a2, v, ref Unsafe.Add(ref row, o2));
            }

            if (blocks > 3)
            {
                TL.MultiplyAdd(ref a3, v, ref Unsafe.Add(ref row, o3));
            }

            if (blocks > 4)
            {
                TL.MultiplyAdd(ref a4, v, ref Unsafe.Add(ref row, o4));
            }

            if (blocks > 5)
            {
                TL.MultiplyAdd(ref a5, v, ref Unsafe.Add(ref row, o5));
            }

            if (blocks > 6)
            {
                TL.MultiplyAdd(ref a6, v, ref Unsafe.Add(ref row, o6));
            }

            if (blocks > 7)
            {
                TL.MultiplyAdd(ref a7, v, ref Unsafe.Add(ref row, o7));
            }
        }

        TL.Store(a0, ref y);
        if (blocks > 1)
        {
            TL.Store(a1, ref Unsafe.Add(ref y, o1));
        }

        if (blocks > 2)
        {
            TL.Store(a2, ref Unsafe.Add(ref y, o2));
        }

        if (blocks > 3)
        {
            TL.Store(a3, ref Unsafe.Add(ref y, o3));
        }

        if (blocks > 4)
        {
            TL.Store(a4, ref Unsafe.Add(ref y, o4));
        }

        if (blocks > 5)
        {
            TL.Store(a5, ref Unsafe.Add(ref y, o5));
        }

        if (blocks > 6)
        {
            TL.Store(a6, ref Unsafe.Add(ref y, o6));
        }

        if (blocks > 7)
        {
            TL.Store(a7, ref Unsafe.Add(ref y, o7));
        }
    }
}
