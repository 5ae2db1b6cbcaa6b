using AotNet.Data;
using AotNet.Kernels;

namespace AotNet.Tests.Layers;

/// <summary>
/// The BatchNormalization, LayerNormalization and Normalization kernels against a double-precision reference of Keras 3's
/// formulas, their gradients against finite differences of that reference, and the summation order of the batch statistics.
/// </summary>
public class NormalizationKernelTests
{
    [Fact]
    public void NormalizationAdaptsAndAppliesKerasFormula()
    {
        // keras.layers.Normalization's docstring example: adapt on four rows, then [0, 7, 4] → [-1, -1, -1]
        var data = new DenseMatrix([0f, 7f, 4f, 2f, 9f, 6f, 0f, 7f, 4f, 2f, 9f, 6f], 4, 3);
        float[] mean = new float[3], variance = new float[3], y = new float[3];
        NormalizationKernels.Adapt(data, mean, variance);
        Assert.Equal([1f, 8f, 5f], mean);
        Assert.Equal([1f, 1f, 1f], variance);
        NormalizationKernels.Apply([0f, 7f, 4f], mean, variance, y);
        Assert.Equal([-1f, -1f, -1f], y);

        // a constant feature: variance 0, divided by backend.epsilon() = 1e-7 rather than by 0
        NormalizationKernels.Apply([3f], [2f], [0f], y.AsSpan(0, 1));
        Assert.Equal(1f / 1e-7f, y[0]);
        Assert.False(NormalizationKernels.IsInitial(mean, variance));
        Assert.True(NormalizationKernels.IsInitial([0f, 0f], [1f, 1f]));
    }

