using System.Runtime.Intrinsics;
using AotNet.Kernels;

namespace AotNet.WidthProbe;

/// <summary>
/// <c>AotNet.WidthProbe dense</c>: prints the vector width this process accelerates, then one line per dense kernel: its name and a hash of the bits of
/// every output it produced on fixed pseudo-random inputs (NaNs hashed as one value). The vector-width tests run
/// this under different <c>DOTNET_PreferredVectorBitWidth</c>/<c>DOTNET_Enable*</c> settings and compare the lines.
/// </summary>
internal static class DenseProbe
{
    public static int Run()
    {
        string width = Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "scalar";
        Console.WriteLine($"vectors {width}");
        var hashes = new SortedDictionary<string, Hash>(StringComparer.Ordinal);
        void Add(string kernel, ReadOnlySpan<float> values)
        {
            if (!hashes.TryGetValue(kernel, out var h))
            {
                h = new Hash();
                hashes[kernel] = h;
            }

            h.Add(values);
        }

        var random = new Xorshift(12345);
        int[] widths = [1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 46, 63, 64, 65, 100, 130];
        foreach (int units in widths)
        {
            foreach (int inputs in new[] { 1, 5, 13, 64, 70 })
            {
                Dense(random, inputs, units, Add);
            }
        }

        foreach (var (rows, inputs, units) in new[] { (1, 1, 1), (5, 13, 17), (6, 8, 32), (7, 70, 46), (13, 33, 130), (40, 64, 64), (256, 30, 10), (3, 300, 65), (37, 100, 100) })
        {
            foreach (int pad in new[] { 0, 3 })
            {
                Matrix(random, rows, inputs, units, pad, Add);
            }
        }

        float[] a = random.Values(1000, 0f), b = random.Values(1000, 0f);
        for (int n = 0; n <= 100; n++)
        {
            Add("Reductions.Dot", [Reductions.Dot(a.AsSpan(0, n), b.AsSpan(0, n))]);
            Add("Reductions.Sum", [Reductions.Sum(a.AsSpan(n, n))]);
        }

        foreach (var (rows, units) in new[] { (1, 1), (2, 7), (5, 16), (33, 17), (257, 9), (300, 64), (600, 3) })
        {
            Normalizations(random, rows, units, Add);
        }

        foreach (var (kernel, hash) in hashes)
        {
            Console.WriteLine($"{kernel} {hash.Value:x16}");
        }

        return 0;
    }

    private static void Dense(Xorshift random, int inputs, int units, Action<string, ReadOnlySpan<float>> add)
    {
        float[] x = random.Values(inputs, 0.4f), w = random.Values(inputs * units, 0f), b = random.Values(units, 0f), dy = random.Values(units, 0f);
        float[] relu = x.Select(MathF.Abs).ToArray();
        relu[0] = -relu[0];
        int[] active = Enumerable.Range(0, inputs).Where(i => x[i] != 0f).ToArray();
        var y = new float[units];
        DenseKernels.Affine(x, w, b, y);
        add("DenseKernels.Affine", y);
        DenseKernels.SparseAffine(active, w, b, y);
        add("DenseKernels.SparseAffine", y);
        float[] g = random.Values(inputs * units, 0f), dx = new float[inputs];
        DenseKernels.AccumulateOuter(x, dy, g);
        add("DenseKernels.AccumulateOuter", g);
        DenseKernels.ScatterAddRows(active, dy, g);
        add("DenseKernels.ScatterAddRows", g);
        DenseKernels.BackpropInput(w, dy, dx);
        add("DenseKernels.BackpropInput", dx);
        DenseKernels.BackpropAccumulate(w, dy, x, g, dx);
        add("DenseKernels.BackpropAccumulate", g);
        add("DenseKernels.BackpropAccumulate", dx);
        DenseKernels.BackpropAccumulateRelu(w, dy, relu, g, dx);
        add("DenseKernels.BackpropAccumulateRelu", g);
        add("DenseKernels.BackpropAccumulateRelu", dx);
        DenseKernels.Accumulate(dy, b);
        add("DenseKernels.Accumulate", b);
    }

