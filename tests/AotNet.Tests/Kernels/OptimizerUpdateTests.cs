using AotNet.Data;
using AotNet.Kernels;
using AotNet.Training;
using static AotNet.Tests.Kernels.FloatBits;

namespace AotNet.Tests.Kernels;

/// <summary>
/// The optimizer update structs against the Keras 3 formulas in double, the same bits from every lane width, and the
/// generic kernels (Apply, ApplyOuter, ApplyOuterBackprop(Relu), ApplyBias, FirstKernelGradient.Step) against their
/// unfused definitions bit for bit, for every update.
/// </summary>
public sealed class OptimizerUpdateTests
{
    private const float Lr = 0.01f, Rho = 0.9f, Eps = 1e-7f, Beta1 = 0.9f, Beta2 = 0.999f, Mu = 0.9f, Wd = 0.25f;

    // "…-wd" and "adamw": the update inside WeightDecayUpdate (Keras's weight_decay, here 0.25)
    public static TheoryData<string> Updates() => new() { "rmsprop", "rmsprop-legacy", "adam", "sgd", "momentum", "nesterov", "rmsprop-wd", "adamw", "sgd-wd", "momentum-wd" };

    [Theory]
    [MemberData(nameof(Updates))]
    public void ApplyAtEveryLength1To256MatchesTheKerasFormulaInDoubleAndTheScalarUpdateBitForBit(string name)
    {
        var random = new DeterministicRandom(7);
        for (int n = 1; n <= 256; n++)
        {
            float[] w0 = Values(random, n), g = Values(random, n, zeros: 0.2f), a0 = Values(random, n).Select(MathF.Abs).ToArray(), b0 = a0.Select(v => v * v).ToArray();
            float[] w = (float[])w0.Clone(), a = (float[])a0.Clone(), b = (float[])b0.Clone();
            const float Scale = 0.25f;
            Apply(name, w, g, a, b, Scale, step: 3);
            for (int i = 0; i < n; i++)
            {
                // Keras 3 in double (state and weights start from the same floats)
                double gi = g[i] * Scale, wi = w0[i], s1 = a0[i], s2 = b0[i];
                Keras(name, ref wi, gi, ref s1, ref s2, step: 3);
                Assert.Equal(wi, w[i], 2e-6);
                Assert.Equal(s1, StateCount(name) >= 1 ? a[i] : s1, 2e-6);
                Assert.Equal(s2, StateCount(name) >= 2 ? b[i] : s2, 2e-6);

                // the element on its own (the scalar body) gives the same bits
                float w1 = w0[i], a1 = a0[i], b1 = b0[i];
                Apply(name, new[] { w1 }, new[] { g[i] }, StateCount(name) >= 1 ? new[] { a1 } : Array.Empty<float>(), StateCount(name) >= 2 ? new[] { b1 } : Array.Empty<float>(), Scale, step: 3, out float wOne, out float aOne, out float bOne);
                Assert.Equal(BitConverter.SingleToInt32Bits(w[i]), BitConverter.SingleToInt32Bits(wOne));
                if (StateCount(name) >= 1)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(a[i]), BitConverter.SingleToInt32Bits(aOne));
                }

                if (StateCount(name) >= 2)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(b[i]), BitConverter.SingleToInt32Bits(bOne));
                }
            }

            // untouched state spans are not required; wrong lengths are rejected
            if (StateCount(name) >= 1)
            {
                Assert.Throws<ArgumentException>(() => Apply(name, new float[n], new float[n], new float[n + 1], new float[n], 1f, 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Updates))]
    public void EveryLaneWidthGivesTheSameBits(string name)
    {
        var random = new DeterministicRandom(9);
        const int N = 16 * 64;
        float[] w = Values(random, N), g = Values(random, N, zeros: 0.2f), a = Values(random, N).Select(MathF.Abs).ToArray(), b = a.Select(v => v * v).ToArray();
        var scalar = Lanes<Scalar>(name, w, g, a, b);
        Assert.Equal(scalar, Lanes<Lanes128>(name, w, g, a, b));
        Assert.Equal(scalar, Lanes<Lanes256>(name, w, g, a, b));
        Assert.Equal(scalar, Lanes<Lanes512>(name, w, g, a, b));
    }

    [Fact]
    public void AdamStepSizeIsKerasFloat32FormulaWithADeterministicPower()
    {
        foreach (long step in new long[] { 1, 2, 3, 10, 1000, 123_457, 10_000_000 })
        {
            double exact = Lr * Math.Sqrt(1 - Math.Pow(Beta2, step)) / (1 - Math.Pow(Beta1, step));
            float alpha = AdamUpdate.StepSizeOf(Lr, Beta1, Beta2, step);
            Assert.Equal(exact, alpha, 1e-4 * exact); // float32's 1 − β2^t, as in Keras
            Assert.Equal(Math.Pow(Beta2, step), AdamUpdate.Power(Beta2, step), 2e-16 * step * Math.Pow(Beta2, step)); // squaring doubles the relative error

            // Keras: lr * sqrt(1 - beta_2_power) / (1 - beta_1_power) in float32
            float b1p = (float)Math.Pow(Beta1, step), b2p = (float)Math.Pow(Beta2, step);
            Assert.Equal(BitConverter.SingleToInt32Bits(Lr * MathF.Sqrt(1f - b2p) / (1f - b1p)), BitConverter.SingleToInt32Bits(alpha));
            Assert.Equal(BitConverter.SingleToInt32Bits(alpha), BitConverter.SingleToInt32Bits(OptimizerSteps.AdamStepSize(Lr, Beta1, Beta2, step)));
        }

        Assert.Equal(1d, AdamUpdate.Power(0.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdamUpdate.StepSizeOf(Lr, Beta1, Beta2, 0));
    }

    public static TheoryData<string, int, int> FusedShapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string name in new[] { "rmsprop", "rmsprop-legacy", "adam", "sgd", "momentum", "nesterov", "rmsprop-wd", "adamw", "sgd-wd", "momentum-wd" })
        {
            foreach (var (inputs, units) in new[] { (13, 64), (64, 1), (70, 46), (5, 9), (9, 16), (3, 136), (130, 3), (1, 1), (66, 7) })
            {
                data.Add(name, inputs, units);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FusedShapes))]
    public void FusedSingleRowKernelsEqualTheUnfusedDefinitionBitForBit(string name, int inputs, int units)
    {
        var random = new DeterministicRandom((ulong)((inputs * 1000) + units + name.Length));
        foreach (bool relu in new[] { false, true })
        {
            float[] x = Values(random, inputs, zeros: 0.4f), dy = Values(random, units, zeros: 0.3f), w0 = Values(random, inputs * units);
            if (relu)
            {
                x = x.Select(v => Math.Max(v, 0f)).ToArray();
            }

            x[0] = 0.75f;
            float[] a0 = Values(random, inputs * units).Select(MathF.Abs).ToArray(), b0 = a0.Select(v => v * v).ToArray();

            // unfused: the input delta from the old kernel, the gradient block from zero, then Apply with scale 1
            float[] expectedDx = new float[inputs], gradient = new float[inputs * units];
            float[] ew = (float[])w0.Clone(), ea = (float[])a0.Clone(), eb = (float[])b0.Clone();
            DenseKernels.BackpropInput(w0, dy, expectedDx);
            if (relu)
            {
                ActivationKernels.ReluBackward(x, expectedDx);
            }

            DenseKernels.AccumulateOuter(x, dy, gradient);
            Apply(name, ew, gradient, ea, eb, 1f, step: 5);

            float[] dx = Enumerable.Repeat(123f, inputs).ToArray(), w = (float[])w0.Clone(), a = (float[])a0.Clone(), b = (float[])b0.Clone();
            Fused(name, relu ? "backprop-relu" : "backprop", x, dy, w, a, b, dx);
            Assert.Equal(Bits(expectedDx), Bits(dx));
            Assert.Equal(Bits(ew), Bits(w));
            Assert.Equal(Bits(ea), Bits(a));
            Assert.Equal(Bits(eb), Bits(b));

            // the first layer's update without the input delta
            w = (float[])w0.Clone();
            a = (float[])a0.Clone();
            b = (float[])b0.Clone();
            Fused(name, "outer", x, dy, w, a, b, dx);
            Assert.Equal(Bits(ew), Bits(w));
            Assert.Equal(Bits(ea), Bits(a));
            Assert.Equal(Bits(eb), Bits(b));
        }

        // the bias: 0 + dy, then Apply
        float[] d = Values(random, units, zeros: 0.3f), bias0 = Values(random, units), s10 = Values(random, units).Select(MathF.Abs).ToArray(), s20 = s10.Select(v => v * v).ToArray();
        float[] biasGradient = new float[units];
        DenseKernels.Accumulate(d, biasGradient);
        float[] eBias = (float[])bias0.Clone(), e1 = (float[])s10.Clone(), e2 = (float[])s20.Clone();
        Apply(name, eBias, biasGradient, e1, e2, 1f, step: 5);
        float[] bias = (float[])bias0.Clone(), t1 = (float[])s10.Clone(), t2 = (float[])s20.Clone();
        Fused(name, "bias", d, d, bias, t1, t2, []);
        Assert.Equal(Bits(eBias), Bits(bias));
        Assert.Equal(Bits(e1), Bits(t1));
        Assert.Equal(Bits(e2), Bits(t2));
    }

    [Theory]
    [InlineData("rmsprop", 16)]
    [InlineData("rmsprop-legacy", 17)]
    [InlineData("adam", 16)]
    [InlineData("adam", 40)]
    [InlineData("sgd", 64)]
    [InlineData("momentum", 9)]
    [InlineData("nesterov", 33)]
    [InlineData("rmsprop-wd", 16)]
    [InlineData("adamw", 40)]
    [InlineData("sgd-wd", 64)]
    [InlineData("momentum-wd", 9)]
    public void FirstKernelGradientStepEqualsApplyOnTheSummedGradientBlockBitForBit(string name, int units)
    {
        const int Inputs = 50, ChunkRows = 4, Rows = 11;
        var random = new DeterministicRandom((ulong)(units * 31 + name.Length));

        // multi-hot rows, some inputs used by no row
        var offsets = new List<int> { 0 };
        var columns = new List<int>();
        for (int r = 0; r < Rows; r++)
        {
            columns.AddRange(Enumerable.Range(0, Inputs).Where(_ => random.NextSingle() < 0.15f));
            offsets.Add(columns.Count);
        }

        var csr = new CsrMatrix(offsets.ToArray(), columns.ToArray(), Inputs);
        int chunks = (Rows + ChunkRows - 1) / ChunkRows;
        var first = new FirstKernelGradient(Inputs, units, ChunkRows, chunks);
        first.Reserve(csr);
        first.Begin(chunks);
        float[] total = new float[Inputs * units];
        for (int c = 0; c < chunks; c++)
        {
            int start = c * ChunkRows, count = Math.Min(ChunkRows, Rows - start);
            int[] rows = Enumerable.Range(start, count).ToArray();
            Span<float> deltas = first.ChunkDeltas(c, count);
            for (int i = 0; i < deltas.Length; i++)
            {
                deltas[i] = random.NextSingle() < 0.2f ? 0f : random.NextSingle(-1f, 1f);
            }

            first.IndexChunk(c, csr, rows);

            // the block path: this chunk's gradient from +0 in row order, then the chunk sums in chunk order
            float[] block = new float[Inputs * units];
            for (int k = 0; k < count; k++)
            {
                DenseKernels.ScatterAddRows(csr.Row(rows[k]), deltas.Slice(k * units, units), block);
            }

            for (int i = 0; i < block.Length; i++)
            {
                total[i] = c == 0 ? block[i] : total[i] + block[i];
            }
        }

        float[] w0 = Values(random, Inputs * units), a0 = Values(random, Inputs * units).Select(MathF.Abs).ToArray(), b0 = a0.Select(v => v * v).ToArray();
        float[] ew = (float[])w0.Clone(), ea = (float[])a0.Clone(), eb = (float[])b0.Clone();
        Apply(name, ew, total, ea, eb, 0.125f, step: 2);
        float[] w = (float[])w0.Clone(), a = (float[])a0.Clone(), b = (float[])b0.Clone();
        for (int job = 0; job < FirstKernelGradient.RowJobs; job++)
        {
            Step(name, first, job, w, a, b, 0.125f, step: 2);
        }

        Assert.Equal(Bits(ew), Bits(w));
        Assert.Equal(Bits(ea), Bits(a));
        Assert.Equal(Bits(eb), Bits(b));
    }

    internal static int StateCount(string name) => name switch
    {
        "sgd" or "sgd-wd" => 0,
        "adam" or "adamw" => 2,
        _ => 1,
    };

    internal static void Apply(string name, Span<float> w, ReadOnlySpan<float> g, Span<float> a, Span<float> b, float scale, long step)
    {
        switch (name)
        {
            case "rmsprop": OptimizerKernels.Apply(new RmsPropUpdate(Lr, Rho, Eps), w, g, a, b, scale); break;
            case "rmsprop-legacy": OptimizerKernels.Apply(new RmsPropLegacyUpdate(Lr, Rho, Eps), w, g, a, b, scale); break;
            case "adam": OptimizerKernels.Apply(new AdamUpdate(Lr, Beta1, Beta2, Eps, step), w, g, a, b, scale); break;
            case "sgd": OptimizerKernels.Apply(new SgdUpdate(Lr), w, g, a, b, scale); break;
            case "momentum": OptimizerKernels.Apply(new SgdMomentumUpdate(Lr, Mu), w, g, a, b, scale); break;
            case "rmsprop-wd": OptimizerKernels.Apply(Decayed(new RmsPropUpdate(Lr, Rho, Eps)), w, g, a, b, scale); break;
            case "adamw": OptimizerKernels.Apply(Decayed(new AdamUpdate(Lr, Beta1, Beta2, Eps, step)), w, g, a, b, scale); break;
            case "sgd-wd": OptimizerKernels.Apply(Decayed(new SgdUpdate(Lr)), w, g, a, b, scale); break;
            case "momentum-wd": OptimizerKernels.Apply(Decayed(new SgdMomentumUpdate(Lr, Mu)), w, g, a, b, scale); break;
            default: OptimizerKernels.Apply(new SgdNesterovUpdate(Lr, Mu), w, g, a, b, scale); break;
        }
    }

    internal static void Fused(string name, string kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> w, Span<float> a, Span<float> b, Span<float> dx)
    {
        switch (name)
        {
            case "rmsprop": Fused(new RmsPropUpdate(Lr, Rho, Eps), kernel, x, dy, w, a, b, dx); break;
            case "rmsprop-legacy": Fused(new RmsPropLegacyUpdate(Lr, Rho, Eps), kernel, x, dy, w, a, b, dx); break;
            case "adam": Fused(new AdamUpdate(Lr, Beta1, Beta2, Eps, 5), kernel, x, dy, w, a, b, dx); break;
            case "sgd": Fused(new SgdUpdate(Lr), kernel, x, dy, w, a, b, dx); break;
            case "momentum": Fused(new SgdMomentumUpdate(Lr, Mu), kernel, x, dy, w, a, b, dx); break;
            case "rmsprop-wd": Fused(Decayed(new RmsPropUpdate(Lr, Rho, Eps)), kernel, x, dy, w, a, b, dx); break;
            case "adamw": Fused(Decayed(new AdamUpdate(Lr, Beta1, Beta2, Eps, 5)), kernel, x, dy, w, a, b, dx); break;
            case "sgd-wd": Fused(Decayed(new SgdUpdate(Lr)), kernel, x, dy, w, a, b, dx); break;
            case "momentum-wd": Fused(Decayed(new SgdMomentumUpdate(Lr, Mu)), kernel, x, dy, w, a, b, dx); break;
            default: Fused(new SgdNesterovUpdate(Lr, Mu), kernel, x, dy, w, a, b, dx); break;
        }
    }

    internal static void Step(string name, FirstKernelGradient first, int job, Span<float> w, Span<float> a, Span<float> b, float scale, long step)
    {
        switch (name)
        {
            case "rmsprop": first.Step(job, new RmsPropUpdate(Lr, Rho, Eps), w, a, b, scale); break;
            case "rmsprop-legacy": first.Step(job, new RmsPropLegacyUpdate(Lr, Rho, Eps), w, a, b, scale); break;
            case "adam": first.Step(job, new AdamUpdate(Lr, Beta1, Beta2, Eps, step), w, a, b, scale); break;
            case "sgd": first.Step(job, new SgdUpdate(Lr), w, a, b, scale); break;
            case "momentum": first.Step(job, new SgdMomentumUpdate(Lr, Mu), w, a, b, scale); break;
            case "rmsprop-wd": first.Step(job, Decayed(new RmsPropUpdate(Lr, Rho, Eps)), w, a, b, scale); break;
            case "adamw": first.Step(job, Decayed(new AdamUpdate(Lr, Beta1, Beta2, Eps, step)), w, a, b, scale); break;
            case "sgd-wd": first.Step(job, Decayed(new SgdUpdate(Lr)), w, a, b, scale); break;
            case "momentum-wd": first.Step(job, Decayed(new SgdMomentumUpdate(Lr, Mu)), w, a, b, scale); break;
            default: first.Step(job, new SgdNesterovUpdate(Lr, Mu), w, a, b, scale); break;
        }
    }

    private static void Fused<TUpdate>(in TUpdate u, string kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> w, Span<float> a, Span<float> b, Span<float> dx)
        where TUpdate : struct, IOptimizerUpdate
    {
        switch (kernel)
        {
            case "outer": OptimizerKernels.ApplyOuter(u, x, dy, w, a, b); break;
            case "backprop": OptimizerKernels.ApplyOuterBackprop(u, x, dy, w, a, b, dx); break;
            case "backprop-relu": OptimizerKernels.ApplyOuterBackpropRelu(u, x, dy, w, a, b, dx); break;
            default: OptimizerKernels.ApplyBias(u, dy, w, a, b); break;
        }
    }

    private static void Apply(string name, float[] w, float[] g, float[] a, float[] b, float scale, long step, out float wOut, out float aOut, out float bOut)
    {
        Apply(name, w, g, a, b, scale, step);
        wOut = w[0];
        aOut = a.Length > 0 ? a[0] : 0f;
        bOut = b.Length > 0 ? b[0] : 0f;
    }

    private static WeightDecayUpdate<TUpdate> Decayed<TUpdate>(TUpdate update)
        where TUpdate : struct, IOptimizerUpdate => new(update, Wd, Lr);

    // the Keras 3 update_step in double, after _apply_weight_decay for the decayed ones
    private static void Keras(string name, ref double w, double g, ref double s1, ref double s2, long step)
    {
        if (name is "rmsprop-wd" or "adamw" or "sgd-wd" or "momentum-wd")
        {
            w -= w * Wd * Lr;
            name = name == "adamw" ? "adam" : name[..^3];
        }

        switch (name)
        {
            case "rmsprop":
                s1 = (Rho * s1) + ((1 - Rho) * g * g);
                w -= Lr * g / Math.Sqrt(s1 + Eps);
                break;
            case "rmsprop-legacy":
                s1 = (Rho * s1) + ((1 - Rho) * g * g);
                w -= Lr * g / (Math.Sqrt(s1) + Eps);
                break;
            case "adam":
                double alpha = Lr * Math.Sqrt(1 - Math.Pow(Beta2, step)) / (1 - Math.Pow(Beta1, step));
                s1 += (g - s1) * (1 - Beta1);
                s2 += ((g * g) - s2) * (1 - Beta2);
                w -= s1 * alpha / (Math.Sqrt(s2) + Eps);
                break;
            case "sgd":
                w -= g * Lr;
                break;
            case "momentum":
                s1 = (s1 * Mu) - (g * Lr);
                w += s1;
                break;
            default:
                s1 = (s1 * Mu) - (g * Lr);
                w += (s1 * Mu) - (g * Lr);
                break;
        }
    }

    private static int[] Lanes<TV>(string name, float[] w, float[] g, float[] a, float[] b)
        where TV : struct, ILanes<TV>
    {
        return name switch
        {
            "rmsprop" => Lanes<RmsPropUpdate, TV>(new RmsPropUpdate(Lr, Rho, Eps), w, g, a, b),
            "rmsprop-legacy" => Lanes<RmsPropLegacyUpdate, TV>(new RmsPropLegacyUpdate(Lr, Rho, Eps), w, g, a, b),
            "adam" => Lanes<AdamUpdate, TV>(new AdamUpdate(Lr, Beta1, Beta2, Eps, 7), w, g, a, b),
            "sgd" => Lanes<SgdUpdate, TV>(new SgdUpdate(Lr), w, g, a, b),
            "momentum" => Lanes<SgdMomentumUpdate, TV>(new SgdMomentumUpdate(Lr, Mu), w, g, a, b),
            "rmsprop-wd" => Lanes<WeightDecayUpdate<RmsPropUpdate>, TV>(Decayed(new RmsPropUpdate(Lr, Rho, Eps)), w, g, a, b),
            "adamw" => Lanes<WeightDecayUpdate<AdamUpdate>, TV>(Decayed(new AdamUpdate(Lr, Beta1, Beta2, Eps, 7)), w, g, a, b),
            "sgd-wd" => Lanes<WeightDecayUpdate<SgdUpdate>, TV>(Decayed(new SgdUpdate(Lr)), w, g, a, b),
            "momentum-wd" => Lanes<WeightDecayUpdate<SgdMomentumUpdate>, TV>(Decayed(new SgdMomentumUpdate(Lr, Mu)), w, g, a, b),
            _ => Lanes<SgdNesterovUpdate, TV>(new SgdNesterovUpdate(Lr, Mu), w, g, a, b),
        };
    }

    // each block through OptimizerKernels.Invoke at width TV: the new weights and states, as bits
    private static int[] Lanes<TUpdate, TV>(TUpdate u, float[] w, float[] g, float[] a, float[] b)
        where TUpdate : struct, IOptimizerUpdate
        where TV : struct, ILanes<TV>
    {
        var result = new List<int>();
        for (int i = 0; i < w.Length; i += TV.Count)
        {
            var s1 = TV.Load(ref a[0], (nuint)i);
            var s2 = TV.Load(ref b[0], (nuint)i);
            var wi = OptimizerKernels.Invoke(u, TV.Load(ref w[0], (nuint)i), TV.Load(ref g[0], (nuint)i), ref s1, ref s2);
            float[] lanes = new float[3 * TV.Count];
            TV.Store(wi, ref lanes[0], 0);
            TV.Store(s1, ref lanes[0], (nuint)TV.Count);
            TV.Store(s2, ref lanes[0], (nuint)(2 * TV.Count));
            for (int k = 0; k < TV.Count; k++)
            {
                result.Add(BitConverter.SingleToInt32Bits(lanes[k]));
                result.Add(BitConverter.SingleToInt32Bits(lanes[TV.Count + k]));
                result.Add(BitConverter.SingleToInt32Bits(lanes[(2 * TV.Count) + k]));
            }
        }

        return result.ToArray();
    }


    private static float[] Values(DeterministicRandom random, int n, float zeros = 0f) =>
        Enumerable.Range(0, n).Select(_ => random.NextSingle() < zeros ? 0f : random.NextSingle(-1f, 1f)).ToArray();
}
