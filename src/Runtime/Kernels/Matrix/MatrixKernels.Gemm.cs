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
        var columns = new GemmColumns(ref a, aRow, aStep, ref b, bStep, steps, ref c, cRow, ref startRow, m, start, finish);
        Widths.Run(ref columns, n);
    }

    /// <summary><see cref="Gemm"/>'s operands for <see cref="Widths.Run{TLoop}"/>: its columns at one width.</summary>
    private readonly ref struct GemmColumns : IBlockLoop
    {
        private readonly ref float _a;
        private readonly ref float _b;
        private readonly ref float _c;
        private readonly ref float _startRow;
        private readonly nint _aRow, _aStep, _bStep, _cRow;
        private readonly int _steps, _m;
        private readonly Start _start;
        private readonly Finish _finish;

        public GemmColumns(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps, ref float c, nint cRow, ref float startRow,
            int m, Start start, Finish finish)
        {
            _a = ref a;
            _b = ref b;
            _c = ref c;
            _startRow = ref startRow;
            (_aRow, _aStep, _bStep, _cRow, _steps, _m, _start, _finish) = (aRow, aStep, bStep, cRow, steps, m, start, finish);
        }

        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL> =>
            Columns<TL>(j, ref _a, _aRow, _aStep, ref _b, _bStep, _steps, ref _c, _cRow, ref _startRow, _m, n, _start, _finish);
    }

    private static int Columns<TL>(int j, ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, int m, int n, Start start, Finish finish)
        where TL : struct, ILanes<TL>
    {
        int w = TL.Count;
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
                    TL.Store(TL.Load(ref source), ref Unsafe.Add(ref packed, (nint)p * 2 * w));
                    TL.Store(TL.Load(ref Unsafe.Add(ref source, w)), ref Unsafe.Add(ref packed, ((nint)p * 2 * w) + w));
                    source = ref Unsafe.Add(ref source, bStep);
                }

                Rows<TL, C2>(ref a, aRow, aStep, ref packed, 2 * w, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
                continue;
            }

            Rows<TL, C2>(ref a, aRow, aStep, ref Unsafe.Add(ref b, j), bStep, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
        }

        if (j + w <= n)
        {
            Rows<TL, C1>(ref a, aRow, aStep, ref Unsafe.Add(ref b, j), bStep, steps, ref Unsafe.Add(ref c, j), cRow, ref Unsafe.Add(ref startRow, j), m, start, finish);
            j += w;
        }

        return j;
    }

    private static void Rows<TL, TN>(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, int m, Start start, Finish finish)
        where TL : struct, ILanes<TL>
        where TN : struct, IConstant
    {
        int i = 0;
        for (; i + TileRows <= m; i += TileRows)
        {
            Tile<TL, C6, TN>(ref Unsafe.Add(ref a, i * aRow), aRow, aStep, ref b, bStep, steps, ref Unsafe.Add(ref c, i * cRow), cRow, ref startRow, start, finish);
        }

        ref float ai = ref Unsafe.Add(ref a, i * aRow);
        ref float ci = ref Unsafe.Add(ref c, i * cRow);
        switch (m - i)
        {
            case 1: Tile<TL, C1, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 2: Tile<TL, C2, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 3: Tile<TL, C3, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 4: Tile<TL, C4, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
            case 5: Tile<TL, C5, TN>(ref ai, aRow, aStep, ref b, bStep, steps, ref ci, cRow, ref startRow, start, finish); break;
        }
    }

    /// <summary>One register micro-tile of <c>TM</c> rows × <c>TN</c> vectors of <see cref="Gemm"/>.</summary>
    private static void Tile<TL, TM, TN>(ref float a, nint aRow, nint aStep, ref float b, nint bStep, int steps,
        ref float c, nint cRow, ref float startRow, Start start, Finish finish)
        where TL : struct, ILanes<TL>
        where TM : struct, IConstant
        where TN : struct, IConstant
    {
        int m = TM.Value;
        bool two = TN.Value > 1;
        nint w = TL.Count;
        nint r1 = aRow, r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
        TL zero = TL.Zero;
        TL c00 = Begin<TL>(start, ref c, ref startRow);
        TL c01 = two ? Begin<TL>(start, ref Unsafe.Add(ref c, w), ref Unsafe.Add(ref startRow, w)) : zero;
        TL c10 = m > 1 ? Begin<TL>(start, ref Unsafe.Add(ref c, cRow), ref startRow) : zero;
        TL c11 = m > 1 && two ? Begin<TL>(start, ref Unsafe.Add(ref c, cRow + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TL c20 = m > 2 ? Begin<TL>(start, ref Unsafe.Add(ref c, 2 * cRow), ref startRow) : zero;
        TL c21 = m > 2 && two ? Begin<TL>(start, ref Unsafe.Add(ref c, (2 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TL c30 = m > 3 ? Begin<TL>(start, ref Unsafe.Add(ref c, 3 * cRow), ref startRow) : zero;
        TL c31 = m > 3 && two ? Begin<TL>(start, ref Unsafe.Add(ref c, (3 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TL c40 = m > 4 ? Begin<TL>(start, ref Unsafe.Add(ref c, 4 * cRow), ref startRow) : zero;
        TL c41 = m > 4 && two ? Begin<TL>(start, ref Unsafe.Add(ref c, (4 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;
        TL c50 = m > 5 ? Begin<TL>(start, ref Unsafe.Add(ref c, 5 * cRow), ref startRow) : zero;
        TL c51 = m > 5 && two ? Begin<TL>(start, ref Unsafe.Add(ref c, (5 * cRow) + w), ref Unsafe.Add(ref startRow, w)) : zero;

        ref float ap = ref a;
        ref float bp = ref b;
        for (int p = 0; p < steps; p++)
        {
            TL b0 = TL.Load(ref bp);
            TL b1 = two ? TL.Load(ref Unsafe.Add(ref bp, w)) : zero;
            TL v = TL.Create(ap);
            TL.MultiplyAdd(ref c00, v, b0);
            if (two)
            {
                TL.MultiplyAdd(ref c01, v, b1);
            }

            if (m > 1)
            {
                v = TL.Create(Unsafe.Add(ref ap, r1));
                TL.MultiplyAdd(ref c10, v, b0);
                if (two)
                {
                    TL.MultiplyAdd(ref c11, v, b1);
                }
            }

            if (m > 2)
            {
                v = TL.Create(Unsafe.Add(ref ap, r2));
                TL.MultiplyAdd(ref c20, v, b0);
                if (two)
                {
                    TL.MultiplyAdd(ref c21, v, b1);
                }
            }

            if (m > 3)
            {
                v = TL.Create(Unsafe.Add(ref ap, r3));
                TL.MultiplyAdd(ref c30, v, b0);
                if (two)
                {
                    TL.MultiplyAdd(ref c31, v, b1);
                }
            }

            if (m > 4)
            {
                v = TL.Create(Unsafe.Add(ref ap, r4));
                TL.MultiplyAdd(ref c40, v, b0);
                if (two)
                {
                    TL.MultiplyAdd(ref c41, v, b1);
                }
            }

            if (m > 5)
            {
                v = TL.Create(Unsafe.Add(ref ap, r5));
                TL.MultiplyAdd(ref c50, v, b0);
                if (two)
                {
                    TL.MultiplyAdd(ref c51, v, b1);
                }
            }

            ap = ref Unsafe.Add(ref ap, aStep);
            bp = ref Unsafe.Add(ref bp, bStep);
        }

        End<TL>(finish, c00, ref c);
        if (two)
        {
            End<TL>(finish, c01, ref Unsafe.Add(ref c, w));
        }

        if (m > 1)
        {
            End<TL>(finish, c10, ref Unsafe.Add(ref c, cRow));
            if (two)
            {
                End<TL>(finish, c11, ref Unsafe.Add(ref c, cRow + w));
            }
        }

        if (m > 2)
        {
            End<TL>(finish, c20, ref Unsafe.Add(ref c, 2 * cRow));
            if (two)
            {
                End<TL>(finish, c21, ref Unsafe.Add(ref c, (2 * cRow) + w));
            }
        }

        if (m > 3)
        {
            End<TL>(finish, c30, ref Unsafe.Add(ref c, 3 * cRow));
            if (two)
            {
                End<TL>(finish, c31, ref Unsafe.Add(ref c, (3 * cRow) + w));
            }
        }

        if (m > 4)
        {
            End<TL>(finish, c40, ref Unsafe.Add(ref c, 4 * cRow));
            if (two)
            {
                End<TL>(finish, c41, ref Unsafe.Add(ref c, (4 * cRow) + w));
            }
        }

        if (m > 5)
        {
            End<TL>(finish, c50, ref Unsafe.Add(ref c, 5 * cRow));
            if (two)
            {
                End<TL>(finish, c51, ref Unsafe.Add(ref c, (5 * cRow) + w));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Begin<TL>(Start start, ref float c, ref float row)
        where TL : struct, ILanes<TL> =>
        start switch
        {
            Start.Zero => TL.Zero,
            Start.Row => TL.Load(ref row),
            _ => TL.Load(ref c),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void End<TL>(Finish finish, TL value, ref float c)
        where TL : struct, ILanes<TL>
    {
        switch (finish)
        {
            case Finish.Relu:
                TL.Store(TL.Max(value, TL.Zero), ref c);
                break;
            case Finish.AddTo:
                TL.Store(TL.Load(ref c) + value, ref c);
                break;
            default:
                TL.Store(value, ref c);
                break;
        }
    }
}
