using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AotNet.Kernels;

/// <summary>
/// exp, log, log1p, tanh and sigmoid of our own: range reduction and a polynomial in fused multiply-adds, 2^n by bit
/// manipulation, and explicit results for overflow, underflow, ±0, ±∞ and NaN. Each function is one generic body over
/// <see cref="ILanes{TSelf}"/>, so the scalar, 128-, 256- and 512-bit paths perform the same float operations per lane and
/// return the same bits; nothing calls the C library, so neither the machine, the span's length nor the OS's libm changes
/// a result. Accuracy against the exact value (measured over the float range, every 61st bit pattern): exp 0.98 ulp, log
/// 0.83 ulp, log1p 1.44 ulp, tanh 1.30 ulp, sigmoid 2.30 ulp (<c>MathKernelTests</c> bounds them by 1, 1, 2, 2 and 2.5).
/// </summary>
/// <remarks>
/// The span versions run the widest accelerated width over whole blocks, then the narrower ones, then <see cref="Scalar"/>
/// for the last elements: element-wise, so where an element falls does not matter. The source and the
/// destination may be the same span (not partially overlapping ones).
/// </remarks>
public static class MathKernels
{
    // exp: x = n ln2 + r, |r| ≤ ln2 / 2; ln2 split so that n · Ln2Hi is exact; minimax polynomial for (e^r − 1 − r) / r²
    private const float Log2E = 1.44269502162933349609375f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.428606765330187045e-06f;
    private const float RoundMagic = 12582912f; // 1.5 · 2^23: adding it rounds to an integer held in the low mantissa bits
    private const int RoundMagicBits = 0x4B400000;
    private const float ExpLowest = -104f;   // below ln(2^-150): the result is +0
    private const float ExpHighest = 89f;    // above ln(float.MaxValue): the result is +∞
    private const float E5 = 0.000198527617612853646278381f;
    private const float E4 = 0.00139304355252534151077271f;
    private const float E3 = 0.00833336077630519866943359f;
    private const float E2 = 0.0416664853692054748535156f;
    private const float E1 = 0.166666671633720397949219f;

    // log: x = 2^k m, m in [sqrt(1/2), sqrt(2)); f = m − 1, s = f / (2 + f); log(m) = f − f²/2 + s (f²/2 + R(s²))
    private const float LogLn2Hi = 6.9313812256e-01f; // 0x3f317180: k · LogLn2Hi is exact
    private const float LogLn2Lo = 9.0580006145e-06f; // 0x3717f7d1
    private const float Lg1 = 0.66666662693f;
    private const float Lg2 = 0.40000972152f;
    private const float Lg3 = 0.28498786688f;
    private const float Lg4 = 0.24279078841f;
    private const int SqrtHalfBits = 0x3f3504f3;
    private const int OneBits = 0x3f800000;
    private const float SubnormalScale = 33554432f; // 2^25

    // tanh for |x| < 0.625: x + x³ P(x²)
    private const float TanhSmall = 0.625f;
    private const float T4 = -5.70498872745e-3f;
    private const float T3 = 2.06390887954e-2f;
    private const float T2 = -5.37397155531e-2f;
    private const float T1 = 1.33314422036e-1f;
    private const float T0 = -3.33332819422e-1f;

    /// <summary>e^x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => Exp(new Scalar(x)).Value;

    /// <summary>The natural logarithm (−∞ at ±0, NaN below 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => Log(new Scalar(x)).Value;

    /// <summary>log(1 + x), accurate also where 1 + x rounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log1P(float x) => Log1P(new Scalar(x)).Value;

    /// <summary>The hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Tanh(new Scalar(x)).Value;

    /// <summary>The logistic function 1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Sigmoid(new Scalar(x)).Value;

    /// <summary><see cref="Exp(float)"/> per element.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> destination) => Widths.Map(default(ExpOp), x, destination);

