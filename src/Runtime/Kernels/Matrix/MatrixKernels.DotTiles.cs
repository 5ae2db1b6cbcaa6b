using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>The dot-tile engine of BackwardInput: tiles of rows × kernel rows with eight-lane accumulators, four outputs' trees at once.</summary>
public static partial class MatrixKernels
{
    /// <summary><see cref="BackwardInput"/> in tiles of three rows × four kernel rows (two × four with 128-bit vectors).</summary>
    private static void DotTiles<TL>(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu,
        int rows, int inputs, int units)
        where TL : struct, IOctLanes<TL>
    {
        int tileRows = typeof(TL) == typeof(Lanes128x2) ? 2 : 3;
        const int tileInputs = 4;

        // rows of dy in chunks that stay in the L1 cache while every kernel tile passes over them
        // (and kernel rows in chunks that stay in the L2 cache while the row chunks pass over them)
        int rowBytes = Math.Max(units, 1) * sizeof(float);
        int chunk = Math.Max(1, DotChunkBytes / rowBytes / tileRows) * tileRows;
        int kernelChunk = Math.Max(1, KernelChunkBytes / rowBytes / tileInputs) * tileInputs;
        for (int k0 = 0; k0 < inputs; k0 += kernelChunk)
        {
            int k1 = Math.Min(inputs, k0 + kernelChunk);
            for (int r0 = 0; r0 < rows; r0 += chunk)
            {
                int r1 = Math.Min(rows, r0 + chunk);
                for (int k = k0; k < k1; k += tileInputs)
                {
                    int kc = Math.Min(tileInputs, k1 - k);
                    ref float wk = ref Unsafe.Add(ref w, k * ldw);
                    for (int r = r0; r < r1; r += tileRows)
                    {
                        int rc = Math.Min(tileRows, r1 - r);
                        nint o = (r * lddx) + k;
                        ref float dr = ref Unsafe.Add(ref dy, r * lddy);
                        ref float xo = ref Unsafe.Add(ref dx, o);
                        ref float ao = ref Unsafe.Add(ref reluOf, o);
                        switch ((rc * 4) + kc)
                        {
                            case 5: DotTile<TL, C1, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 6: DotTile<TL, C1, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 7: DotTile<TL, C1, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 8: DotTile<TL, C1, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 9: DotTile<TL, C2, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 10: DotTile<TL, C2, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 11: DotTile<TL, C2, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 12: DotTile<TL, C2, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 13: DotTile<TL, C3, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 14: DotTile<TL, C3, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 15: DotTile<TL, C3, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            default: DotTile<TL, C3, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="BackwardInput"/> with AVX-512 for a multiple of eight kernel rows: tiles of four rows × eight kernel
    /// rows, each 512-bit accumulator holding the eight lanes of two outputs (kernel rows <c>k</c> and <c>k + 1</c>), so
    /// every output still sums exactly as <see cref="Reductions.Dot(ref float, ref float, int)"/> does.
    /// </summary>
    private static void DotTiles512(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu,
        int rows, int inputs, int units)
    {
        const int tileRows = 4, tileInputs = 8;
        int rowBytes = Math.Max(units, 1) * sizeof(float);
        int chunk = Math.Max(1, DotChunkBytes / rowBytes / tileRows) * tileRows;
        int kernelChunk = Math.Max(1, KernelChunkBytes / rowBytes / tileInputs) * tileInputs;
        for (int k0 = 0; k0 < inputs; k0 += kernelChunk)
        {
            int k1 = Math.Min(inputs, k0 + kernelChunk);
            for (int r0 = 0; r0 < rows; r0 += chunk)
            {
                int r1 = Math.Min(rows, r0 + chunk);
                for (int k = k0; k < k1; k += tileInputs)
                {
                    ref float wk = ref Unsafe.Add(ref w, k * ldw);
                    for (int r = r0; r < r1; r += tileRows)
                    {
                        nint o = (r * lddx) + k;
                        ref float dr = ref Unsafe.Add(ref dy, r * lddy);
                        ref float xo = ref Unsafe.Add(ref dx, o);
                        ref float ao = ref Unsafe.Add(ref reluOf, o);
                        switch (Math.Min(tileRows, r1 - r))
                        {
                            case 1: DotTile512<C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 2: DotTile512<C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 3: DotTile512<C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            default: DotTile512<C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                        }
                    }
                }
            }
        }
    }

    private static void DotTile512<TR>(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu, int units)
        where TR : struct, IConstant
    {
        int tr = TR.Value;
        var zero = Vector512<float>.Zero;
        Vector512<float> s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        Vector512<float> s20 = zero, s21 = zero, s22 = zero, s23 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
        nint d1 = lddy, d2 = 2 * lddy, d3 = 3 * lddy;
        nint w1 = ldw, w2 = 2 * ldw, w3 = 3 * ldw, w4 = 4 * ldw, w5 = 5 * ldw, w6 = 6 * ldw, w7 = 7 * ldw;
        int blocks = units >> 3;
        ref float dp = ref dy;
        ref float wp = ref w;
        for (int j = 0; j < blocks; j++)
        {
            var a0 = Vector512.Create(Vector256.LoadUnsafe(ref dp));
            var a1 = tr > 1 ? Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref dp, d1))) : zero;
            var a2 = tr > 2 ? Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref dp, d2))) : zero;
            var a3 = tr > 3 ? Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref dp, d3))) : zero;
            var b = Vector512.Create(Vector256.LoadUnsafe(ref wp), Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w1)));
            s00 = Vector512.FusedMultiplyAdd(a0, b, s00);
            if (tr > 1) { s10 = Vector512.FusedMultiplyAdd(a1, b, s10); }
            if (tr > 2) { s20 = Vector512.FusedMultiplyAdd(a2, b, s20); }
            if (tr > 3) { s30 = Vector512.FusedMultiplyAdd(a3, b, s30); }
            b = Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w2)), Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w3)));
            s01 = Vector512.FusedMultiplyAdd(a0, b, s01);
            if (tr > 1) { s11 = Vector512.FusedMultiplyAdd(a1, b, s11); }
            if (tr > 2) { s21 = Vector512.FusedMultiplyAdd(a2, b, s21); }
            if (tr > 3) { s31 = Vector512.FusedMultiplyAdd(a3, b, s31); }
            b = Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w4)), Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w5)));
            s02 = Vector512.FusedMultiplyAdd(a0, b, s02);
            if (tr > 1) { s12 = Vector512.FusedMultiplyAdd(a1, b, s12); }
            if (tr > 2) { s22 = Vector512.FusedMultiplyAdd(a2, b, s22); }
            if (tr > 3) { s32 = Vector512.FusedMultiplyAdd(a3, b, s32); }
            b = Vector512.Create(Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w6)), Vector256.LoadUnsafe(ref Unsafe.Add(ref wp, w7)));
            s03 = Vector512.FusedMultiplyAdd(a0, b, s03);
            if (tr > 1) { s13 = Vector512.FusedMultiplyAdd(a1, b, s13); }
            if (tr > 2) { s23 = Vector512.FusedMultiplyAdd(a2, b, s23); }
            if (tr > 3) { s33 = Vector512.FusedMultiplyAdd(a3, b, s33); }
            dp = ref Unsafe.Add(ref dp, 8);
            wp = ref Unsafe.Add(ref wp, 8);
        }

        int tail = blocks * 8;
        DotRow512(s00, s01, s02, s03, ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
        if (tr > 1)
        {
            DotRow512(s10, s11, s12, s13, ref Unsafe.Add(ref dy, d1), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, lddx), ref Unsafe.Add(ref reluOf, lddx), relu);
        }

        if (tr > 2)
        {
            DotRow512(s20, s21, s22, s23, ref Unsafe.Add(ref dy, d2), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, 2 * lddx), ref Unsafe.Add(ref reluOf, 2 * lddx), relu);
        }

        if (tr > 3)
        {
            DotRow512(s30, s31, s32, s33, ref Unsafe.Add(ref dy, d3), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, 3 * lddx), ref Unsafe.Add(ref reluOf, 3 * lddx), relu);
        }
    }

    /// <summary>Eight neighbouring outputs <c>dx[k..k+8)</c> of one row from four two-output accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRow512(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, ref float dy, ref float w, nint ldw, int tail, int units,
        ref float dx, ref float reluOf, bool relu)
    {
        var lo = Trees.Four(Lanes256.Halves(new(s0.GetLower())), Lanes256.Halves(new(s0.GetUpper())), Lanes256.Halves(new(s1.GetLower())), Lanes256.Halves(new(s1.GetUpper())));
        var hi = Trees.Four(Lanes256.Halves(new(s2.GetLower())), Lanes256.Halves(new(s2.GetUpper())), Lanes256.Halves(new(s3.GetLower())), Lanes256.Halves(new(s3.GetUpper())));
        DotFinish(lo, ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
        DotFinish(hi, ref dy, ref Unsafe.Add(ref w, 4 * ldw), ldw, tail, units, ref Unsafe.Add(ref dx, 4), ref Unsafe.Add(ref reluOf, 4), relu);
    }

    /// <summary><c>TR</c> rows of <c>dy</c> × <c>TK</c> rows of <c>w</c>: one eight-lane accumulator per output, then the tree and the tail.</summary>
    private static void DotTile<TL, TR, TK>(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu, int units)
        where TL : struct, IOctLanes<TL>
        where TR : struct, IConstant
        where TK : struct, IConstant
    {
        int tr = TR.Value, tk = TK.Value;
        TL zero = TL.Zero;
        TL s00 = zero, s01 = zero, s02 = zero, s03 = zero;
        TL s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        TL s20 = zero, s21 = zero, s22 = zero, s23 = zero;
        nint d1 = lddy, d2 = 2 * lddy, w1 = ldw, w2 = 2 * ldw, w3 = 3 * ldw;
        int blocks = units >> 3;
        ref float dp = ref dy;
        ref float wp = ref w;
        for (int j = 0; j < blocks; j++)
        {
            TL a0 = TL.Load(ref dp);
            TL a1 = tr > 1 ? TL.Load(ref Unsafe.Add(ref dp, d1)) : zero;
            TL a2 = tr > 2 ? TL.Load(ref Unsafe.Add(ref dp, d2)) : zero;
            TL b = TL.Load(ref wp);
            TL.MultiplyAdd(ref s00, a0, b);
            if (tr > 1)
            {
                TL.MultiplyAdd(ref s10, a1, b);
            }

            if (tr > 2)
            {
                TL.MultiplyAdd(ref s20, a2, b);
            }

            if (tk > 1)
            {
                b = TL.Load(ref Unsafe.Add(ref wp, w1));
                TL.MultiplyAdd(ref s01, a0, b);
                if (tr > 1)
                {
                    TL.MultiplyAdd(ref s11, a1, b);
                }

                if (tr > 2)
                {
                    TL.MultiplyAdd(ref s21, a2, b);
                }
            }

            if (tk > 2)
            {
                b = TL.Load(ref Unsafe.Add(ref wp, w2));
                TL.MultiplyAdd(ref s02, a0, b);
                if (tr > 1)
                {
                    TL.MultiplyAdd(ref s12, a1, b);
                }

                if (tr > 2)
                {
                    TL.MultiplyAdd(ref s22, a2, b);
                }
            }

            if (tk > 3)
            {
                b = TL.Load(ref Unsafe.Add(ref wp, w3));
                TL.MultiplyAdd(ref s03, a0, b);
                if (tr > 1)
                {
                    TL.MultiplyAdd(ref s13, a1, b);
                }

                if (tr > 2)
                {
                    TL.MultiplyAdd(ref s23, a2, b);
                }
            }

            dp = ref Unsafe.Add(ref dp, 8);
            wp = ref Unsafe.Add(ref wp, 8);
        }

        int tail = blocks * 8;
        if (tk == 4)
        {
            // four outputs of a row are neighbours in dx: their trees, tails and ReLU derivative as one 128-bit vector
            DotRow<TL>(s00, s01, s02, s03, ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
            if (tr > 1)
            {
                DotRow<TL>(s10, s11, s12, s13, ref Unsafe.Add(ref dy, d1), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, lddx), ref Unsafe.Add(ref reluOf, lddx), relu);
            }

            if (tr > 2)
            {
                DotRow<TL>(s20, s21, s22, s23, ref Unsafe.Add(ref dy, d2), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, 2 * lddx), ref Unsafe.Add(ref reluOf, 2 * lddx), relu);
            }

            return;
        }

        DotEnd<TL>(s00, ref dy, ref w, tail, units, ref dx, ref reluOf, relu);
        if (tk > 1)
        {
            DotEnd<TL>(s01, ref dy, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx, 1), ref Unsafe.Add(ref reluOf, 1), relu);
        }

        if (tk > 2)
        {
            DotEnd<TL>(s02, ref dy, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx, 2), ref Unsafe.Add(ref reluOf, 2), relu);
        }

        if (tk > 3)
        {
            DotEnd<TL>(s03, ref dy, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx, 3), ref Unsafe.Add(ref reluOf, 3), relu);
        }

        if (tr > 1)
        {
            ref float dy1 = ref Unsafe.Add(ref dy, d1);
            ref float dx1 = ref Unsafe.Add(ref dx, lddx);
            ref float re1 = ref Unsafe.Add(ref reluOf, lddx);
            DotEnd<TL>(s10, ref dy1, ref w, tail, units, ref dx1, ref re1, relu);
            if (tk > 1)
            {
                DotEnd<TL>(s11, ref dy1, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx1, 1), ref Unsafe.Add(ref re1, 1), relu);
            }

            if (tk > 2)
            {
                DotEnd<TL>(s12, ref dy1, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx1, 2), ref Unsafe.Add(ref re1, 2), relu);
            }

            if (tk > 3)
            {
                DotEnd<TL>(s13, ref dy1, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx1, 3), ref Unsafe.Add(ref re1, 3), relu);
            }
        }

        if (tr > 2)
        {
            ref float dy2 = ref Unsafe.Add(ref dy, d2);
            ref float dx2 = ref Unsafe.Add(ref dx, 2 * lddx);
            ref float re2 = ref Unsafe.Add(ref reluOf, 2 * lddx);
            DotEnd<TL>(s20, ref dy2, ref w, tail, units, ref dx2, ref re2, relu);
            if (tk > 1)
            {
                DotEnd<TL>(s21, ref dy2, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx2, 1), ref Unsafe.Add(ref re2, 1), relu);
            }

            if (tk > 2)
            {
                DotEnd<TL>(s22, ref dy2, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx2, 2), ref Unsafe.Add(ref re2, 2), relu);
            }

            if (tk > 3)
            {
                DotEnd<TL>(s23, ref dy2, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx2, 3), ref Unsafe.Add(ref re2, 3), relu);
            }
        }
    }

    /// <summary>
    /// <see cref="DotEnd{TL}"/> for four neighbouring outputs <c>dx[k..k+4)</c> of one row (kernel rows <c>w</c> …
    /// <c>w + 3 · ldw</c>): each lane sees the same tree, the same tail fused multiply-adds in the same order and the
    /// same derivative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRow<TL>(TL s0, TL s1, TL s2, TL s3, ref float dy, ref float w, nint ldw, int tail, int units, ref float dx, ref float reluOf, bool relu)
        where TL : struct, IOctLanes<TL>
    {
        DotFinish(Trees.Four(TL.Halves(s0), TL.Halves(s1), TL.Halves(s2), TL.Halves(s3)), ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
    }

    /// <summary>Four neighbouring outputs after their trees: the ascending tail, the ReLU derivative, the store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotFinish(Vector128<float> v, ref float dy, ref float w, nint ldw, int tail, int units, ref float dx, ref float reluOf, bool relu)
    {
        for (int t = tail; t < units; t++)
        {
            var wt = Vector128.Create(Unsafe.Add(ref w, t), Unsafe.Add(ref w, ldw + t), Unsafe.Add(ref w, (2 * ldw) + t), Unsafe.Add(ref w, (3 * ldw) + t));
            v = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref dy, t)), wt, v);
        }

        if (relu)
        {
            v &= Vector128.GreaterThan(Vector128.LoadUnsafe(ref reluOf), Vector128<float>.Zero);
        }

        v.StoreUnsafe(ref dx);
    }

    /// <summary>The tree over the eight lanes, the ascending tail, then the ReLU derivative; stores one <c>dx</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotEnd<TL>(TL lanes, ref float dy, ref float w, int tail, int units, ref float dx, ref float reluOf, bool relu)
        where TL : struct, IOctLanes<TL>
    {
        float s = TL.Combine(lanes);
        for (int t = tail; t < units; t++)
        {
            s = MathF.FusedMultiplyAdd(Unsafe.Add(ref dy, t), Unsafe.Add(ref w, t), s);
        }

        dx = relu && !(reluOf > 0f) ? 0f : s;
    }
}
