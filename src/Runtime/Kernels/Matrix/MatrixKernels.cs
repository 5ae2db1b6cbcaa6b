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
/// <para><b>One row.</b> <see cref="Forward"/> of a single row (inference of one sample) runs the matrix-vector strips
/// of <c>MatrixKernels.MatVec.cs</c> instead: up to eight vectors of columns per strip, each weight read once with the
/// widest vectors, the same chains and so the same bits as the tiles.</para>
/// </remarks>
public static partial class MatrixKernels
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
        if (rows == 1)
        {
            // one sample (inference): every weight read once by the matrix-vector strips, the same chains and bits
            MatVec(ref x0, ref w0, ldw, ref b0, ref y0, inputs, units, relu);
            return;
        }

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
                DotTiles<Lanes256>(ref d0, lddy, ref Unsafe.Add(ref w0, (nint)wide * ldw), ldw, ref Unsafe.Add(ref x0, wide), lddx,
                    ref Unsafe.Add(ref a0, wide), relu, rows, inputs - wide, units);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            DotTiles<Lanes256>(ref d0, lddy, ref w0, ldw, ref x0, lddx, ref a0, relu, rows, inputs, units);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            DotTiles<Lanes128x2>(ref d0, lddy, ref w0, ldw, ref x0, lddx, ref a0, relu, rows, inputs, units);
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
        var sums = new ColumnSumLoop(ref d0, lddy, ref g0, rows, accumulate);
        Widths.Run(ref sums, units);
    }

    /// <summary><see cref="BiasGradient"/>'s operands for <see cref="Widths.Run{TLoop}"/>.</summary>
    private readonly ref struct ColumnSumLoop(ref float dy, nint lddy, ref float db, int rows, bool accumulate) : IBlockLoop
    {
        private readonly ref float _dy = ref dy;
        private readonly ref float _db = ref db;

        public int Run<TL>(int j, int n)
            where TL : struct, ILanes<TL> =>
            ColumnSums<TL>(j, ref _dy, lddy, ref _db, rows, n, accumulate);
    }

    /// <summary>Columns <c>j..</c> of <see cref="BiasGradient"/> in blocks of four vectors, then one vector at a time; returns where it stopped.</summary>
    private static int ColumnSums<TL>(int j, ref float dy, nint lddy, ref float db, int rows, int units, bool accumulate)
        where TL : struct, ILanes<TL>
    {
        int w = TL.Count;
        for (; j + (4 * w) <= units; j += 4 * w)
        {
            TL s0 = TL.Zero, s1 = TL.Zero, s2 = TL.Zero, s3 = TL.Zero;
            ref float d = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s0 = s0 + TL.Load(ref d);
                s1 = s1 + TL.Load(ref Unsafe.Add(ref d, w));
                s2 = s2 + TL.Load(ref Unsafe.Add(ref d, 2 * w));
                s3 = s3 + TL.Load(ref Unsafe.Add(ref d, 3 * w));
                d = ref Unsafe.Add(ref d, lddy);
            }

            ref float g = ref Unsafe.Add(ref db, j);
            if (accumulate)
            {
                s0 = TL.Load(ref g) + s0;
                s1 = TL.Load(ref Unsafe.Add(ref g, w)) + s1;
                s2 = TL.Load(ref Unsafe.Add(ref g, 2 * w)) + s2;
                s3 = TL.Load(ref Unsafe.Add(ref g, 3 * w)) + s3;
            }

            TL.Store(s0, ref g);
            TL.Store(s1, ref Unsafe.Add(ref g, w));
            TL.Store(s2, ref Unsafe.Add(ref g, 2 * w));
            TL.Store(s3, ref Unsafe.Add(ref g, 3 * w));
        }

        for (; j + w <= units; j += w)
        {
            TL s = TL.Zero;
            ref float d = ref Unsafe.Add(ref dy, j);
            for (int r = 0; r < rows; r++)
            {
                s = s + TL.Load(ref d);
                d = ref Unsafe.Add(ref d, lddy);
            }

            ref float g = ref Unsafe.Add(ref db, j);
            TL.Store(accumulate ? (TL.Load(ref g) + s) : s, ref g);
        }

        return j;
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