    [Fact]
    public void NormalizationAdaptIsNumpyMeanAndBiasedVariance()
    {
        var random = new Random(5);
        int rows = 517, cols = 6;
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 40) - 10 + (i % cols * 100));
        }

        float[] mean = new float[cols], variance = new float[cols];
        NormalizationKernels.Adapt(new DenseMatrix(x, rows, cols), mean, variance);
        for (int c = 0; c < cols; c++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < rows; r++)
            {
                m += x[(r * cols) + c];
            }

            m /= rows;
            for (int r = 0; r < rows; r++)
            {
                v += (x[(r * cols) + c] - m) * (x[(r * cols) + c] - m);
            }

            Assert.Equal((float)m, mean[c]);
            Assert.Equal((float)(v / rows), variance[c]);
        }
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(7, 5)]
    [InlineData(300, 3)]
    public void BatchNormTrainingMatchesKerasFormula(int rows, int units)
    {
        var (z, gamma, beta) = Inputs(rows, units, 11);
        float[] xhat = new float[rows * units], y = new float[rows * units], mean = new float[units], inv = new float[units];
        float[] movingMean = new float[units], movingVariance = Enumerable.Repeat(1f, units).ToArray();
        BatchNormKernels.ForwardTraining(z, xhat, y, rows, units, gamma, beta, movingMean, movingVariance, mean, inv, 0.99, 1e-3);
        var (expected, batchMean, batchVariance) = BatchNormReference(z, rows, units, gamma, beta);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 2e-5 * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, expected {expected[i]}");
        }

        for (int j = 0; j < units; j++)
        {
            Assert.Equal(0.01 * batchMean[j], movingMean[j], 1e-5);
            Assert.Equal(0.99 + (0.01 * batchVariance[j]), movingVariance[j], 1e-5); // the biased variance, as Keras
        }

        if (rows == 1)
        {
            Assert.Equal(beta, y); // a batch of one: z − mean = 0, so y = β (Keras gives the same)
        }
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(6, 4)]
    [InlineData(260, 2)]
    public void BatchNormGradientsMatchFiniteDifferences(int rows, int units)
    {
        var (z, gamma, beta) = Inputs(rows, units, 23);
        var w = Inputs(rows, units, 29).Z; // L = Σ w · y
        float[] xhat = new float[rows * units], y = new float[rows * units], mean = new float[units], inv = new float[units];
        BatchNormKernels.ForwardTraining(z, xhat, y, rows, units, gamma, beta, new float[units], new float[units], mean, inv, 0.99, 1e-3);
        var dz = (float[])w.Clone();
        float[] dGamma = new float[units], dBeta = new float[units];
        BatchNormKernels.Backward(dz, xhat, rows, units, gamma, inv, dGamma, dBeta, accumulate: false, new float[rows * units], new float[3 * units]);
        double Loss(double[] zz, double[] g, double[] b) => Dot(w, BatchNormReference(zz, rows, units, g, b).Y);
        CheckGradient(z, dz, v => Loss(v, D(gamma), D(beta)));
        CheckGradient(gamma, dGamma, v => Loss(D(z), v, D(beta)));
        CheckGradient(beta, dBeta, v => Loss(D(z), D(gamma), v));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(9, 16)]
    [InlineData(258, 3)]
    public void LayerNormMatchesKerasFormulaAndFiniteDifferences(int rows, int units)
    {
        var (z, gamma, beta) = Inputs(rows, units, 31);
        var w = Inputs(rows, units, 37).Z;
        float[] xhat = new float[rows * units], y = new float[rows * units], inv = new float[rows];
        LayerNormKernels.Forward(z, xhat, y, rows, units, gamma, beta, inv, 1e-3);
        var expected = LayerNormReference(D(z), rows, units, D(gamma), D(beta));
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 2e-5 * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, expected {expected[i]}");
        }

        var dz = (float[])w.Clone();
        float[] dGamma = new float[units], dBeta = new float[units];
        LayerNormKernels.Backward(dz, xhat, rows, units, gamma, inv, dGamma, dBeta, accumulate: false, new float[rows * units], new float[2 * units]);
        double Loss(double[] zz, double[] g, double[] b) => Dot(w, LayerNormReference(zz, rows, units, g, b));
        CheckGradient(z, dz, v => Loss(v, D(gamma), D(beta)));
        CheckGradient(gamma, dGamma, v => Loss(D(z), v, D(beta)));
        CheckGradient(beta, dBeta, v => Loss(D(z), D(gamma), v));
    }

    [Fact]
    public void BatchStatisticsAreSummedByChunkInChunkOrder()
    {
        // 600 rows: chunks [0, 256), [256, 512), [512, 600), each summed from +0 in row order, then added in chunk order
        int rows = 600, units = 3;
        var (z, _, _) = Inputs(rows, units, 41);
        for (int i = 0; i < z.Length; i += 7)
        {
            z[i] *= 1e6f; // large terms so that another association would round differently
        }

        var sums = new float[units];
        BatchNormKernels.ColumnSums(z, rows, units, sums);
        for (int j = 0; j < units; j++)
        {
            float total = 0f;
            for (int start = 0; start < rows; start += 256)
            {
                float chunk = 0f;
                for (int r = start; r < Math.Min(rows, start + 256); r++)
                {
                    chunk += z[(r * units) + j];
                }

                total = start == 0 ? chunk : total + chunk;
            }

            Assert.Equal(BitConverter.SingleToInt32Bits(total), BitConverter.SingleToInt32Bits(sums[j]));
        }
    }

    private static (float[] Z, float[] Gamma, float[] Beta) Inputs(int rows, int units, int seed)
    {
        var random = new Random(seed);
        float Next(double scale, double shift) => (float)(((random.NextDouble() * 2) - 1) * scale + shift);
        var z = Enumerable.Range(0, rows * units).Select(i => Next(2, i % units)).ToArray();
        var gamma = Enumerable.Range(0, units).Select(_ => Next(0.5, 1)).ToArray();
        var beta = Enumerable.Range(0, units).Select(_ => Next(0.5, 0)).ToArray();
        return (z, gamma, beta);
    }

    private static double[] D(float[] v) => v.Select(x => (double)x).ToArray();

    private static double Dot(float[] a, double[] b) => a.Select((x, i) => x * b[i]).Sum();

    private static (double[] Y, double[] Mean, double[] Variance) BatchNormReference(float[] z, int rows, int units, float[] gamma, float[] beta) =>
        BatchNormReference(D(z), rows, units, D(gamma), D(beta));

    private static (double[] Y, double[] Mean, double[] Variance) BatchNormReference(double[] z, int rows, int units, double[] gamma, double[] beta)
    {
        double[] mean = new double[units], variance = new double[units], y = new double[rows * units];
        for (int j = 0; j < units; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                mean[j] += z[(r * units) + j] / rows;
            }

            for (int r = 0; r < rows; r++)
            {
                variance[j] += Math.Pow(z[(r * units) + j] - mean[j], 2) / rows;
            }

            for (int r = 0; r < rows; r++)
            {
                y[(r * units) + j] = (gamma[j] * (z[(r * units) + j] - mean[j]) / Math.Sqrt(variance[j] + 1e-3)) + beta[j];
            }
        }

        return (y, mean, variance);
    }

    private static double[] LayerNormReference(double[] z, int rows, int units, double[] gamma, double[] beta)
    {
        var y = new double[rows * units];
        for (int r = 0; r < rows; r++)
        {
            var row = z.Skip(r * units).Take(units).ToArray();
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (int j = 0; j < units; j++)
            {
                y[(r * units) + j] = (gamma[j] * (row[j] - mean) / Math.Sqrt(variance + 1e-3)) + beta[j];
            }
        }

        return y;
    }

    /// <summary>Central differences of the double-precision reference against the kernel's float gradient.</summary>
    private static void CheckGradient(float[] at, float[] gradient, Func<double[], double> loss)
    {
        var x = D(at);
        for (int i = 0; i < x.Length; i += Math.Max(1, x.Length / 40))
        {
            double h = 1e-4 * Math.Max(1, Math.Abs(x[i])), keep = x[i];
            x[i] = keep + h;
            double up = loss(x);
            x[i] = keep - h;
            double down = loss(x);
            x[i] = keep;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-3 * (1 + Math.Abs(numeric)), $"gradient[{i}] = {gradient[i]}, finite differences {numeric}");
        }
    }
}
