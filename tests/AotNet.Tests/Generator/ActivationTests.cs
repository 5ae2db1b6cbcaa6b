using AotNet.Kernels;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;

namespace AotNet.Tests.Generator;

/// <summary>Gelu, Elu, Selu, LeakyRelu, Softplus, Silu: the kernels against double definitions, width independence, and in models.</summary>
public class ActivationTests
{
    public static TheoryData<string> Models => new() { nameof(GeluEluNet), nameof(SeluLeakyNet), nameof(SiluNet) };

    public static TheoryData<Activation> Activations => new() { Activation.Gelu, Activation.Elu, Activation.Selu, Activation.LeakyRelu, Activation.Softplus, Activation.Silu };

    [Theory]
    [MemberData(nameof(Activations))]
    public void ForwardAndBackwardMatchDoubleDefinitionsAtManyPoints(Activation activation)
    {
        // 40,001 points over [-20, 20] plus tiny, huge and special values
        var points = new List<float>();
        for (int i = -20000; i <= 20000; i++)
        {
            points.Add(i / 1000f);
        }

        points.AddRange([1e-30f, -1e-30f, 1e-7f, -1e-7f, 0f, -0f, 50f, -50f, 88f, -88f, 1e4f, -1e4f]);
        float[] z = points.ToArray();
        var a = new float[z.Length];
        var delta = new float[z.Length];
        Array.Fill(delta, 1f);
        Forward(activation, z, a, 0.2f);
        Backward(activation, z, delta, 0.2f);
        double worstForward = 0, worstBackward = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double f = ReferenceNetwork.Function(activation, z[i]);
            double d = ReferenceNetwork.Derivative(activation, z[i]);
            double ef = Math.Abs(a[i] - f) / (1e-30 + Math.Abs(f)), ed = Math.Abs(delta[i] - d) / (1e-30 + Math.Abs(d));
            Assert.True(Math.Abs(a[i] - f) <= 1e-37 + (2e-6 * Math.Abs(f)) || Math.Abs(a[i] - f) <= 2e-7, $"{activation}({z[i]:R}) = {a[i]:R}, expected {f:R}");
            Assert.True(Math.Abs(delta[i] - d) <= 1e-37 + (2e-6 * Math.Abs(d)) || Math.Abs(delta[i] - d) <= 2e-7, $"{activation}'({z[i]:R}) = {delta[i]:R}, expected {d:R}");
            if (Math.Abs(f) > 0.1)
            {
                worstForward = Math.Max(worstForward, ef);
            }

            if (Math.Abs(d) > 0.1)
            {
                worstBackward = Math.Max(worstBackward, ed);
            }
        }

        Assert.True(worstForward < 2e-6 && worstBackward < 2e-6, $"{activation}: worst relative errors (where |value| > 0.1) {worstForward:E2} / {worstBackward:E2}");
        Assert.True(float.IsNaN(Single(activation, float.NaN, forward: true)));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryWidthAndSpanLengthGivesTheSameBits(Activation activation)
    {
        var random = new AotNet.Training.DeterministicRandom(5);
        float[] z = Enumerable.Range(0, 77).Select(_ => random.NextSingle(-9f, 9f)).ToArray();
        var a = new float[z.Length];
        var d = Enumerable.Range(0, 77).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
        var d0 = d.ToArray();
        Forward(activation, z, a, 0.3f);
        Backward(activation, z, d, 0.3f);
        for (int i = 0; i < z.Length; i++)
        {
            // element i alone goes through the scalar path
            var one = new float[1];
            Forward(activation, z.AsSpan(i, 1), one, 0.3f);
            Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(a[i]));
            one[0] = d0[i];
            Backward(activation, z.AsSpan(i, 1), one, 0.3f);
            Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(d[i]));
        }
    }

    [Fact]
    public void LeakyReluTakesItsSlopeAndKerasDefaults()
    {
        var a = new float[2];
        ActivationKernels.LeakyRelu([-2f, 3f], a, 0.1f);
        Assert.Equal([-0.2f, 3f], a);
        Assert.Equal(0.1, SeluLeakyNet.Description.Layers[1].NegativeSlope);
        Assert.Equal(0.2, SiluNet.Description.Layers[1].NegativeSlope); // Keras 3's leaky_relu default
        Assert.Equal(0.5 * 1.5 * (1 + ReferenceNetwork.Erf(1.5 / Math.Sqrt(2))), ReferenceNetwork.Function(Activation.Gelu, 1.5), 15);
        Assert.Equal(0.9661051464753108, ReferenceNetwork.Erf(1.5), 14); // erf(1.5)
        Assert.Equal(0.9999779095030014, ReferenceNetwork.Erf(3.0), 14);
        Assert.Equal(-0.5204998778130465, ReferenceNetwork.Erf(-0.5), 14);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ModelsMatchTheReference(string model) => ModelCases.Run(model, new RegularizerTests.ReferenceCheck());

    [Theory]
    [MemberData(nameof(Models))]
    public void ReferenceGradientMatchesCentralDifferences(string model) => ModelCases.Run(model, new RegularizerTests.FiniteDifferences());

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCountAndTrainBatchIsBackwardPlusStep(int batchSize)
    {
        RegularizerTests.AssertThreadIndependent<GeluEluNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<SiluNet>(batchSize, sparse: false);
    }

    private static float Single(Activation activation, float x, bool forward)
    {
        var v = new float[1];
        if (forward)
        {
            Forward(activation, [x], v, 0.2f);
        }
        else
        {
            v[0] = 1f;
            Backward(activation, [x], v, 0.2f);
        }

        return v[0];
    }

    private static void Forward(Activation activation, ReadOnlySpan<float> z, Span<float> a, float slope)
    {
        switch (activation)
        {
            case Activation.Gelu: ActivationKernels.Gelu(z, a); break;
            case Activation.Elu: ActivationKernels.Elu(z, a); break;
            case Activation.Selu: ActivationKernels.Selu(z, a); break;
            case Activation.LeakyRelu: ActivationKernels.LeakyRelu(z, a, slope); break;
            case Activation.Softplus: ActivationKernels.Softplus(z, a); break;
            case Activation.Silu: ActivationKernels.Silu(z, a); break;
        }
    }

    private static void Backward(Activation activation, ReadOnlySpan<float> z, Span<float> d, float slope)
    {
        switch (activation)
        {
            case Activation.Gelu: ActivationKernels.GeluBackward(z, d); break;
            case Activation.Elu: ActivationKernels.EluBackward(z, d); break;
            case Activation.Selu: ActivationKernels.SeluBackward(z, d); break;
            case Activation.LeakyRelu: ActivationKernels.LeakyReluBackward(z, d, slope); break;
            case Activation.Softplus: ActivationKernels.SoftplusBackward(z, d); break;
            case Activation.Silu: ActivationKernels.SiluBackward(z, d); break;
        }
    }
}
