using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>A per-lane function of one block (an operator struct: its fields are the function's constants).</summary>
internal interface IUnaryLanes
{
    TL Invoke<TL>(TL x)
        where TL : struct, ILanes<TL>;
}

/// <summary>A per-lane function of two blocks.</summary>
internal interface IBinaryLanes
{
    TL Invoke<TL>(TL a, TL b)
        where TL : struct, ILanes<TL>;
}

/// <summary>
/// A loop over elements <c>[i, n)</c> written once over <see cref="ILanes{TSelf}"/>: <see cref="Run{TL}"/> processes whole
/// blocks of <c>TL.Count</c> from <c>i</c> and returns where it stopped (at <see cref="Scalar"/>, <c>n</c>). The struct
/// holds the loop's operands (a <c>ref struct</c> may hold them as refs).
/// </summary>
internal interface IBlockLoop
{
    int Run<TL>(int i, int n)
        where TL : struct, ILanes<TL>;
}

/// <summary>
/// The one width ladder of the element-wise kernels (TensorPrimitives' shape): whole blocks at the widest accelerated
/// width, then at the narrower ones, then <see cref="Scalar"/> for the last elements. Every kernel it drives computes each
/// element as one lane of the same operations at every width, so where an element falls changes no bit. Per arity:
/// <see cref="Map{TOp}(in TOp, ReadOnlySpan{float}, Span{float})"/> (one operand),
/// <see cref="Map{TOp}(in TOp, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> (two), and
/// <see cref="Run{TLoop}"/> for the loops with more operands or state (optimizer steps, column blocks of a matrix).
/// </summary>
internal static class Widths
{
    /// <summary>Runs <paramref name="loop"/> over <c>[0, n)</c>: 512, 256 and 128 bits where accelerated, then scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TLoop>(ref TLoop loop, int n)
        where TLoop : struct, IBlockLoop, allows ref struct
    {
        int i = 0;
        if (Lanes512.IsHardwareAccelerated && n - i >= Lanes512.Count)
        {
            i = loop.Run<Lanes512>(i, n);
        }

        if (Lanes256.IsHardwareAccelerated && n - i >= Lanes256.Count)
        {
            i = loop.Run<Lanes256>(i, n);
        }

        if (Lanes128.IsHardwareAccelerated && n - i >= Lanes128.Count)
        {
            i = loop.Run<Lanes128>(i, n);
        }

        if (i < n)
        {
            loop.Run<Scalar>(i, n);
        }
    }

    /// <summary><c>y[i] = op(x[i])</c>; <paramref name="y"/> may be <paramref name="x"/> (not a partial overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> y)
        where TOp : struct, IUnaryLanes
    {
        CheckLengths(x.Length, y.Length);
        var loop = new UnaryLoop<TOp>(op, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
        Run(ref loop, x.Length);
    }

    /// <summary><c>d[i] = op(a[i], b[i])</c>; <paramref name="d"/> may be <paramref name="a"/> or <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
        where TOp : struct, IBinaryLanes
    {
        CheckLengths(a.Length, b.Length);
        CheckLengths(a.Length, d.Length);
        var loop = new BinaryLoop<TOp>(op, ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(d));
        Run(ref loop, a.Length);
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"lengths differ: {a} vs {b}");
        }
    }

    private readonly ref struct UnaryLoop<TOp> : IBlockLoop
        where TOp : struct, IUnaryLanes
    {
        private readonly TOp _op;
        private readonly ref float _x;
        private readonly ref float _y;

        public UnaryLoop(TOp op, ref float x, ref float y)
        {
            _op = op;
            _x = ref x;
            _y = ref y;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Run<TL>(int i, int n)
            where TL : struct, ILanes<TL>
        {
            for (; i + TL.Count <= n; i += TL.Count)
            {
                TL.Store(_op.Invoke(TL.Load(ref _x, (nuint)i)), ref _y, (nuint)i);
            }

            return i;
        }
    }

    private readonly ref struct BinaryLoop<TOp> : IBlockLoop
        where TOp : struct, IBinaryLanes
    {
        private readonly TOp _op;
        private readonly ref float _a;
        private readonly ref float _b;
        private readonly ref float _d;

        public BinaryLoop(TOp op, ref float a, ref float b, ref float d)
        {
            _op = op;
            _a = ref a;
            _b = ref b;
            _d = ref d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Run<TL>(int i, int n)
            where TL : struct, ILanes<TL>
        {
            for (; i + TL.Count <= n; i += TL.Count)
            {
                TL.Store(_op.Invoke(TL.Load(ref _a, (nuint)i), TL.Load(ref _b, (nuint)i)), ref _d, (nuint)i);
            }

            return i;
        }
    }
}
