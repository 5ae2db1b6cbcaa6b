using System.Runtime.Intrinsics;
using AotNet.Kernels;
using AotNet.Training;
using Xunit.Abstractions;
using static AotNet.Tests.Kernels.FloatBits;

namespace AotNet.Tests.Kernels;

/// <summary>
/// MathKernels' exp, log, log1p, tanh and sigmoid: accuracy against double precision over the float range, the special
/// values, and the same bits from the scalar, 128-, 256- and 512-bit bodies and from the span versions at every length.
/// </summary>
public sealed class MathKernelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Functions() => new() { "exp", "log", "log1p", "tanh", "sigmoid" };

    [Theory]
    [MemberData(nameof(Functions))]
    public void AccuracyOverTheFloatRangeIsWithinTheDocumentedUlps(string name)
    {
        var (f, reference, bound) = Function(name);
        double worst = 0;
        float worstAt = 0;
        long count = 0;

        // every 4099th bit pattern (both signs, subnormals, NaNs, infinities) plus a dense sweep of the interesting range
        foreach (float x in Sample())
        {
            double error = UlpError(f(x), reference(x));
            count++;
            if (error > worst)
            {
                worst = error;
                worstAt = x;
            }
        }

        output.WriteLine($"{name}: max error {worst:F3} ulp at x = {worstAt:R} over {count:N0} values");
        Assert.True(worst <= bound, $"{name}: {worst:F3} ulp at x = {worstAt:R} (f = {f(worstAt):R}, exact {reference(worstAt):R}), bound {bound}");
    }

    [Fact]
    public void SpecialValues()
    {
        float inf = float.PositiveInfinity;
        AssertBits(1f, MathKernels.Exp(0f));
        AssertBits(1f, MathKernels.Exp(-0f));
        AssertBits(inf, MathKernels.Exp(inf));
        AssertBits(0f, MathKernels.Exp(-inf));
        Assert.True(float.IsNaN(MathKernels.Exp(float.NaN)));
        AssertBits(inf, MathKernels.Exp(88.72284f)); // just above ln(float.MaxValue)
        Assert.True(float.IsFinite(MathKernels.Exp(88.72283f)));
        AssertBits(0f, MathKernels.Exp(-104f));
        AssertBits(float.Epsilon, MathKernels.Exp(-103.27893f)); // the smallest subnormal
        AssertBits(0f, MathKernels.Exp(-1e30f));

        AssertBits(0f, MathKernels.Log(1f));
        AssertBits(float.NegativeInfinity, MathKernels.Log(0f));
        AssertBits(float.NegativeInfinity, MathKernels.Log(-0f));
        Assert.True(float.IsNaN(MathKernels.Log(-1f)));
        Assert.True(float.IsNaN(MathKernels.Log(-inf)));
        Assert.True(float.IsNaN(MathKernels.Log(float.NaN)));
        AssertBits(inf, MathKernels.Log(inf));
        Assert.Equal(Math.Log(float.Epsilon), MathKernels.Log(float.Epsilon), 1e-5);
        Assert.Equal(Math.Log(float.MaxValue), MathKernels.Log(float.MaxValue), 1e-5);

        AssertBits(0f, MathKernels.Log1P(0f));
        AssertBits(-0f, MathKernels.Log1P(-0f));
        AssertBits(float.NegativeInfinity, MathKernels.Log1P(-1f));
        Assert.True(float.IsNaN(MathKernels.Log1P(-2f)));
        AssertBits(inf, MathKernels.Log1P(inf));
        AssertBits(1e-30f, MathKernels.Log1P(1e-30f));

        AssertBits(-0f, MathKernels.Tanh(-0f));
        AssertBits(0f, MathKernels.Tanh(0f));
        AssertBits(1f, MathKernels.Tanh(inf));
        AssertBits(-1f, MathKernels.Tanh(-inf));
        AssertBits(1f, MathKernels.Tanh(20f));
        Assert.True(float.IsNaN(MathKernels.Tanh(float.NaN)));
        AssertBits(1e-20f, MathKernels.Tanh(1e-20f));

        AssertBits(0.5f, MathKernels.Sigmoid(0f));
        AssertBits(1f, MathKernels.Sigmoid(inf));
        AssertBits(0f, MathKernels.Sigmoid(-inf));
        AssertBits(1f, MathKernels.Sigmoid(30f));
        Assert.True(float.IsNaN(MathKernels.Sigmoid(float.NaN)));
        Assert.Equal(Math.Exp(-100), MathKernels.Sigmoid(-100f), float.Epsilon); // kept down to the subnormals (27 · 2^-149)
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void TheScalarAnd128And256And512BitBodiesGiveTheSameBits(string name)
    {
        float[] x = Sample().Where((_, i) => i % 7 == 0).ToArray();
        Array.Resize(ref x, x.Length / 16 * 16);
        int[] scalar = Evaluate<Scalar>(name, x), v128 = Evaluate<Lanes128>(name, x), v256 = Evaluate<Lanes256>(name, x), v512 = Evaluate<Lanes512>(name, x);
        AssertSameBits(name, x, scalar, v128, "128-bit");
        AssertSameBits(name, x, scalar, v256, "256-bit");
        AssertSameBits(name, x, scalar, v512, "512-bit");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void SpanVersionsAtEveryLength1To256EqualTheScalarFunctionBitForBit(string name)
    {
        var (f, _, _) = Function(name);
        var random = new DeterministicRandom(17);
        for (int n = 1; n <= 256; n++)
        {
            float[] x = Inputs(random, n), y = new float[n];
            Span(name, x, y);
            for (int i = 0; i < n; i++)
            {
                if (BitConverter.SingleToInt32Bits(f(x[i])) != BitConverter.SingleToInt32Bits(y[i]))
                {
                    Assert.Fail($"{name} at length {n}, element {i}: x = {x[i]:R}, span {y[i]:R}, scalar {f(x[i]):R}");
                }
            }

            Span(name, x, x); // in place
            Assert.Equal(y.Select(BitConverter.SingleToInt32Bits), x.Select(BitConverter.SingleToInt32Bits));
        }

        Assert.Throws<ArgumentException>(() => Span(name, new float[3], new float[4]));
    }

    [Fact]
    public void SoftmaxAndTheCrossEntropyShareTheNormaliserFormedInTheReductionsOrder()
    {
        var random = new DeterministicRandom(3);
        for (int n = 1; n <= 256; n++)
        {
            float[] z = Inputs(random, n).Select(v => float.IsFinite(v) ? Math.Clamp(v, -80f, 80f) : 1f).ToArray();
            float max = z.Max();
            float[] e = z.Select(v => MathKernels.Exp(v - max)).ToArray();
            float sum = Reductions.Sum(e);
            float[] a = new float[n];
            ActivationKernels.Softmax(z, a);
            Assert.Equal(e.Select(v => BitConverter.SingleToInt32Bits(v / sum)), a.Select(BitConverter.SingleToInt32Bits));

            float[] oneHot = new float[n];
            oneHot[random.NextInt(n)] = 1f;
            float loss = LossKernels.CategoricalCrossentropyFromLogits(z, oneHot);
            AssertBits(max + MathKernels.Log(sum) - Reductions.Dot(oneHot, z), loss);
            double exactMax = z.Max(), lse = exactMax + Math.Log(z.Sum(v => Math.Exp(v - exactMax)));
            double exact = lse - z.Zip(oneHot, (p, q) => (double)p * q).Sum();
            Assert.Equal(exact, loss, 1e-6 * (Math.Abs(exactMax) + Math.Abs(lse) + 1)); // float's max − z_k cancels
        }
    }

    [Fact]
    public void ElementWiseActivationsAndLossesAtEveryLength1To256MatchTheirScalarDefinitions()
    {
        var random = new DeterministicRandom(11);
        for (int n = 1; n <= 256; n++)
        {
            float[] z = Enumerable.Range(0, n).Select(_ => random.NextSingle() < 0.1f ? 0f : random.NextSingle(-6f, 6f)).ToArray();
            float[] delta = Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
            float[] y = Enumerable.Range(0, n).Select(_ => (float)random.NextInt(2)).ToArray();
            var d = (float[])delta.Clone();
            ActivationKernels.ReluBackward(z, d);
            AssertElements("relu backward", n, i => z[i] > 0f ? delta[i] : 0f, d);
            var s = new float[n];
            ActivationKernels.Sigmoid(z, s);
            AssertElements("sigmoid", n, i => MathKernels.Sigmoid(z[i]), s);
            Assert.All(Enumerable.Range(0, n), i => Assert.Equal(1 / (1 + Math.Exp(-z[i])), s[i], 3e-7));
            d = (float[])delta.Clone();
            ActivationKernels.SigmoidBackward(s, d);
            AssertElements("sigmoid backward", n, i => delta[i] * (s[i] * (1f - s[i])), d);
            var t = new float[n];
            ActivationKernels.Tanh(z, t);
            AssertElements("tanh", n, i => MathKernels.Tanh(z[i]), t);
            Assert.All(Enumerable.Range(0, n), i => Assert.Equal(Math.Tanh(z[i]), t[i], 3e-7));
            d = (float[])delta.Clone();
            ActivationKernels.TanhBackward(t, d);
            AssertElements("tanh backward", n, i => delta[i] * (1f - (t[i] * t[i])), d);

            // the per-row losses: terms summed in the Reductions order
            float[] terms = Enumerable.Range(0, n).Select(i => (z[i] - delta[i]) * (z[i] - delta[i])).ToArray();
            AssertBits(Reductions.Sum(terms) / n, LossKernels.MeanSquaredError(z, delta));
            terms = Enumerable.Range(0, n).Select(i => MathF.Abs(z[i] - delta[i])).ToArray();
            AssertBits(Reductions.Sum(terms) / n, MetricKernels.MeanAbsoluteError(z, delta));
            terms = Enumerable.Range(0, n).Select(i => (MathF.Max(z[i], 0f) - (z[i] * y[i])) + MathKernels.Log1P(MathKernels.Exp(-MathF.Abs(z[i])))).ToArray();
            float bce = LossKernels.BinaryCrossentropyFromLogits(z, y);
            AssertBits(Reductions.Sum(terms) / n, bce);
            double exact = Enumerable.Range(0, n).Sum(i => Math.Max(z[i], 0) - ((double)z[i] * y[i]) + Math.Log(1 + Math.Exp(-Math.Abs((double)z[i])))) / n;
            Assert.Equal(exact, bce, 1e-6 * Math.Max(1, exact));
        }
    }

    private static void AssertElements(string what, int n, Func<int, float> expected, float[] actual)
    {
        for (int i = 0; i < n; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected(i)) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what} at length {n}, element {i}: {actual[i]:R}, expected {expected(i):R}");
            }
        }
    }

    private static (Func<float, float> F, Func<float, double> Reference, double Bound) Function(string name) => name switch
    {
        "exp" => (MathKernels.Exp, x => Math.Exp(x), 1.0),
        "log" => (MathKernels.Log, x => Math.Log(x), 1.0),
        "log1p" => (MathKernels.Log1P, x => Log1P(x), 2.0),
        "tanh" => (MathKernels.Tanh, x => Math.Tanh(x), 2.0),
        "sigmoid" => (MathKernels.Sigmoid, x => x >= 0 ? 1 / (1 + Math.Exp(-(double)x)) : Math.Exp(x) / (1 + Math.Exp(x)), 2.5),
        _ => throw new ArgumentException(name),
    };

    // log(1 + x) in double, exact enough where 1 + x loses x's low bits
    private static double Log1P(double x) => x < -1 ? double.NaN : Math.Abs(x) < 1e-4 ? x * (1 - (x * (0.5 - (x * ((1.0 / 3) - (x * 0.25)))))) : Math.Log(1 + x);

    private static int[] Evaluate<TV>(string name, float[] x)
        where TV : struct, ILanes<TV>
    {
        var y = new float[x.Length];
        ref float xr = ref x[0];
        ref float yr = ref y[0];
        for (int i = 0; i + TV.Count <= x.Length; i += TV.Count)
        {
            var v = TV.Load(ref xr, (nuint)i);
            TV.Store(name switch
            {
                "exp" => MathKernels.Exp(v),
                "log" => MathKernels.Log(v),
                "log1p" => MathKernels.Log1P(v),
                "tanh" => MathKernels.Tanh(v),
                _ => MathKernels.Sigmoid(v),
            }, ref yr, (nuint)i);
        }

        return y.Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    private static void Span(string name, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (name)
        {
            case "exp": MathKernels.Exp(x, y); break;
            case "log": MathKernels.Log(x, y); break;
            case "log1p": MathKernels.Log1P(x, y); break;
            case "tanh": MathKernels.Tanh(x, y); break;
            default: MathKernels.Sigmoid(x, y); break;
        }
    }

    private static void AssertSameBits(string name, float[] x, int[] expected, int[] actual, string width)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{name} at x = {x[i]:R}: scalar 0x{expected[i]:x8}, {width} 0x{actual[i]:x8}");
            }
        }
    }

    // float inputs: every 4099th bit pattern (all signs, exponents, subnormals, NaNs, ±∞) and a dense sweep of [−110, 110]
    private static IEnumerable<float> Sample()
    {
        for (long bits = 0; bits <= uint.MaxValue; bits += 4099)
        {
            yield return BitConverter.Int32BitsToSingle((int)(uint)bits);
        }

        for (int i = 0; i <= 400_000; i++)
        {
            yield return -110f + (i * (220f / 400_000));
        }

        foreach (float x in new[] { 0f, -0f, float.Epsilon, -float.Epsilon, 1.17549435e-38f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f, -1f, 0.625f, -0.625f, 88.72283f, 88.72284f, -87.33655f, -103.27893f, -103.97208f, -104f, 1e-8f, -1e-8f, -0.99999994f })
        {
            yield return x;
        }
    }

    // random inputs with special values mixed in
    private static float[] Inputs(DeterministicRandom random, int n)
    {
        float[] specials = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 100f, -100f, 1e-30f, 0.625f, -1f];
        return Enumerable.Range(0, n).Select(_ => random.NextSingle() < 0.1f ? specials[random.NextInt(specials.Length)] : random.NextSingle(-20f, 20f)).ToArray();
    }

    // |f − exact| in units of the float spacing at the exact value (subnormal spacing below 2^-126); a NaN must be NaN,
    // and an infinite result is right only where the exact value rounds to that infinity
    private static double UlpError(float f, double exact)
    {
        if (double.IsNaN(exact))
        {
            return float.IsNaN(f) ? 0 : double.PositiveInfinity;
        }

        float rounded = (float)exact;
        if (float.IsInfinity(rounded) || float.IsInfinity(f) || float.IsNaN(f))
        {
            return f == rounded ? 0 : double.PositiveInfinity;
        }

        double magnitude = Math.Abs(exact);
        int exponent = magnitude < 1.1754943508222875e-38 ? -149 : Math.ILogB(magnitude) - 23;
        return Math.Abs(f - exact) / Math.ScaleB(1, exponent);
    }
}
