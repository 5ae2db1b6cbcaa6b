using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AotNet.Kernels;

/// <summary>
/// A dense layer's matrix-matrix kernels over a block of rows: row-major matrices with explicit leading dimensions
/// (<c>ld</c>: floats from one row to the next), so a block of rows, a range of columns or a column range of a
/// layer's kernel is passed by slicing the spans (a column range <c>n0..n1</c> of <see cref="Forward"/> is
/// <c>w.Slice(n0)</c>, <c>bias.Slice(n0)</c>, <c>y.Slice(n0)</c> with <c>units = n1 − n0</c> and the same <c>ldw</c>).
/// A kernel reads and writes only the <c>[0, width)</c> columns of each row it is given, so threads may own
/// neighbouring column ranges of the same rows.
/// </summary>
/// <remarks>
/// <para><b>The summation order</b> (the same on every machine and at every vector width):</para>
/// <list type="bullet">
/// <item><see cref="Forward"/>: one fused multiply-add chain per output, from the bias over the inputs in ascending
/// order: <c>acc = b[n]; acc = fma(x[r, k], w[k, n], acc)</c> for <c>k = 0, 1, …</c>; then the activation.</item>
/// <item><see cref="BackwardInput"/>: <c>dx[r, k] = Reductions.Dot(dy[r, :], w[k, :])</c> — the contract of
/// <see cref="Reductions"/> (eight logical lanes, fixed tree, ascending tail), then the ReLU derivative.</item>
/// <item><see cref="BackwardWeights"/>: one chain per kernel element from +0 over the block's rows in ascending order,
/// <c>acc = fma(x[r, k], dy[r, n], acc)</c>, then <c>dw = dw + acc</c> (or <c>dw = acc</c>).</item>
/// <item><see cref="BiasGradient"/>: <c>acc = +0; acc = acc + dy[r, n]</c> for ascending <c>r</c>, then <c>db = db + acc</c> (or <c>acc</c>).</item>
/// </list>
/// <para>Wider vectors only compute more outputs at once: each output is one lane of every vector operation it takes
/// part in (per-output kernels use 512-, 256- or 128-bit vectors or scalars, whichever the machine has, the columns
/// left over narrower ones), and the dot products of <see cref="BackwardInput"/> keep eight logical lanes at every width.
/// So every path gives the same bits. Zero inputs are not skipped: <c>fma(0, w, acc) = acc</c> for finite <c>w</c>
/// and <c>acc ≠ −0</c>, so the results equal <see cref="DenseKernels"/>' row kernels applied row by row, except that
/// a zero input times an infinite or NaN operand gives NaN here, as the plain definition does.</para>
/// <para><b>Blocking.</b> <see cref="Forward"/> and <see cref="BackwardWeights"/> hold output micro-tiles of six rows
/// × two vectors (32 columns at 512 bits, 16 at 256, 8 at 128) in registers while broadcast fused multiply-adds run
/// over the summed index; the columns left over go to narrower vectors, then scalars. <see cref="Forward"/> takes the
/// inputs in blocks of <see cref="InputBlock"/> (the partial sums go through <c>y</c> as floats, which changes no bit),
/// and when at least four row tiles share a panel of the kernel (or of <c>dy</c>) it is first copied into a 32 KB
/// per-thread buffer (<c>[ThreadStatic]</c>, allocated once per thread, never per call), so the row tiles read it from
/// L1 whatever the leading dimension. <see cref="BackwardInput"/> runs tiles of three rows × four kernel rows with
/// eight-lane accumulators (two × four with 128-bit vectors; four × eight with AVX-512, two outputs per 512-bit
/// accumulator), dy rows in chunks that fit L1 and kernel rows in chunks that fit L2, and forms four outputs' trees
/// at once with shuffles (<see cref="Trees.Four"/>, the same additions as <see cref="Reductions.Combine(Vector128{float}, Vector128{float})"/>).</para>
/// </remarks>
public static class MatrixKernels
{
    /// <summary>Inputs per pass of <see cref="Forward"/> over the row tiles.</summary>
    internal const int InputBlock = 256;

    private const int TileRows = 6;

    /// <summary>Row tiles from which a kernel panel is copied into <see cref="Panel"/> first (fewer would not repay the copy).</summary>
    private const int PackRows = 4 * TileRows;

