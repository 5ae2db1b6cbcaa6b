using AotNet.Kernels;
using AotNet.Training;
using static AotNet.Tests.Kernels.FloatBits;

namespace AotNet.Tests.Kernels;

/// <summary>Runtime kernels against plain double loops, on sizes that exercise vector bodies and scalar tails.</summary>
public class KernelTests
{
    private static readonly int[] Sizes = [1, 3, 7, 8, 9, 16, 17, 33, 46, 63, 64, 72, 100, 130];

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int inputs in new[] { 1, 7, 13, 37, 70 })
        {
            foreach (int units in Sizes)
            {
                data.Add(inputs, units);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AffineMatchesTheDefinition(int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(inputs * 100 + units));
        float[] x = Values(random, inputs, zeros: 0.4f), w = Values(random, inputs * units), b = Values(random, units);
        var y = new float[units];
        DenseKernels.Affine(x, w, b, y);
        for (int j = 0; j < units; j++)
        {
            double expected = b[j];
            for (int i = 0; i < inputs; i++)
            {
                expected += (double)x[i] * w[(i * units) + j];
            }

            Assert.Equal(expected, y[j], 1e-5);
        }

        // each column is computed in the same order wherever it falls relative to the vector width
        for (int j = 0; j < units; j++)
        {
            var column = new float[inputs];
            for (int i = 0; i < inputs; i++)
            {
                column[i] = w[(i * units) + j];
            }

            var single = new float[1];
            DenseKernels.Affine(x, column, [b[j]], single);
            Assert.Equal(single[0], y[j]);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SparsePathsAreBitIdenticalToTheDenseZeroOnePaths(int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(inputs * 7 + units));
        float[] w = Values(random, inputs * units), b = Values(random, units), dy = Values(random, units);
        var active = Enumerable.Range(0, inputs).Where(_ => random.NextSingle() < 0.4f).ToArray();
        var x = new float[inputs];
        foreach (int c in active)
        {
            x[c] = 1f;
        }

        float[] sparseY = new float[units], denseY = new float[units];
        DenseKernels.SparseAffine(active, w, b, sparseY);
        DenseKernels.Affine(x, w, b, denseY);
        Assert.Equal(denseY, sparseY);

        float[] sparseG = Values(random, inputs * units), denseG = (float[])sparseG.Clone();
        DenseKernels.ScatterAddRows(active, dy, sparseG);
        DenseKernels.AccumulateOuter(x, dy, denseG);
        Assert.Equal(denseG, sparseG);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardKernelsMatchTheDefinition(int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(inputs * 31 + units));
        float[] x = Values(random, inputs, zeros: 0.3f), w = Values(random, inputs * units), dy = Values(random, units);
        float[] g = Values(random, inputs * units), expectedG = (float[])g.Clone();
        DenseKernels.AccumulateOuter(x, dy, g);
        var dx = new float[inputs];
        DenseKernels.BackpropInput(w, dy, dx);
        for (int i = 0; i < inputs; i++)
        {
            double s = 0;
            for (int j = 0; j < units; j++)
            {
                s += (double)w[(i * units) + j] * dy[j];
                Assert.Equal(expectedG[(i * units) + j] + ((double)x[i] * dy[j]), g[(i * units) + j], 1e-6);
            }

            Assert.Equal(s, dx[i], 1e-5);
        }

        float[] sum = Values(random, units), expectedSum = (float[])sum.Clone();
        DenseKernels.Accumulate(dy, sum);
        Assert.Equal(expectedSum.Zip(dy, (a, d) => a + d), sum);
    }

    [Fact]
    public void DenseKernelsRejectMismatchedShapesAndColumns()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.Affine(new float[3], new float[5], new float[2], new float[2]));
        Assert.Throws<ArgumentException>(() => DenseKernels.BackpropInput(new float[6], new float[2], new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.SparseAffine([0, 3], new float[6], new float[2], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseKernels.ScatterAddRows([-1], new float[2], new float[6]));
    }

    [Theory]
    [MemberData(nameof(SizeData))]
    public void ActivationsAndTheirBackwardPasses(int n)
    {
        var random = new DeterministicRandom((ulong)n);
        float[] z = Values(random, n, zeros: 0.2f, scale: 4f), delta = Values(random, n);
        var a = (float[])z.Clone();
        ActivationKernels.Relu(a);
        var d = (float[])delta.Clone();
        ActivationKernels.ReluBackward(a, d);
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(Math.Max(z[j], 0f), a[j]);
            Assert.Equal(z[j] > 0 ? delta[j] : 0f, d[j]); // derivative at 0 is 0
        }

        CheckPointwise(z, delta, ActivationKernels.Sigmoid, ActivationKernels.SigmoidBackward, v => 1 / (1 + Math.Exp(-v)), (av, _) => av * (1 - av));
        CheckPointwise(z, delta, ActivationKernels.Tanh, ActivationKernels.TanhBackward, Math.Tanh, (av, _) => 1 - (av * av));

        // softmax: stable for large logits, and its backward is the Jacobian-vector product
        var big = z.Select(v => v + 1000f).ToArray();
        var p = new float[n];
        ActivationKernels.Softmax(big, p);
        double max = big.Max(), sum = big.Sum(v => Math.Exp(v - max));
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(Math.Exp(big[j] - max) / sum, p[j], 1e-6);
        }

        d = (float[])delta.Clone();
        ActivationKernels.SoftmaxBackward(p, d);
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += delta[k] * p[k] * ((k == j ? 1 : 0) - p[j]);
            }

            Assert.Equal(s, d[j], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(SizeData))]
    public void LossesAndGradients(int n)
    {
        var random = new DeterministicRandom((ulong)(n + 1000));
        float[] z = Values(random, n, scale: 5f), y = Enumerable.Range(0, n).Select(_ => (float)random.NextInt(2)).ToArray();
        z[0] = 60f; // large logits stay finite
        if (n > 1)
        {
            z[1] = -60f;
        }

        // −y log σ(z) − (1 − y) log(1 − σ(z)) with log σ(z) = −softplus(−z) and log(1 − σ(z)) = −softplus(z)
        static double Softplus(double t) => t > 30 ? t : Math.Log(1 + Math.Exp(t));
        double bce = 0;
        for (int j = 0; j < n; j++)
        {
            bce += (y[j] * Softplus(-z[j])) + ((1 - y[j]) * Softplus(z[j]));
        }

        Assert.Equal(bce / n, LossKernels.BinaryCrossentropyFromLogits(z, y), 1e-4 * Math.Max(1, bce / n));
        var probabilities = new float[n];
        ActivationKernels.Sigmoid(z, probabilities);
        var delta = new float[n];
        LossKernels.BinaryCrossentropyGradient(probabilities, y, delta);
        for (int j = 0; j < n; j++)
        {
            Assert.Equal((probabilities[j] - y[j]) / n, delta[j], 1e-7);
        }

        var oneHot = new float[n];
        oneHot[random.NextInt(n)] = 1f;
        double max = z.Max(), lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        double cce = lse - z.Zip(oneHot, (a, b) => (double)a * b).Sum();
        Assert.Equal(cce, LossKernels.CategoricalCrossentropyFromLogits(z, oneHot), 1e-4 * Math.Max(1, cce));
        ActivationKernels.Softmax(z, probabilities);
        LossKernels.CategoricalCrossentropyGradient(probabilities, oneHot, delta);
        Assert.Equal(probabilities.Zip(oneHot, (a, b) => a - b), delta);

        float[] p2 = Values(random, n), t2 = Values(random, n);
        double mse = p2.Zip(t2, (a, b) => (double)(a - b) * (a - b)).Sum() / n;
        Assert.Equal(mse, LossKernels.MeanSquaredError(p2, t2), 1e-6);
        LossKernels.MeanSquaredErrorGradient(p2, t2, delta);
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(2.0 * (p2[j] - t2[j]) / n, delta[j], 1e-6);
        }

        Assert.Equal(p2.Zip(t2, (a, b) => (double)Math.Abs(a - b)).Sum() / n, MetricKernels.MeanAbsoluteError(p2, t2), 1e-6);
    }

    [Fact]
    public void Metrics()
    {
        Assert.Equal(1f, MetricKernels.BinaryAccuracy([0.7f], [1f]));
        Assert.Equal(0f, MetricKernels.BinaryAccuracy([0.5f], [1f]));
        Assert.Equal(1f, MetricKernels.BinaryAccuracy([0.2f], [0f]));
        Assert.Equal(1f, MetricKernels.CategoricalAccuracy([0.1f, 0.6f, 0.3f], [0f, 1f, 0f]));
        Assert.Equal(0f, MetricKernels.CategoricalAccuracy([0.6f, 0.1f, 0.3f], [0f, 1f, 0f]));
        Assert.Equal(0, MetricKernels.ArgMax([2f, 2f, 1f])); // first of ties
    }

    public static TheoryData<int> SizeData()
    {
        var data = new TheoryData<int>();
        foreach (int n in Sizes.Append(1000))
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizeData))]
    public void OptimizersMatchKeras3Formulas(int n)
    {
        var random = new DeterministicRandom((ulong)(n + 77));
        float[] w0 = Values(random, n), g = Values(random, n, zeros: 0.1f), state0 = Values(random, n).Select(Math.Abs).ToArray();
        const float Scale = 0.25f, Lr = 0.01f;

        float[] w = (float[])w0.Clone(), v = (float[])state0.Clone();
        OptimizerSteps.RmsProp(w, g, v, Scale, Lr, 0.9f, 1e-7f);
        float[] wl = (float[])w0.Clone(), vl = (float[])state0.Clone();
        OptimizerSteps.RmsPropLegacy(wl, g, vl, Scale, Lr, 0.9f, 1e-7f);
        for (int i = 0; i < n; i++)
        {
            double gi = g[i] * Scale, vi = (0.9 * state0[i]) + (0.1 * gi * gi);
            Assert.Equal(vi, v[i], 1e-6);
            Assert.Equal(w0[i] - (Lr * gi / Math.Sqrt(vi + 1e-7)), w[i], 1e-6);
            Assert.Equal(w0[i] - (Lr * gi / (Math.Sqrt(vi) + 1e-7)), wl[i], 1e-6);
        }

        float[] wa = (float[])w0.Clone(), m = (float[])state0.Clone(), va = state0.Select(s => s * s).ToArray();
        float[] m0 = (float[])m.Clone(), va0 = (float[])va.Clone();
        float alpha = OptimizerSteps.AdamStepSize(Lr, 0.9f, 0.999f, 3);
        Assert.Equal(Lr * Math.Sqrt(1 - Math.Pow(0.999, 3)) / (1 - Math.Pow(0.9, 3)), alpha, 1e-7);
        OptimizerSteps.Adam(wa, g, m, va, Scale, alpha, 0.9f, 0.999f, 1e-7f);
        for (int i = 0; i < n; i++)
        {
            double gi = g[i] * Scale;
            double mi = m0[i] + ((gi - m0[i]) * 0.1), vi = va0[i] + (((gi * gi) - va0[i]) * 0.001);
            Assert.Equal(mi, m[i], 1e-6);
            Assert.Equal(vi, va[i], 1e-6);
            Assert.Equal(w0[i] - (alpha * mi / (Math.Sqrt(vi) + 1e-7)), wa[i], 1e-5);
        }

        float[] ws = (float[])w0.Clone();
        OptimizerSteps.Sgd(ws, g, Scale, Lr);
        float[] wm = (float[])w0.Clone(), u = (float[])state0.Clone();
        OptimizerSteps.SgdMomentum(wm, g, u, Scale, Lr, 0.9f);
        for (int i = 0; i < n; i++)
        {
            double gi = g[i] * Scale, ui = (0.9 * state0[i]) - (Lr * gi);
            Assert.Equal(w0[i] - (Lr * gi), ws[i], 1e-6);
            Assert.Equal(ui, u[i], 1e-6);
            Assert.Equal(w0[i] + ui, wm[i], 1e-6);
        }

        // the scalar tail evaluates exactly what the vector body does
        if (n > 8)
        {
            int last = n - 1;
            float[] w1 = [w0[last]], v1 = [state0[last]];
            OptimizerSteps.RmsProp(w1, [g[last]], v1, Scale, Lr, 0.9f, 1e-7f);
            Assert.Equal(w[last], w1[0]);
            float[] w2 = [w0[0]], v2 = [state0[0]];
            OptimizerSteps.RmsProp(w2, [g[0]], v2, Scale, Lr, 0.9f, 1e-7f);
            Assert.Equal(w[0], w2[0]);
        }
    }

    [Fact]
    public void RmsPropZeroGradientBlocksMatchTheElementWiseUpdateBitForBit()
    {
        // 64-float rows as in a 64-unit layer: some rows all zero (skipped vector blocks), others mixed
        const int N = 64 * 8 + 5;
        var random = new DeterministicRandom(123);
        float[] w0 = Values(random, N), v0 = Values(random, N).Select(Math.Abs).ToArray(), g = Values(random, N);
        for (int row = 0; row < 8; row += 2)
        {
            Array.Clear(g, row * 64, 64);
        }

        g[64 * 3] = 0f; // a zero inside a mixed block
        g[64 * 5] = -0f;
        g[N - 1] = 0f; // in the scalar tail
        foreach (bool legacy in new[] { false, true })
        {
            float[] w = (float[])w0.Clone(), v = (float[])v0.Clone();
            if (legacy)
            {
                OptimizerSteps.RmsPropLegacy(w, g, v, 0.5f, 0.001f, 0.9f, 1e-7f);
            }
            else
            {
                OptimizerSteps.RmsProp(w, g, v, 0.5f, 0.001f, 0.9f, 1e-7f);
            }

            for (int i = 0; i < N; i++)
            {
                float gi = g[i] * 0.5f;
                float vi = (0.9f * v0[i]) + ((1f - 0.9f) * (gi * gi)); // the kernel decays with 1 - rho, not 0.1f
                float wi = w0[i] - ((0.001f * gi) / (legacy ? MathF.Sqrt(vi) + 1e-7f : MathF.Sqrt(vi + 1e-7f)));
                Assert.Equal(BitConverter.SingleToInt32Bits(vi), BitConverter.SingleToInt32Bits(v[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(wi), BitConverter.SingleToInt32Bits(w[i]));
            }
        }
    }

    public static TheoryData<int, int, bool> FusedBackpropShapes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (int inputs in new[] { 1, 5, 13, 64, 70, 130 })
        {
            foreach (int units in new[] { 1, 3, 8, 9, 16, 46, 64, 135, 136 })
            {
                data.Add(inputs, units, false);
                data.Add(inputs, units, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FusedBackpropShapes))]
    public void FusedBackpropStepEqualsBackpropInputAccumulateOuterAndRmsPropBitForBit(int inputs, int units, bool relu)
    {
        var random = new DeterministicRandom((ulong)((inputs * 1000) + (units * 2) + (relu ? 1 : 0)));
        float[] x = Values(random, inputs, zeros: 0.45f), dy = Values(random, units, zeros: 0.45f), w0 = Values(random, inputs * units);
        float[] v0 = Values(random, inputs * units).Select(Math.Abs).ToArray();
        if (relu)
        {
            x = x.Select(value => Math.Max(value, 0f)).ToArray();
        }

        x[0] = 0.75f; // at least one kernel element changes
        dy[0] = 0.5f;
        if (inputs > 3)
        {
            x[1] = -0f; // a zero input with the sign bit: no update, like +0
            x[2] = relu ? float.NaN : -0.5f; // below a ReLU, NaN is the one non-zero input without a delta
            x[3] = relu ? 2f : float.PositiveInfinity; // a non-finite input has NaN (not +0) gradients in zero-delta columns
        }

        if (units > 3)
        {
            dy[1] = -0f;
        }

        // the unfused path: input delta (and ReLU mask) from the old kernel, gradient block from zero, then the step
        float[] expectedDx = new float[inputs], gradient = new float[inputs * units];
        float[] expectedW = (float[])w0.Clone(), expectedV = (float[])v0.Clone();
        DenseKernels.BackpropInput(w0, dy, expectedDx);
        if (relu)
        {
            ActivationKernels.ReluBackward(x, expectedDx);
        }

        DenseKernels.AccumulateOuter(x, dy, gradient);
        OptimizerSteps.RmsProp(expectedW, gradient, expectedV, 1f, 0.001f, 0.9f, 1e-7f);

        float[] dx = Enumerable.Repeat(123f, inputs).ToArray(), w = (float[])w0.Clone(), v = (float[])v0.Clone();
        if (relu)
        {
            OptimizerSteps.RmsPropOuterBackpropRelu(x, dy, w, v, dx, 0.001f, 0.9f, 1e-7f);
        }
        else
        {
            OptimizerSteps.RmsPropOuterBackprop(x, dy, w, v, dx, 0.001f, 0.9f, 1e-7f);
        }

        Assert.Equal(Bits(expectedDx), Bits(dx));
        Assert.Equal(Bits(expectedW), Bits(w));
        Assert.Equal(Bits(expectedV), Bits(v));
        Assert.NotEqual(Bits(w0), Bits(w));
        Assert.Throws<ArgumentException>(() => OptimizerSteps.RmsPropOuterBackprop(x, dy, w, v, new float[inputs + 1], 0.001f, 0.9f, 1e-7f));
    }

    [Theory]
    [InlineData(13, 64, 0.5f)]
    [InlineData(13, 64, 0f)]
    [InlineData(13, 64, 1f)]
    [InlineData(70, 46, 0.3f)]
    [InlineData(9, 16, 0.7f)]
    [InlineData(5, 136, 0.5f)]
    [InlineData(40, 9, 0.5f)]
    public void RmsPropOuterEqualsAccumulateOuterAndRmsPropBitForBit(int inputs, int units, float deltaZeros)
    {
        // zero deltas are inactive ReLU units; a non-finite input makes NaN (not +0) gradients in their columns
        var random = new DeterministicRandom((ulong)((inputs * 977) + units + (int)(deltaZeros * 10)));
        float[] x = Values(random, inputs, zeros: 0.3f), dy = Values(random, units, zeros: deltaZeros), w0 = Values(random, inputs * units);
        float[] v0 = Values(random, inputs * units).Select(Math.Abs).ToArray();
        x[0] = 1.5f;
        x[^1] = float.NegativeInfinity;
        for (int step = 0; step < 3; step++)
        {
            float[] gradient = new float[inputs * units], expectedW = (float[])w0.Clone(), expectedV = (float[])v0.Clone();
            DenseKernels.AccumulateOuter(x, dy, gradient);
            OptimizerSteps.RmsProp(expectedW, gradient, expectedV, 1f, 0.001f, 0.9f, 1e-7f);
            float[] w = (float[])w0.Clone(), v = (float[])v0.Clone();
            OptimizerSteps.RmsPropOuter(x, dy, w, v, 0.001f, 0.9f, 1e-7f);
            Assert.Equal(Bits(expectedW), Bits(w));
            Assert.Equal(Bits(expectedV), Bits(v));
            w0 = w;
            v0 = v;
            dy = Values(random, units, zeros: deltaZeros);
        }
    }

    [Fact]
    public void GlorotUniformStaysWithinTheLimitAndFollowsTheStream()
    {
        var kernel = new float[30 * 20];
        Initializers.GlorotUniform(new DeterministicRandom(5), kernel, 30, 20);
        float limit = MathF.Sqrt(6f / 50f);
        Assert.All(kernel, w => Assert.InRange(w, -limit, limit));
        Assert.InRange(kernel.Average(), -0.05, 0.05);
        var random = new DeterministicRandom(5);
        Assert.Equal(random.NextSingle(-limit, limit), kernel[0]);
        Assert.Throws<ArgumentException>(() => Initializers.GlorotUniform(new DeterministicRandom(5), new float[7], 2, 3));
    }

    private static void CheckPointwise(
        float[] z,
        float[] delta,
        Action<ReadOnlySpan<float>, Span<float>> forward,
        Action<ReadOnlySpan<float>, Span<float>> backward,
        Func<double, double> f,
        Func<double, double, double> derivative)
    {
        var a = new float[z.Length];
        forward(z, a);
        var d = (float[])delta.Clone();
        backward(a, d);
        for (int j = 0; j < z.Length; j++)
        {
            Assert.Equal(f(z[j]), a[j], 1e-6);
            Assert.Equal(delta[j] * derivative(a[j], z[j]), d[j], 1e-6);
        }
    }

    [Fact]
    public void CrossEntropiesOfConfidentLogitsEqualTheDirectFormulaBitForBit()
    {
        // terms whose exp underflows add +0: the categorical loss uses softmax's normaliser (MathKernels' exp, summed in
        // the Reductions order), bit for bit, and matches the double-precision definition
        float[] logits = [3f, -101f, -103.5f, -103.99f, -104.01f, -150f, -1e30f, float.NegativeInfinity, 2.5f];
        float[] oneHot = new float[logits.Length];
        oneHot[1] = 1f;
        float max = logits.Max();
        float[] shifted = logits.Select(z => z - max).ToArray();
        MathKernels.Exp(shifted, shifted);
        float sumExp = Reductions.Sum(shifted), dot = Reductions.Dot(oneHot, logits);
        float loss = LossKernels.CategoricalCrossentropyFromLogits(logits, oneHot);
        Assert.Equal(BitConverter.SingleToInt32Bits(max + MathKernels.Log(sumExp) - dot), BitConverter.SingleToInt32Bits(loss));
        Assert.True(float.IsNaN(loss)); // 0 · (−∞) in Σ y z, as in TensorFlow
        Assert.Equal(3 + Math.Log(1 + Math.Exp(-0.5)) + 101, LossKernels.CategoricalCrossentropyFromLogits(logits[..^3].Append(2.5f).ToArray(), oneHot[..^2]), 1e-4);

        foreach (float z in new[] { 0.5f, 90f, 103.9f, 104.5f, 200f, -104.5f, -300f, 1e-9f, 17f })
        {
            float direct = MathF.Max(z, 0f) - (z * 1f) + MathKernels.Log1P(MathKernels.Exp(-MathF.Abs(z)));
            Assert.Equal(BitConverter.SingleToInt32Bits(direct), BitConverter.SingleToInt32Bits(LossKernels.BinaryCrossentropyFromLogits([z], [1f])));
            double exact = Math.Max(z, 0) - z + Math.Log(1 + Math.Exp(-Math.Abs((double)z)));
            Assert.Equal(exact, LossKernels.BinaryCrossentropyFromLogits([z], [1f]), Math.Max(1e-6 * exact, 1e-12));
        }
    }

    [Theory]
    [InlineData(46)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(2500)]
    public void CategoricalCrossentropyMatchesTheDoubleDefinitionForAnyClassCount(int classes)
    {
        var random = new DeterministicRandom((ulong)classes);
        float[] z = Values(random, classes, scale: 20f);
        float[] oneHot = new float[classes];
        oneHot[random.NextInt(classes)] = 1f;
        double max = z.Max(), lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        double expected = lse - z.Zip(oneHot, (a, b) => (double)a * b).Sum();
        Assert.Equal(expected, LossKernels.CategoricalCrossentropyFromLogits(z, oneHot), 2e-6 * Math.Max(1, expected));
        Assert.Throws<ArgumentException>(() => LossKernels.CategoricalCrossentropyFromLogits([], []));
    }

    [Theory]
    [InlineData(64, 46)] // Reuters' output layer
    [InlineData(17, 3)]
    [InlineData(9, 64)]
    [InlineData(13, 8)] // 8 to 64 units keep dy in registers: every block count, with and without a tail
    [InlineData(13, 9)]
    [InlineData(70, 15)]
    [InlineData(70, 16)]
    [InlineData(37, 23)]
    [InlineData(37, 40)]
    [InlineData(37, 55)]
    [InlineData(37, 63)]
    [InlineData(20, 65)]
    public void BackpropAccumulateEqualsBackpropInputThenAccumulateOuterBitForBit(int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)(inputs * 100 + units));
        float[] w = Values(random, inputs * units), dy = Values(random, units);
        float[] x = Values(random, inputs, zeros: 0.4f).Select(v => MathF.Abs(v)).ToArray(); // a ReLU's output
        x[1] = float.NaN;
        float[] start = Values(random, inputs * units);
        foreach (bool relu in new[] { false, true })
        {
            float[] expectedDx = new float[inputs], expectedG = (float[])start.Clone();
            DenseKernels.BackpropInput(w, dy, expectedDx);
            if (relu)
            {
                ActivationKernels.ReluBackward(x, expectedDx);
            }

            DenseKernels.AccumulateOuter(x, dy, expectedG);
            float[] dx = new float[inputs], g = (float[])start.Clone();
            if (relu)
            {
                DenseKernels.BackpropAccumulateRelu(w, dy, x, g, dx);
            }
            else
            {
                DenseKernels.BackpropAccumulate(w, dy, x, g, dx);
            }

            Assert.Equal(Bits(expectedDx), Bits(dx));
            Assert.Equal(Bits(expectedG), Bits(g));
        }
    }


    private static float[] Values(DeterministicRandom random, int n, float zeros = 0f, float scale = 1f) =>
        Enumerable.Range(0, n).Select(_ => random.NextSingle() < zeros ? 0f : random.NextSingle(-scale, scale)).ToArray();
}
