using System.Runtime.Intrinsics;
using AotNet.Data;
using AotNet.Kernels;
using AotNet.Training;

// The one width probe: the kernel tests run it in child processes under several vector widths
// (DOTNET_PreferredVectorBitWidth / DOTNET_EnableHWIntrinsic) and compare its lines, which must not depend on the width.
// - no argument: math, reductions, activations, losses, optimizers (one line per kernel: its name and an FNV-1a hash of
//   every output bit on fixed inputs, lengths 1..256 and a set of layer shapes); a first line starting with '#' says
//   which widths were accelerated;
// - "dense": the dense and matrix kernels over many layer shapes (DenseProbe).
if (args is ["dense"])
{
    return AotNet.WidthProbe.DenseProbe.Run();
}

Console.WriteLine($"# Vector128 {Vector128.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}");
var probe = new Probe();
probe.Run();
return 0;

internal sealed class Probe
{
    private ulong _hash;

    public void Run()
    {
        foreach (string f in new[] { "exp", "log", "log1p", "tanh", "sigmoid" })
        {
            Section("math." + f, random =>
            {
                for (int n = 1; n <= 256; n++)
                {
                    float[] x = Inputs(random, n), y = new float[n];
                    switch (f)
                    {
                        case "exp": MathKernels.Exp(x, y); break;
                        case "log": MathKernels.Log(x, y); break;
                        case "log1p": MathKernels.Log1P(x, y); break;
                        case "tanh": MathKernels.Tanh(x, y); break;
                        default: MathKernels.Sigmoid(x, y); break;
                    }

                    Add(y);
                }
            });
        }

        Section("reductions", random =>
        {
            for (int n = 0; n <= 300; n++)
            {
                float[] a = Values(random, n), b = Values(random, n);
                Add(Reductions.Dot(a, b));
                Add(Reductions.Sum(a));
            }
        });

        Section("activations", random =>
        {
            for (int n = 1; n <= 130; n++)
            {
                float[] z = Values(random, n, 8f), delta = Values(random, n), a = new float[n];
                var d = (float[])delta.Clone();
                ActivationKernels.Sigmoid(z, a);
                ActivationKernels.SigmoidBackward(a, d);
                Add(a);
                Add(d);
                ActivationKernels.Tanh(z, a);
                d = (float[])delta.Clone();
                ActivationKernels.TanhBackward(a, d);
                Add(a);
                Add(d);
                ActivationKernels.Softmax(z, a);
                d = (float[])delta.Clone();
                ActivationKernels.SoftmaxBackward(a, d);
                Add(a);
                Add(d);
                a = (float[])z.Clone();
                ActivationKernels.Relu(a);
                d = (float[])delta.Clone();
                ActivationKernels.ReluBackward(a, d);
                Add(a);
                Add(d);
            }
        });

        Section("losses", random =>
        {
            for (int n = 1; n <= 130; n++)
            {
                float[] z = Values(random, n, 30f), p = Values(random, n), y = new float[n], delta = new float[n];
                for (int j = 0; j < n; j++)
                {
                    y[j] = random.NextInt(2);
                }

                Add(LossKernels.MeanSquaredError(z, p));
                Add(MetricKernels.MeanAbsoluteError(z, p));
                Add(LossKernels.BinaryCrossentropyFromLogits(z, y));
                Add(LossKernels.CategoricalCrossentropyFromLogits(z, y));
                LossKernels.MeanSquaredErrorGradient(z, p, delta);
                Add(delta);
                LossKernels.BinaryCrossentropyGradient(p, y, delta);
                Add(delta);
            }
        });

        Optimizer("rmsprop", new RmsPropUpdate(0.01f, 0.9f, 1e-7f));
        Optimizer("rmsprop-legacy", new RmsPropLegacyUpdate(0.01f, 0.9f, 1e-7f));
        Optimizer("adam", new AdamUpdate(0.01f, 0.9f, 0.999f, 1e-7f, 3));
        Optimizer("sgd", new SgdUpdate(0.01f));
        Optimizer("momentum", new SgdMomentumUpdate(0.01f, 0.9f));
        Optimizer("nesterov", new SgdNesterovUpdate(0.01f, 0.9f));
        Optimizer("adamw", new WeightDecayUpdate<AdamUpdate>(new AdamUpdate(0.01f, 0.9f, 0.999f, 1e-7f, 3), 0.25f, 0.01f));
        Optimizer("rmsprop-wd", new WeightDecayUpdate<RmsPropUpdate>(new RmsPropUpdate(0.01f, 0.9f, 1e-7f), 0.25f, 0.01f));
    }