    /// <summary>
    /// This thread's copy of the current panel (<see cref="InputBlock"/> rows of up to 32 columns): allocated once per
    /// thread on first use (32 KB), never per call.
    /// </summary>
    [ThreadStatic]
    private static float[]? Panel;

    /// <summary>
    /// Allocates this thread's panel buffer now, if it has none yet. The worker pool calls it on every worker (and the
    /// caller) when it starts, so that a thread's first packed call — which may come in any epoch — allocates nothing.
    /// </summary>
    public static void PrepareThread() => Panel ??= new float[InputBlock * 32];

    /// <summary>Bytes of <c>dy</c> rows that <see cref="BackwardInput"/> keeps in the L1 cache while the kernel tiles pass over them.</summary>
    private const int DotChunkBytes = 24 * 1024;

    /// <summary>Bytes of kernel rows that <see cref="BackwardInput"/> keeps in the L2 cache while the row chunks pass over them.</summary>
    private const int KernelChunkBytes = 512 * 1024;

    private enum Start : byte
    {
        Zero,
        Row,
        Output,
    }

    private enum Finish : byte
    {
        Store,
        Relu,
        AddTo,
    }

    /// <summary>
    /// <c>y[r, n] = act(b[n] + Σ_k x[r, k] · w[k, n])</c> for <c>r &lt; rows</c>, <c>n &lt; units</c>, the sum one fused
    /// multiply-add chain from <c>b[n]</c> over ascending <c>k</c>; <c>act</c> is ReLU (<c>TensorPrimitives.Max(·, 0)</c>)
    /// when <paramref name="relu"/>, else the identity.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> w, int ldw, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, int rows, int inputs, int units, bool relu)
    {
        CheckSizes(rows, inputs, units);
        CheckMatrix(x.Length, ldx, rows, inputs, nameof(x));
        CheckMatrix(w.Length, ldw, inputs, units, nameof(w));
        CheckMatrix(y.Length, ldy, rows, units, nameof(y));
        if (bias.Length < units)
        {
            throw new ArgumentException($"the bias holds {bias.Length} values, expected at least {units}", nameof(bias));
        }

        if (rows == 0 || units == 0)
        {
            return;
        }

        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref float b0 = ref MemoryMarshal.GetReference(bias);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        int k0 = 0;
        do
        {
            int count = Math.Min(InputBlock, inputs - k0);
            var start = k0 == 0 ? Start.Row : Start.Output;
            var finish = k0 + count < inputs ? Finish.Store : relu ? Finish.Relu : Finish.Store;
            Gemm(ref Unsafe.Add(ref x0, k0), ldx, 1, ref Unsafe.Add(ref w0, (nint)k0 * ldw), ldw, count,
                ref y0, ldy, ref b0, rows, units, start, finish);
            k0 += count;
        }
        while (k0 < inputs);
    }

