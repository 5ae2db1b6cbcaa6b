using AotNet.Training;

namespace AotNet.Kernels;

/// <summary>Keras weight initialisers over spans of the parameter block.</summary>
public static class Initializers
{
    /// <summary>glorot_uniform: <c>U(−l, l)</c> with <c>l = sqrt(6 / (fanIn + fanOut))</c>, drawn in span order (row-major [in, out]).</summary>
    public static void GlorotUniform(DeterministicRandom random, Span<float> kernel, int fanIn, int fanOut)
    {
        ArgumentNullException.ThrowIfNull(random);
        if ((long)fanIn * fanOut != kernel.Length)
        {
            throw new ArgumentException($"kernel of {kernel.Length} values is not {fanIn} x {fanOut}", nameof(kernel));
        }

        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < kernel.Length; i++)
        {
            kernel[i] = random.NextSingle(-limit, limit);
        }
    }

    /// <summary>Keras's <c>"uniform"</c> (<c>RandomUniform(minval=-0.05, maxval=0.05)</c>, the Embedding layer's default), drawn in span order.</summary>
    public static void Uniform(DeterministicRandom random, Span<float> values, float minValue = -0.05f, float maxValue = 0.05f)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle(minValue, maxValue);
        }
    }
}