    private void Optimizer<TUpdate>(string name, TUpdate u)
        where TUpdate : struct, IOptimizerUpdate
    {
        Section("apply." + name, random =>
        {
            for (int n = 1; n <= 256; n++)
            {
                float[] w = Values(random, n), g = Values(random, n, zeros: 0.3f), a = Abs(Values(random, n)), b = Abs(Values(random, n));
                OptimizerKernels.Apply(u, w, g, a, b, 0.25f);
                Add(w);
                Add(a);
                Add(b);
            }
        });

        Section("fused." + name, random =>
        {
            foreach (var (inputs, units) in new[] { (13, 64), (64, 64), (64, 1), (70, 46), (5, 9), (9, 16), (3, 136), (66, 7), (1, 1) })
            {
                float[] x = Values(random, inputs, zeros: 0.4f), dy = Values(random, units, zeros: 0.3f), dx = new float[inputs];
                float[] w = Values(random, inputs * units), a = Abs(Values(random, inputs * units)), b = Abs(Values(random, inputs * units));
                OptimizerKernels.ApplyOuterBackprop(u, x, dy, w, a, b, dx);
                Add(dx);
                float[] relu = x.Select(v => Math.Max(v, 0f)).ToArray();
                OptimizerKernels.ApplyOuterBackpropRelu(u, relu, dy, w, a, b, dx);
                Add(dx);
                OptimizerKernels.ApplyOuter(u, x, dy, w, a, b);
                Add(w);
                Add(a);
                Add(b);
                float[] bias = Values(random, units), s1 = Abs(Values(random, units)), s2 = Abs(Values(random, units));
                OptimizerKernels.ApplyBias(u, dy, bias, s1, s2);
                Add(bias);
                Add(s1);
                Add(s2);
            }
        });

        Section("first-kernel." + name, random =>
        {
            foreach (int units in new[] { 1, 7, 16, 40, 64 })
            {
                const int Inputs = 60, ChunkRows = 4, Rows = 10;
                var offsets = new List<int> { 0 };
                var columns = new List<int>();
                for (int r = 0; r < Rows; r++)
                {
                    for (int c = 0; c < Inputs; c++)
                    {
                        if (random.NextSingle() < 0.15f)
                        {
                            columns.Add(c);
                        }
                    }

                    offsets.Add(columns.Count);
                }

                var csr = new CsrMatrix(offsets.ToArray(), columns.ToArray(), Inputs);
                int chunks = (Rows + ChunkRows - 1) / ChunkRows;
                var first = new FirstKernelGradient(Inputs, units, ChunkRows, chunks);
                first.Reserve(csr);
                first.Begin(chunks);
                for (int c = 0; c < chunks; c++)
                {
                    int start = c * ChunkRows, count = Math.Min(ChunkRows, Rows - start);
                    Span<float> deltas = first.ChunkDeltas(c, count);
                    for (int i = 0; i < deltas.Length; i++)
                    {
                        deltas[i] = random.NextSingle() < 0.2f ? 0f : random.NextSingle(-1f, 1f);
                    }

                    first.IndexChunk(c, csr, Enumerable.Range(start, count).ToArray());
                }

                float[] w = Values(random, Inputs * units), a = Abs(Values(random, Inputs * units)), b = Abs(Values(random, Inputs * units));
                for (int job = 0; job < FirstKernelGradient.RowJobs; job++)
                {
                    first.Step(job, u, w, a, b, 0.125f);
                }

                Add(w);
                Add(a);
                Add(b);
            }
        });
    }

    private void Section(string name, Action<DeterministicRandom> body)
    {
        _hash = 14695981039346656037UL;
        body(new DeterministicRandom((ulong)name.Length * 7919));
        Console.WriteLine($"{name} {_hash:x16}");
    }

    private void Add(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        for (int k = 0; k < 4; k++)
        {
            _hash = (_hash ^ ((bits >> (8 * k)) & 0xff)) * 1099511628211UL;
        }
    }

    private void Add(float[] values)
    {
        foreach (float v in values)
        {
            Add(v);
        }
    }

    private static float[] Abs(float[] values) => values.Select(MathF.Abs).ToArray();

    private static float[] Values(DeterministicRandom random, int n, float scale = 1f, float zeros = 0f) =>
        Enumerable.Range(0, n).Select(_ => random.NextSingle() < zeros ? 0f : random.NextSingle(-scale, scale)).ToArray();

    private static float[] Inputs(DeterministicRandom random, int n)
    {
        float[] specials = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 100f, -100f, 1e-30f, 0.625f, -1f, float.Epsilon, 88.7f];
        return Enumerable.Range(0, n).Select(_ => random.NextSingle() < 0.1f ? specials[random.NextInt(specials.Length)] : random.NextSingle(-90f, 90f)).ToArray();
    }
}