    private static void Matrix(Xorshift random, int rows, int inputs, int units, int pad, Action<string, ReadOnlySpan<float>> add)
    {
        int ldx = inputs + pad, ldw = units + pad, ldy = units + (2 * pad);
        float[] x = random.Values(rows * ldx, 0.3f), w = random.Values(inputs * ldw, 0f), b = random.Values(units, 0f);
        float[] dy = random.Values(rows * ldy, 0f), relu = random.Values(rows * ldx, 0.3f);
        x[0] = float.NaN;
        dy[^1] = float.PositiveInfinity;
        foreach (bool r in new[] { false, true })
        {
            var y = new float[rows * ldy];
            MatrixKernels.Forward(x, ldx, w, ldw, b, y, ldy, rows, inputs, units, r);
            add("MatrixKernels.Forward", y);
            var dx = new float[rows * ldx];
            MatrixKernels.BackwardInput(dy, ldy, w, ldw, dx, ldx, r ? relu : [], rows, inputs, units);
            add("MatrixKernels.BackwardInput", dx);
            float[] dw = random.Values(inputs * ldw, 0f), db = random.Values(units, 0f);
            MatrixKernels.BackwardWeights(x, ldx, dy, ldy, dw, ldw, rows, inputs, units, accumulate: r);
            add("MatrixKernels.BackwardWeights", dw);
            MatrixKernels.BiasGradient(dy, ldy, db, rows, units, accumulate: r);
            add("MatrixKernels.BiasGradient", db);
        }

        if (units > 2)
        {
            // a column range of the layer: the same columns, other neighbours
            int n0 = units / 3, width = units - n0 - 1;
            var y = new float[rows * ldy];
            MatrixKernels.Forward(x, ldx, w.AsSpan(n0), ldw, b.AsSpan(n0), y.AsSpan(n0), ldy, rows, inputs, width, relu: true);
            add("MatrixKernels.Forward(slice)", y);
        }
    }

    private sealed class Hash
    {
        public ulong Value { get; private set; } = 14695981039346656037UL;

        public void Add(ReadOnlySpan<float> values)
        {
            foreach (float v in values)
            {
                uint bits = float.IsNaN(v) ? 0x7FC00000u : BitConverter.SingleToUInt32Bits(v);
                for (int i = 0; i < 4; i++)
                {
                    Value = (Value ^ ((bits >> (8 * i)) & 0xFF)) * 1099511628211UL;
                }
            }
        }
    }

    /// <summary>BatchNormalization, LayerNormalization and Normalization over blocks whose rows cross the 256-row chunks.</summary>
    private static void Normalizations(Xorshift random, int rows, int units, Action<string, ReadOnlySpan<float>> add)
    {
        float[] z = random.Values(rows * units, 0.1f), gamma = random.Values(units, 0f), beta = random.Values(units, 0f);
        float[] dy = random.Values(rows * units, 0f), xhat = new float[rows * units], y = new float[rows * units];
        float[] mm = random.Values(units, 0f), mv = random.Values(units, 0f).Select(v => MathF.Abs(v) + 0.5f).ToArray();
        float[] mean = new float[units], inv = new float[Math.Max(units, rows)], scratch = new float[rows * units], sums = new float[3 * units];
        float[] dGamma = random.Values(units, 0f), dBeta = random.Values(units, 0f);
        BatchNormKernels.ForwardTraining(z, xhat, y, rows, units, gamma, beta, mm, mv, mean, inv, 0.99, 1e-3);
        add("BatchNormKernels.ForwardTraining", y);
        add("BatchNormKernels.ForwardTraining", xhat);
        add("BatchNormKernels.ForwardTraining", mm);
        add("BatchNormKernels.ForwardTraining", mv);
        var d = (float[])dy.Clone();
        BatchNormKernels.Backward(d, xhat, rows, units, gamma, inv, dGamma, dBeta, accumulate: true, scratch, sums);
        add("BatchNormKernels.Backward", d);
        add("BatchNormKernels.Backward", dGamma);
        add("BatchNormKernels.Backward", dBeta);
        BatchNormKernels.ForwardInference(z, y, rows, units, gamma, beta, mm, mv, inv, 1e-3);
        add("BatchNormKernels.ForwardInference", y);
        LayerNormKernels.Forward(z, xhat, y, rows, units, gamma, beta, inv, 1e-3);
        add("LayerNormKernels.Forward", y);
        d = (float[])dy.Clone();
        LayerNormKernels.Backward(d, xhat, rows, units, gamma, inv, dGamma, dBeta, accumulate: false, scratch, sums);
        add("LayerNormKernels.Backward", d);
        add("LayerNormKernels.Backward", dGamma);
        add("LayerNormKernels.Backward", dBeta);
        var data = new AotNet.Data.DenseMatrix(z, rows, units);
        NormalizationKernels.Adapt(data, mean, mv);
        NormalizationKernels.ApplyRows(z, rows, mean, mv);
        add("NormalizationKernels", z);
    }

    private sealed class Xorshift(ulong state)
    {
        public float[] Values(int n, float zeros)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = Next() < zeros ? 0f : (Next() * 2f) - 1f;
            }

            return v;
        }

        private float Next()
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return (state >> 40) * (1f / (1 << 24));
        }
    }
}