    /// <summary><see cref="Log(float)"/> per element.</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> destination) => Widths.Map(default(LogOp), x, destination);

    /// <summary><see cref="Log1P(float)"/> per element.</summary>
    public static void Log1P(ReadOnlySpan<float> x, Span<float> destination) => Widths.Map(default(Log1POp), x, destination);

    /// <summary><see cref="Tanh(float)"/> per element.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination) => Widths.Map(default(TanhOp), x, destination);

    /// <summary><see cref="Sigmoid(float)"/> per element.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination) => Widths.Map(default(SigmoidOp), x, destination);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        // clamp first, so that n stays in the range the two-factor scaling below covers; NaN passes through
        var xc = TV.Select(TV.LessThan(x, TV.Create(ExpLowest)), TV.Create(ExpLowest), x);
        xc = TV.Select(TV.GreaterThan(xc, TV.Create(ExpHighest)), TV.Create(ExpHighest), xc);

        // n = round-to-nearest-even(x / ln2) in the low bits of t; r = x − n ln2 in two steps
        var t = TV.Fma(xc, TV.Create(Log2E), TV.Create(RoundMagic));
        var n = t - TV.Create(RoundMagic);
        var r = TV.Fma(n, TV.Create(-Ln2Hi), xc);
        r = TV.Fma(n, TV.Create(-Ln2Lo), r);

        var p = TV.Fma(TV.Create(E5), r, TV.Create(E4));
        p = TV.Fma(p, r, TV.Create(E3));
        p = TV.Fma(p, r, TV.Create(E2));
        p = TV.Fma(p, r, TV.Create(E1));
        p = TV.Fma(p, r, TV.Create(0.5f));
        var y = TV.Fma(r * r, p, r) + TV.Create(1f);