    /// <summary>
    /// <c>dx[r, k] = Reductions.Dot(dy[r, 0..units), w[k, 0..units))</c> for <c>r &lt; rows</c>, <c>k &lt; inputs</c>
    /// (<c>dX = dY · Wᵀ</c>). When <paramref name="reluOf"/> is not empty it holds the layer below's ReLU outputs in the
    /// layout of <paramref name="dx"/> (leading dimension <paramref name="lddx"/>), and <c>dx = 0</c> where
    /// <c>!(reluOf &gt; 0)</c>: the ReLU derivative, fused.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, int lddy, ReadOnlySpan<float> w, int ldw, Span<float> dx, int lddx,
        ReadOnlySpan<float> reluOf, int rows, int inputs, int units)
    {
        CheckSizes(rows, inputs, units);
        CheckMatrix(dy.Length, lddy, rows, units, nameof(dy));
        CheckMatrix(w.Length, ldw, inputs, units, nameof(w));
        CheckMatrix(dx.Length, lddx, rows, inputs, nameof(dx));
        bool relu = !reluOf.IsEmpty;
        if (relu)
        {
            CheckMatrix(reluOf.Length, lddx, rows, inputs, nameof(reluOf));
        }

        if (rows == 0 || inputs == 0)
        {
            return;
        }

        ref float d0 = ref MemoryMarshal.GetReference(dy);
        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref float x0 = ref MemoryMarshal.GetReference(dx);
        ref float a0 = ref relu ? ref MemoryMarshal.GetReference(reluOf) : ref x0;
        if (Vector512.IsHardwareAccelerated && inputs >= 8)
        {
            // groups of eight kernel rows with two outputs per 512-bit vector, the rest as at 256 bits
            int wide = inputs & ~7;
            DotTiles512(ref d0, lddy, ref w0, ldw, ref x0, lddx, ref a0, relu, rows, wide, units);
            if (wide < inputs)
            {
                DotTiles<Oct256, Vector256<float>>(ref d0, lddy, ref Unsafe.Add(ref w0, (nint)wide * ldw), ldw, ref Unsafe.Add(ref x0, wide), lddx,
                    ref Unsafe.Add(ref a0, wide), relu, rows, inputs - wide, units);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            DotTiles<Oct256, Vector256<float>>(ref d0, lddy, ref w0, ldw, ref x0, lddx, ref a0, relu, rows, inputs, units);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            DotTiles<Oct128, Pair128>(ref d0, lddy, ref w0, ldw, ref x0, lddx, ref a0, relu, rows, inputs, units);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                for (int k = 0; k < inputs; k++)
                {
                    nint o = ((nint)r * lddx) + k;
                    Unsafe.Add(ref x0, o) = relu && !(Unsafe.Add(ref a0, o) > 0f)
                        ? 0f
                        : Reductions.Dot(ref Unsafe.Add(ref d0, (nint)r * lddy), ref Unsafe.Add(ref w0, (nint)k * ldw), units);
                }
            }
        }
    }

    /// <summary>
    /// <c>dW = Xᵀ · dY</c> over one block of rows: <c>acc[k, n]</c> is one fused multiply-add chain from +0 over
    /// ascending <c>r</c> of <c>x[r, k] · dy[r, n]</c>; then <c>dw[k, n] = dw[k, n] + acc</c> when
    /// <paramref name="accumulate"/>, else <c>dw[k, n] = acc</c>.
    /// </summary>
    public static void BackwardWeights(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> dy, int lddy, Span<float> dw, int lddw,
        int rows, int inputs, int units, bool accumulate)
    {
        CheckSizes(rows, inputs, units);
        CheckMatrix(x.Length, ldx, rows, inputs, nameof(x));
        CheckMatrix(dy.Length, lddy, rows, units, nameof(dy));
        CheckMatrix(dw.Length, lddw, inputs, units, nameof(dw));
        if (inputs == 0 || units == 0)
        {
            return;
        }

        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float d0 = ref MemoryMarshal.GetReference(dy);
        ref float g0 = ref MemoryMarshal.GetReference(dw);
        Gemm(ref x0, 1, ldx, ref d0, lddy, rows, ref g0, lddw, ref g0, inputs, units, Start.Zero, accumulate ? Finish.AddTo : Finish.Store);
    }

    /// <summary>
    /// <c>db[n] = db[n] + acc</c> when <paramref name="accumulate"/>, else <c>acc</c>, with <c>acc = +0</c> then
    /// <c>acc = acc + dy[r, n]</c> for ascending <c>r &lt; rows</c>.
    /// </summary>
    public static void BiasGradient(ReadOnlySpan<float> dy, int lddy, Span<float> db, int rows, int units, bool accumulate)
    {
        CheckSizes(rows, 0, units);
        CheckMatrix(dy.Length, lddy, rows, units, nameof(dy));
        if (db.Length < units)
        {
            throw new ArgumentException($"the bias gradient holds {db.Length} values, expected at least {units}", nameof(db));
        }

        ref float d0 = ref MemoryMarshal.GetReference(dy);
        ref float g0 = ref MemoryMarshal.GetReference(db);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = ColumnSums<Vector512Ops, Vector512<float>>(j, ref d0, lddy, ref g0, rows, units, accumulate);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = ColumnSums<Vector256Ops, Vector256<float>>(j, ref d0, lddy, ref g0, rows, units, accumulate);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            j = ColumnSums<Vector128Ops, Vector128<float>>(j, ref d0, lddy, ref g0, rows, units, accumulate);
        }

        ColumnSums<ScalarOps, float>(j, ref d0, lddy, ref g0, rows, units, accumulate);
    }

    /// <summary>Columns <c>j..</c> of <see cref="BiasGradient"/> in blocks of four vectors, then one vector at a time; returns where it stopped.</summary>
    private static int ColumnSums<TOps, TV>(int j, ref float dy, nint lddy, ref float db, int rows, int units, bool accumulate)
        where TOps : struct, IVectorOps<TV>
        where TV : struct
    {
        int w = TOps.Count;
        for (; j + (4 * w) <= units; j += 4 * w)
        {
            TV s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            ref float d = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s0 = TOps.Add(s0, TOps.Load(ref d));
                s1 = TOps.Add(s1, TOps.Load(ref Unsafe.Add(ref d, w)));
                s2 = TOps.Add(s2, TOps.Load(ref Unsafe.Add(ref d, 2 * w)));
                s3 = TOps.Add(s3, TOps.Load(ref Unsafe.Add(ref d, 3 * w)));
                d = ref Unsafe.Add(ref d, lddy);
            }

            ref float g = ref Unsafe.Add(ref db, j);
            if (accumulate)
            {
                s0 = TOps.Add(TOps.Load(ref g), s0);
                s1 = TOps.Add(TOps.Load(ref Unsafe.Add(ref g, w)), s1);
                s2 = TOps.Add(TOps.Load(ref Unsafe.Add(ref g, 2 * w)), s2);
                s3 = TOps.Add(TOps.Load(ref Unsafe.Add(ref g, 3 * w)), s3);
            }

            TOps.Store(s0, ref g);
            TOps.Store(s1, ref Unsafe.Add(ref g, w));
            TOps.Store(s2, ref Unsafe.Add(ref g, 2 * w));
            TOps.Store(s3, ref Unsafe.Add(ref g, 3 * w));
        }

        for (; j + w <= units; j += w)
        {
            TV s = TOps.Zero;
            ref float d = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s = TOps.Add(s, TOps.Load(ref d));
                d = ref Unsafe.Add(ref d, lddy);
            }

            ref float g = ref Unsafe.Add(ref db, j);
            TOps.Store(accumulate ? TOps.Add(TOps.Load(ref g), s) : s, ref g);
        }

        return j;
    }

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

    /// <summary><see cref="BackwardInput"/> in tiles of three rows × four kernel rows (two × four with 128-bit vectors).</summary>
    private static void DotTiles<TOct, T8>(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu,
        int rows, int inputs, int units)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        int tileRows = typeof(T8) == typeof(Pair128) ? 2 : 3;
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
                            case 5: DotTile<TOct, T8, C1, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 6: DotTile<TOct, T8, C1, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 7: DotTile<TOct, T8, C1, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 8: DotTile<TOct, T8, C1, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 9: DotTile<TOct, T8, C2, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 10: DotTile<TOct, T8, C2, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 11: DotTile<TOct, T8, C2, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 12: DotTile<TOct, T8, C2, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 13: DotTile<TOct, T8, C3, C1>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 14: DotTile<TOct, T8, C3, C2>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            case 15: DotTile<TOct, T8, C3, C3>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
                            default: DotTile<TOct, T8, C3, C4>(ref dr, lddy, ref wk, ldw, ref xo, lddx, ref ao, relu, units); break;
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
        var lo = Trees.Four(Oct256.Halves(s0.GetLower()), Oct256.Halves(s0.GetUpper()), Oct256.Halves(s1.GetLower()), Oct256.Halves(s1.GetUpper()));
        var hi = Trees.Four(Oct256.Halves(s2.GetLower()), Oct256.Halves(s2.GetUpper()), Oct256.Halves(s3.GetLower()), Oct256.Halves(s3.GetUpper()));
        DotFinish(lo, ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
        DotFinish(hi, ref dy, ref Unsafe.Add(ref w, 4 * ldw), ldw, tail, units, ref Unsafe.Add(ref dx, 4), ref Unsafe.Add(ref reluOf, 4), relu);
    }

    /// <summary><c>TR</c> rows of <c>dy</c> × <c>TK</c> rows of <c>w</c>: one eight-lane accumulator per output, then the tree and the tail.</summary>
    private static void DotTile<TOct, T8, TR, TK>(ref float dy, nint lddy, ref float w, nint ldw, ref float dx, nint lddx, ref float reluOf, bool relu, int units)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
        where TR : struct, IConstant
        where TK : struct, IConstant
    {
        int tr = TR.Value, tk = TK.Value;
        T8 zero = TOct.Zero;
        T8 s00 = zero, s01 = zero, s02 = zero, s03 = zero;
        T8 s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        T8 s20 = zero, s21 = zero, s22 = zero, s23 = zero;
        nint d1 = lddy, d2 = 2 * lddy, w1 = ldw, w2 = 2 * ldw, w3 = 3 * ldw;
        int blocks = units >> 3;
        ref float dp = ref dy;
        ref float wp = ref w;
        for (int j = 0; j < blocks; j++)
        {
            T8 a0 = TOct.Load(ref dp);
            T8 a1 = tr > 1 ? TOct.Load(ref Unsafe.Add(ref dp, d1)) : zero;
            T8 a2 = tr > 2 ? TOct.Load(ref Unsafe.Add(ref dp, d2)) : zero;
            T8 b = TOct.Load(ref wp);
            s00 = TOct.Fma(a0, b, s00);
            if (tr > 1)
            {
                s10 = TOct.Fma(a1, b, s10);
            }

            if (tr > 2)
            {
                s20 = TOct.Fma(a2, b, s20);
            }

            if (tk > 1)
            {
                b = TOct.Load(ref Unsafe.Add(ref wp, w1));
                s01 = TOct.Fma(a0, b, s01);
                if (tr > 1)
                {
                    s11 = TOct.Fma(a1, b, s11);
                }

                if (tr > 2)
                {
                    s21 = TOct.Fma(a2, b, s21);
                }
            }

            if (tk > 2)
            {
                b = TOct.Load(ref Unsafe.Add(ref wp, w2));
                s02 = TOct.Fma(a0, b, s02);
                if (tr > 1)
                {
                    s12 = TOct.Fma(a1, b, s12);
                }

                if (tr > 2)
                {
                    s22 = TOct.Fma(a2, b, s22);
                }
            }

            if (tk > 3)
            {
                b = TOct.Load(ref Unsafe.Add(ref wp, w3));
                s03 = TOct.Fma(a0, b, s03);
                if (tr > 1)
                {
                    s13 = TOct.Fma(a1, b, s13);
                }

                if (tr > 2)
                {
                    s23 = TOct.Fma(a2, b, s23);
                }
            }

            dp = ref Unsafe.Add(ref dp, 8);
            wp = ref Unsafe.Add(ref wp, 8);
        }

        int tail = blocks * 8;
        if (tk == 4)
        {
            // four outputs of a row are neighbours in dx: their trees, tails and ReLU derivative as one 128-bit vector
            DotRow<TOct, T8>(s00, s01, s02, s03, ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
            if (tr > 1)
            {
                DotRow<TOct, T8>(s10, s11, s12, s13, ref Unsafe.Add(ref dy, d1), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, lddx), ref Unsafe.Add(ref reluOf, lddx), relu);
            }

            if (tr > 2)
            {
                DotRow<TOct, T8>(s20, s21, s22, s23, ref Unsafe.Add(ref dy, d2), ref w, ldw, tail, units, ref Unsafe.Add(ref dx, 2 * lddx), ref Unsafe.Add(ref reluOf, 2 * lddx), relu);
            }

            return;
        }

        DotEnd<TOct, T8>(s00, ref dy, ref w, tail, units, ref dx, ref reluOf, relu);
        if (tk > 1)
        {
            DotEnd<TOct, T8>(s01, ref dy, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx, 1), ref Unsafe.Add(ref reluOf, 1), relu);
        }

        if (tk > 2)
        {
            DotEnd<TOct, T8>(s02, ref dy, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx, 2), ref Unsafe.Add(ref reluOf, 2), relu);
        }

        if (tk > 3)
        {
            DotEnd<TOct, T8>(s03, ref dy, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx, 3), ref Unsafe.Add(ref reluOf, 3), relu);
        }

        if (tr > 1)
        {
            ref float dy1 = ref Unsafe.Add(ref dy, d1);
            ref float dx1 = ref Unsafe.Add(ref dx, lddx);
            ref float re1 = ref Unsafe.Add(ref reluOf, lddx);
            DotEnd<TOct, T8>(s10, ref dy1, ref w, tail, units, ref dx1, ref re1, relu);
            if (tk > 1)
            {
                DotEnd<TOct, T8>(s11, ref dy1, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx1, 1), ref Unsafe.Add(ref re1, 1), relu);
            }

            if (tk > 2)
            {
                DotEnd<TOct, T8>(s12, ref dy1, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx1, 2), ref Unsafe.Add(ref re1, 2), relu);
            }

            if (tk > 3)
            {
                DotEnd<TOct, T8>(s13, ref dy1, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx1, 3), ref Unsafe.Add(ref re1, 3), relu);
            }
        }

        if (tr > 2)
        {
            ref float dy2 = ref Unsafe.Add(ref dy, d2);
            ref float dx2 = ref Unsafe.Add(ref dx, 2 * lddx);
            ref float re2 = ref Unsafe.Add(ref reluOf, 2 * lddx);
            DotEnd<TOct, T8>(s20, ref dy2, ref w, tail, units, ref dx2, ref re2, relu);
            if (tk > 1)
            {
                DotEnd<TOct, T8>(s21, ref dy2, ref Unsafe.Add(ref w, w1), tail, units, ref Unsafe.Add(ref dx2, 1), ref Unsafe.Add(ref re2, 1), relu);
            }

            if (tk > 2)
            {
                DotEnd<TOct, T8>(s22, ref dy2, ref Unsafe.Add(ref w, w2), tail, units, ref Unsafe.Add(ref dx2, 2), ref Unsafe.Add(ref re2, 2), relu);
            }

            if (tk > 3)
            {
                DotEnd<TOct, T8>(s23, ref dy2, ref Unsafe.Add(ref w, w3), tail, units, ref Unsafe.Add(ref dx2, 3), ref Unsafe.Add(ref re2, 3), relu);
            }
        }
    }

    /// <summary>
    /// <see cref="DotEnd{TOct, T8}"/> for four neighbouring outputs <c>dx[k..k+4)</c> of one row (kernel rows <c>w</c> …
    /// <c>w + 3 · ldw</c>): each lane sees the same tree, the same tail fused multiply-adds in the same order and the
    /// same derivative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRow<TOct, T8>(T8 s0, T8 s1, T8 s2, T8 s3, ref float dy, ref float w, nint ldw, int tail, int units, ref float dx, ref float reluOf, bool relu)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        DotFinish(Trees.Four(TOct.Halves(s0), TOct.Halves(s1), TOct.Halves(s2), TOct.Halves(s3)), ref dy, ref w, ldw, tail, units, ref dx, ref reluOf, relu);
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
    private static void DotEnd<TOct, T8>(T8 lanes, ref float dy, ref float w, int tail, int units, ref float dx, ref float reluOf, bool relu)
        where TOct : struct, IOctOps<T8>
        where T8 : struct
    {
        float s = TOct.Combine(lanes);
        for (int t = tail; t < units; t++)
        {
            s = MathF.FusedMultiplyAdd(Unsafe.Add(ref dy, t), Unsafe.Add(ref w, t), s);
        }

        dx = relu && !(reluOf > 0f) ? 0f : s;
    }

    private static void CheckSizes(int rows, int inputs, int units)
    {
        if (rows < 0 || inputs < 0 || units < 0)
        {
            throw new ArgumentOutOfRangeException(rows < 0 ? nameof(rows) : inputs < 0 ? nameof(inputs) : nameof(units), "sizes must not be negative");
        }
    }

    /// <summary>A row-major matrix of <paramref name="count"/> rows × <paramref name="width"/> columns, rows <paramref name="ld"/> apart, fits in <paramref name="length"/>.</summary>
    private static void CheckMatrix(int length, int ld, int count, int width, string name)
    {
        if (count == 0 || width == 0)
        {
            return;
        }

        if (count > 1 && ld < width)
        {
            throw new ArgumentOutOfRangeException(name, ld, $"the leading dimension of {name} is smaller than its {width} columns");
        }

        long needed = ((long)(count - 1) * ld) + width;
        if (length < needed)
        {
            throw new ArgumentException($"{name} holds {length} floats, expected at least {needed} ({count} rows of {width}, {ld} apart)", name);
        }
    }
}
