using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>The GEMM engine of Forward and BackwardWeights: register-blocked output tiles of six rows × two vectors, one fused multiply-add chain per output.</summary>
public static partial class MatrixKernels
{
    /// <summary>
    /// <c>c[i, j] = finish(start(i, j) + Σ_p a[i, p] · b[p, j])</c> for <c>i &lt; m</c>, <c>j &lt; n</c>, one fused
    /// multiply-add chain per output over ascending <c>p &lt; steps</c>; <c>a[i, p]</c> is at <c>i · aRow + p · aStep</c>,
    /// <c>b[p, j]</c> at <c>p · bStep + j</c>, <c>c[i, j]</c> at <c>i · cRow + j</c>. The columns go to the widest
    /// vectors first, the rest to narrower ones (each column is a lane: the same bits at any width).
    /// </summary>
    private static void Gemm(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, int m, int n, Start start, Finish finish)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = Columns<Vector512Ops, Vector512<float>>(j, ref a, aRow, aStep, ref b, bStep, steps, ref c, cRow, ref startRow, m, n, start, finish);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = Columns<Vector256Ops, Vector256<float>>(j, ref a, aRow, aStep, ref b, bStep, steps, ref c, cRow, ref startRow, m, n, start, finish);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = Columns<Vector128Ops, Vector128<float>>(j, ref a, aRow, aStep, ref b, bStep, steps, ref c, cRow, ref startRow, m, n, start, finish);
        }

        Columns<ScalarOps, float>(j, ref a, aRow, aStep, ref b, bStep, steps, ref c, cRow, ref startRow, m, n, start, finish);
    }

    private static int Columns<TOps, TV>(int j, ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, int m, int n, Start start, Finish finish)
        where TOps : struct, IVectorOps<TV>
        where TV : struct
    {
        int w = TOps.Count;
        bool pack = m >= PackRows && steps <= InputBlock && bStep != 2 * w;
        float[]? panel = pack ? Panel ??= new float[InputBlock * 32] : null;
        for (; j + (2 * w) <= n; j += 2 * w)
        {
            if (pack)
            {
                // the panel's rows next to each other: the row tiles then read it from L1 without cache-set conflicts
                ref float source = ref Unsafe.Add(ref b, j);
                ref float packed = ref MemoryMarshal.GetArrayDataReference(panel!);
                for (int p = 0; p < steps; p++)
                {
                    TOps.Store(TOps.Load(ref source), ref Unsafe.Add(ref packed, (nint)p * 2 * w));
                    TOps.Store(TOps.Load(ref Unsafe.Add(ref source, w)), ref Unsafe.Add(ref packed, ((nint)p * 2 * w) + w));
                    source = ref Unsafe.Add(ref source, bStep);
                }

                Rows<TOps, TV, C2>(ref a, aRow, aStep, ref packed, 2 * w, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
                continue;
            }

            Rows<TOps, TV, C2>(ref a, aRow, aStep, ref Unsafe.Add(ref b, j), bStep, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
        }

        if (j + w <= n)
        {
            Rows<TOps, TV, C1>(ref a, aRow, aStep, ref Unsafe.Add(ref b, j), bStep, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
            j += w;
        }

        return j;
    }

    private static void Rows<TOps, TV, TN>(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, int m, Start start, Finish finish)
        where TOps : struct, IVectorOps<TV>
        where TV : struct
        where TN : struct, IConstant
    {
        int i = 0;
        for (; i + TileRows <= m; i += TileRows)
        {
            Tile<TOps, TV, C6, TN>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep, ref b, bStep, steps, ref Unsafe.Add(ref c, i * cRow), cRow, ref startRow, start, finish);
        }

        ref float ai = ref Unsafe.Add(ref a, i * aRow);
        ref float ci = ref Unsafe.Add(ref c, i * cRow);
        switch (m - i)
        {
            case 1: Tile<TOps, TV, C1, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 2: Tile<TOps, TV, C2, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 3: Tile<TOps, TV, C3, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 4: Tile<TOps, TV, C4, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 5: Tile<TOps, TV, C5, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
        }
    }

    /// <summary>One register micro-tile of <c>TM</c> rows × <c>TN</c> vectors of <see cref="Gemm"/>.</summary>
    private static void Tile<TOps, TV, TM, TN>(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, Start start, Finish finish)
        where TOps : struct, IVectorOps<TV>
        where TV : struct
        where TM : struct, IConstant
        where TN : struct, IConstant
    {
        int m = TM.Value;
        bool two = TN.Value > 1;
        nint w = TOps.Count;
        nint r1 = aRow, r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
        TV zero = TOps.Zero;
        TV c00 = Begin<TOps, TV>(start, ref c, ref startRow);
        TV c01 = two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, w), ref Unsafe.Add(ref startRow, w)) : zero;
        TV c10 = m > 1 ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, cRow), ref startRow) : zero;
        TV c11 = m > 1 && two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, cRow + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TV c20 = m > 2 ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, 2 * cRow), ref startRow) : zero;
        TV c21 = m > 2 && two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, (2 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TV c30 = m > 3 ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, 3 * cRow), ref startRow) : zero;
        TV c31 = m > 3 && two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, (3 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TV c40 = m > 4 ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, 4 * cRow), ref startRow) : zero;
        TV c41 = m > 4 && two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, (4 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TV c50 = m > 5 ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, 5 * cRow), ref startRow) : zero;
        TV c51 = m > 5 && two ? Begin<TOps, TV>(start, ref Unsafe.Add(ref c, (5 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;

        ref float ap = ref a;
        ref float bp = ref b;
        for (int p = 0; p < steps; p++)
        {
            TV b0 = TOps.Load(ref bp);
            TV b1 = two ? TOps.Load(ref Unsafe.Add(ref bp, w)) : zero;
            TV v = TOps.Broadcast(ap);
            c00 = TOps.Fma(v, b0, c00);
            if (two)
            {
                c01 = TOps.Fma(v, b1, c01);
            }

            if (m > 1)
            {
                v = TOps.Broadcast(Unsafe.Add(ref ap, r1));
                c10 = TOps.Fma(v, b0, c10);
                if (two)
                {
                    c11 = TOps.Fma(v, b1, c11);
                }
            }

            if (m > 2)
            {
                v = TOps.Broadcast(Unsafe.Add(ref ap, r2));
                c20 = TOps.Fma(v, b0, c20);
                if (two)
                {
                    c21 = TOps.Fma(v, b1, c21);
                }
            }

            if (m > 3)
            {
                v = TOps.Broadcast(Unsafe.Add(ref ap, r3));
                c30 = TOps.Fma(v, b0, c30);
                if (two)
                {
                    c31 = TOps.Fma(v, b1, c31);
                }
            }

            if (m > 4)
            {
                v = TOps.Broadcast(Unsafe.Add(ref ap, r4));
                c40 = TOps.Fma(v, b0, c40);
                if (two)
                {
                    c41 = TOps.Fma(v, b1, c41);
                }
            }

            if (m > 5)
            {
                v = TOps.Broadcast(Unsafe.Add(ref ap, r5));
                c50 = TOps.Fma(v, b0, c50);
                if (two)
                {
                    c51 = TOps.Fma(v, b1, c51);
                }
            }

            ap = ref Unsafe.Add(ref ap, aStep);
            bp = ref Unsafe.Add(ref bp, bStep);
        }

        End<TOps, TV>(finish, c00, ref c);
        if (two)
        {
            End<TOps, TV>(finish, c01, ref Unsafe.Add(ref c, w));
        }

        if (m > 1)
        {
            End<TOps, TV>(finish, c10, ref Unsafe.Add(ref c, cRow));
            if (two)
            {
                End<TOps, TV>(finish, c11, ref Unsafe.Add(ref c, cRow + w));
            }
        }

        if (m > 2)
        {
            End<TOps, TV>(finish, c20, ref Unsafe.Add(ref c, 2 * cRow));
            if (two)
            {
                End<TOps, TV>(finish, c21, ref Unsafe.Add(ref c, (2 * cRow) + w));
            }
        }

        if (m > 3)
        {
            End<TOps, TV>(finish, c30, ref Unsafe.Add(ref c, 3 * cRow));
            if (two)
            {
                End<TOps, TV>(finish, c31, ref Unsafe.Add(ref c, (3 * cRow) + w));
            }
        }

        if (m > 4)
        {
            End<TOps, TV>(finish, c40, ref Unsafe.Add(ref c, 4 * cRow));
            if (two)
            {
                End<TOps, TV>(finish, c41, ref Unsafe.Add(ref c, (4 * cRow) + w));
            }
        }

        if (m > 5)
        {
            End<TOps, TV>(finish, c50, ref Unsafe.Add(ref c, 5 * cRow));
            if (two)
            {
                End<TOps, TV>(finish, c51, ref Unsafe.Add(ref c, (5 * cRow) + w));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Begin<TOps, TV>(Start start, ref float c, ref float row)
        where TOps : struct, IVectorOps<TV>
        where TV : struct =>
        start switch
        {
            Start.Zero => TOps.Zero,
            Start.Row => TOps.Load(ref row),
            _ => TOps.Load(ref c),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void End<TOps, TV>(Finish finish, TV value, ref float c)
        where TOps : struct, IVectorOps<TV>
        where TV : struct
    {
        switch (finish)
        {
            case Finish.Relu:
                TOps.Store(TOps.Relu(value), ref c);
                break;
            case Finish.AddTo:
                TOps.Store(TOps.Add(TOps.Load(ref c), value), ref c);
                break;
            default:
                TOps.Store(value, ref c);
                break;
        }
    }
}