        // y · 2^n as y · 2^(n >> 1) · 2^(n − (n >> 1)): both factors are normal floats for n in [−150, 128], so results
        // that overflow become +∞ and results below 2^-126 are rounded once into the subnormals
        var k = TV.SubtractInt32(t, TV.CreateBits(RoundMagicBits));
        var k1 = TV.ShiftRightArithmeticInt32(k, 1);
        var k2 = TV.SubtractInt32(k, k1);
        y *= TV.ShiftLeftInt32(TV.AddInt32(k1, TV.CreateBits(127)), 23);
        y *= TV.ShiftLeftInt32(TV.AddInt32(k2, TV.CreateBits(127)), 23);
        return TV.Select(TV.Equal(x, x), y, x);
    }

    /// <summary>The natural logarithm per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        // subnormal inputs are scaled by 2^25 (exactly) and 25 taken off the exponent
        var subnormal = TV.LessThan(x, TV.Create(1.17549435e-38f));
        var xs = TV.Select(subnormal, x * TV.Create(SubnormalScale), x);
        var kOffset = TV.Select(subnormal, TV.Create(-25f), TV.Zero);

        // k and m with x = 2^k m, m in [sqrt(1/2), sqrt(2))
        var ix = TV.AddInt32(xs, TV.CreateBits(OneBits - SqrtHalfBits));
        var k = TV.ConvertInt32ToSingle(TV.SubtractInt32(TV.ShiftRightLogicalInt32(ix, 23), TV.CreateBits(127))) + kOffset;
        var m = TV.AddInt32(ix & TV.CreateBits(0x007fffff), TV.CreateBits(SqrtHalfBits));

        var f = m - TV.Create(1f);
        var s = f / (TV.Create(2f) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * TV.Fma(w, TV.Create(Lg4), TV.Create(Lg2));
        var t2 = z * TV.Fma(w, TV.Create(Lg3), TV.Create(Lg1));
        var hfsq = TV.Create(0.5f) * f * f;
        var y = TV.Fma(k, TV.Create(LogLn2Lo), s * (hfsq + (t2 + t1))) - hfsq + f;
        y = TV.Fma(k, TV.Create(LogLn2Hi), y);

        y = TV.Select(TV.Equal(x, TV.Create(float.PositiveInfinity)), x, y);
        y = TV.Select(TV.Equal(x, TV.Zero), TV.Create(float.NegativeInfinity), y);
        y = TV.Select(TV.LessThan(x, TV.Zero), TV.Create(float.NaN), y);
        return TV.Select(TV.Equal(x, x), y, x);
    }

    /// <summary>log(1 + x) per lane: <c>log(u) + (x − (u − 1)) / u</c> with <c>u = 1 + x</c> rounded, which restores what
    /// the rounding of <c>u</c> lost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1P<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        var one = TV.Create(1f);
        var u = x + one;
        var y = Log(u) + ((x - (u - one)) / u);
        y = TV.Select(TV.Equal(u, TV.Create(float.PositiveInfinity)), u, y); // the correction is ∞ / ∞ there
        y = TV.Select(TV.Equal(u, TV.Zero), TV.Create(float.NegativeInfinity), y); // x = −1
        return TV.Select(TV.Equal(x, TV.Zero), x, y); // ±0 stays ±0
    }

    /// <summary>tanh per lane: <c>x + x³ P(x²)</c> below |x| = 0.625, else <c>1 − 2 / (e^2|x| + 1)</c>, with the sign of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        var sign = x & TV.Create(-0f);
        var ax = TV.AndNot(x, TV.Create(-0f));
        var z = ax * ax;
        var p = TV.Fma(TV.Create(T4), z, TV.Create(T3));
        p = TV.Fma(p, z, TV.Create(T2));
        p = TV.Fma(p, z, TV.Create(T1));
        p = TV.Fma(p, z, TV.Create(T0));
        var small = TV.Fma(p * z, ax, ax);
        var large = TV.Create(1f) - (TV.Create(2f) / (Exp(ax + ax) + TV.Create(1f)));
        return TV.Select(TV.LessThan(ax, TV.Create(TanhSmall)), small, large) | sign;
    }

    /// <summary>The logistic function per lane: <c>1 / (1 + e^−x)</c> for x ≥ 0 and <c>e^x / (1 + e^x)</c> below, so that
    /// the result keeps its precision down to the subnormals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x)
        where TV : struct, ILanes<TV>
    {
        var e = Exp(x | TV.Create(-0f)); // e^−|x|
        var one = TV.Create(1f);
        return TV.Select(TV.LessThan(x, TV.Zero), e, one) / (one + e);
    }

    /// <summary>
    /// <c>Σ exp(x[i] − shift)</c> over <paramref name="n"/> elements in exactly <see cref="Reductions.Sum(ReadOnlySpan{float})"/>'s
    /// order over the values <c>exp(x[i] − shift)</c>; with <paramref name="store"/> those values are also written to
    /// <paramref name="destination"/>. Softmax and categorical cross-entropy both form their normaliser here.
    /// </summary>
    internal static float SumExpShifted(ref float x, float shift, ref float destination, int n, bool store)
    {
        var term = new ExpShifted(shift);
        return Sum(term, ref x, ref x, ref destination, n, store);
    }

    /// <summary>
    /// <c>Σ term(a[i], b[i])</c> in the order of the <see cref="Reductions"/> contract (eight logical lanes, the fixed tree,
    /// the tail in ascending order), optionally storing each term to <paramref name="destination"/>.
    /// </summary>
    internal static float Sum<TTerm>(in TTerm term, ref float a, ref float b, ref float destination, int n, bool store)
        where TTerm : struct, IBinaryLanes
    {
        int blocks = n >> 3;
        float r;
        if (Lanes256.IsHardwareAccelerated)
        {
            r = SumBlocks<TTerm, Lanes256>(term, ref a, ref b, ref destination, blocks, store);
        }
        else if (Lanes128.IsHardwareAccelerated)
        {
            r = SumBlocks<TTerm, Lanes128>(term, ref a, ref b, ref destination, blocks, store);
        }
        else
        {
            r = SumBlocks<TTerm, Scalar>(term, ref a, ref b, ref destination, blocks, store);
        }

        for (int i = blocks * 8; i < n; i++)
        {
            var t = term.Invoke(Scalar.Load(ref a, (nuint)i), Scalar.Load(ref b, (nuint)i));
            if (store)
            {
                Scalar.Store(t, ref destination, (nuint)i);
            }

            r += t.Value;
        }

        return r;
    }

    // the full blocks of eight: lane j of the contract is lane (j mod Count) of accumulator j / Count
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumBlocks<TTerm, TV>(in TTerm term, ref float a, ref float b, ref float destination, int blocks, bool store)
        where TTerm : struct, IBinaryLanes
        where TV : struct, ILanes<TV>
    {
        TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero, s4 = TV.Zero, s5 = TV.Zero, s6 = TV.Zero, s7 = TV.Zero;
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)(i * 8);
            s0 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o, store);
            if (TV.Count < 8)
            {
                s1 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + (nuint)TV.Count, store);
            }

            if (TV.Count < 4)
            {
                s2 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 2, store);
                s3 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 3, store);
                s4 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 4, store);
                s5 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 5, store);
                s6 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 6, store);
                s7 += Term<TTerm, TV>(term, ref a, ref b, ref destination, o + 7, store);
            }
        }

        return Combine(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Term<TTerm, TV>(in TTerm term, ref float a, ref float b, ref float destination, nuint o, bool store)
        where TTerm : struct, IBinaryLanes
        where TV : struct, ILanes<TV>
    {
        var t = term.Invoke(TV.Load(ref a, o), TV.Load(ref b, o));
        if (store)
        {
            TV.Store(t, ref destination, o);
        }

        return t;
    }

    /// <summary>The contract's tree over eight logical lanes held as one 8-lane, two 4-lane or eight 1-lane blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Combine<TV>(TV s0, TV s1, TV s2, TV s3, TV s4, TV s5, TV s6, TV s7)
        where TV : struct, ILanes<TV>
    {
        if (TV.Count == 8)
        {
            return Reductions.Combine(Unsafe.As<TV, Lanes256>(ref s0).Value);
        }

        if (TV.Count == 4)
        {
            return Reductions.Combine(Unsafe.As<TV, Lanes128>(ref s0).Value, Unsafe.As<TV, Lanes128>(ref s1).Value);
        }

        if (TV.Count == 1)
        {
            return Reductions.Combine(
                Unsafe.As<TV, float>(ref s0), Unsafe.As<TV, float>(ref s1), Unsafe.As<TV, float>(ref s2), Unsafe.As<TV, float>(ref s3),
                Unsafe.As<TV, float>(ref s4), Unsafe.As<TV, float>(ref s5), Unsafe.As<TV, float>(ref s6), Unsafe.As<TV, float>(ref s7));
        }

        throw new NotSupportedException("eight logical lanes need 1-, 4- or 8-lane blocks");
    }

    private readonly struct ExpOp : IUnaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV x)
            where TV : struct, ILanes<TV> => Exp(x);
    }

    private readonly struct LogOp : IUnaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV x)
            where TV : struct, ILanes<TV> => Log(x);
    }

    private readonly struct Log1POp : IUnaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV x)
            where TV : struct, ILanes<TV> => Log1P(x);
    }

    private readonly struct TanhOp : IUnaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV x)
            where TV : struct, ILanes<TV> => Tanh(x);
    }

    private readonly struct SigmoidOp : IUnaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV x)
            where TV : struct, ILanes<TV> => Sigmoid(x);
    }

    /// <summary><c>exp(a − shift)</c>.</summary>
    private readonly struct ExpShifted(float shift) : IBinaryLanes
    {
        private readonly float _shift = shift;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV a, TV b)
            where TV : struct, ILanes<TV> => Exp(a - TV.Create(_shift));
    }
}
