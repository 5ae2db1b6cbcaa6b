using System.Reflection;
using AotNet.Data;
using AotNet.Kernels;
using AotNet.Training;

namespace AotNet.Tests.Training
{
    using AotNet.Tests.Training.SubnormalModels;

    /// <summary>
    /// The subnormal flush of docs/determinism.md: no training state (optimizer moments, momentum buffers, weights,
    /// gradients) and no activation holds a subnormal float after a long Boston-like fit, for every optimizer, on the
    /// fused one-row step (batch 1) and the chunked batch step. Without the flush the dead ReLU units' states decay to
    /// 2⁻¹⁴⁹ and stay there (hundreds per model after 50 epochs).
    /// </summary>
    public sealed class SubnormalTests
    {
        [Fact]
        public void TheFlushRuleOnEdgeValues()
        {
            float smallestNormal = BitConverter.Int32BitsToSingle(0x0080_0000);
            Assert.Equal(smallestNormal, Subnormals.SmallestNormal);
            float[] kept = [smallestNormal, -smallestNormal, 1f, -3.5f, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, 1e-30f];
            foreach (float x in kept)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(x), BitConverter.SingleToInt32Bits(Subnormals.Flush(x)));
            }

            Assert.True(float.IsNaN(Subnormals.Flush(float.NaN)));
            float[] flushed = [0f, -0f, float.Epsilon, -float.Epsilon, BitConverter.Int32BitsToSingle(0x007F_FFFF), BitConverter.Int32BitsToSingle(unchecked((int)0x807F_FFFF)), smallestNormal * 0.5f];
            foreach (float x in flushed)
            {
                Assert.Equal(0, BitConverter.SingleToInt32Bits(Subnormals.Flush(x))); // exactly +0
            }

            Assert.Equal(3, Subnormals.Count([float.Epsilon, 0f, -0f, 1f, smallestNormal, -float.Epsilon, smallestNormal / 4]));
        }

        /// <summary>A state decaying under a zero gradient reaches exactly +0 (not 2⁻¹⁴⁹) at every width, in the same step.</summary>
        [Theory]
        [InlineData("rmsprop")]
        [InlineData("rmsprop-legacy")]
        [InlineData("adam")]
        [InlineData("momentum")]
        [InlineData("nesterov")]
        [InlineData("adamw")]
        public void ZeroGradientStateDecaysToExactlyZeroAtEveryWidth(string name)
        {
            const int N = 16 * 3 + 7; // every width's blocks and a scalar tail
            int[] scalar = Decay<Scalar>(name, N), v128 = Decay<Lanes128>(name, N), v256 = Decay<Lanes256>(name, N), v512 = Decay<Lanes512>(name, N);
            Assert.Equal(scalar, v128);
            Assert.Equal(scalar, v256);
            Assert.Equal(scalar, v512);

            // the same through the kernel (widest accelerated width, then narrower, then scalar)
            float[] w = Enumerable.Repeat(0.5f, N).ToArray(), a = Enumerable.Repeat(1f, N).ToArray(), b = Enumerable.Repeat(1f, N).ToArray(), g = new float[N];
            for (int step = 1; step <= Steps; step++)
            {
                Kernels.OptimizerUpdateTests.Apply(name, w, g, a, b, 1f, step);
            }

            Assert.Equal(0, Subnormals.Count(a) + Subnormals.Count(b) + Subnormals.Count(w));
            Assert.All(a, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
            Assert.Equal(scalar, a.Concat(b).Concat(w).Select(BitConverter.SingleToInt32Bits).ToArray());
        }

        private const float Lr = 0.01f; // OptimizerUpdateTests' hyper-parameters, so that its Apply is the same update

        private const int Steps = 2000; // 0.9^2000 · 1 is far below 2⁻¹⁴⁹: without the flush the state would sit at 2⁻¹⁴⁹

        private static int[] Decay<TV>(string name, int n)
            where TV : struct, ILanes<TV>
        {
            var w = Enumerable.Repeat(0.5f, n).ToArray();
            var a = Enumerable.Repeat(1f, n).ToArray();
            var b = Enumerable.Repeat(1f, n).ToArray();
            for (int step = 1; step <= Steps; step++)
            {
                int i = 0;
                for (; i + TV.Count <= n; i += TV.Count)
                {
                    Block<TV>(name, w, a, b, i, step);
                }

                for (; i < n; i++)
                {
                    Block<Scalar>(name, w, a, b, i, step);
                }
            }

            return a.Concat(b).Concat(w).Select(BitConverter.SingleToInt32Bits).ToArray();
        }

        private static void Block<TV>(string name, float[] w, float[] a, float[] b, int i, long step)
            where TV : struct, ILanes<TV>
        {
            var wi = TV.Load(ref w[i], 0);
            var s1 = TV.Load(ref a[i], 0);
            var s2 = TV.Load(ref b[i], 0);
            var g = TV.Zero;
            wi = name switch
            {
                "rmsprop" => OptimizerKernels.Invoke(new RmsPropUpdate(Lr, 0.9f, 1e-7f), wi, g, ref s1, ref s2),
                "rmsprop-legacy" => OptimizerKernels.Invoke(new RmsPropLegacyUpdate(Lr, 0.9f, 1e-7f), wi, g, ref s1, ref s2),
                "adam" => OptimizerKernels.Invoke(new AdamUpdate(Lr, 0.9f, 0.999f, 1e-7f, step), wi, g, ref s1, ref s2),
                "momentum" => OptimizerKernels.Invoke(new SgdMomentumUpdate(Lr, 0.9f), wi, g, ref s1, ref s2),
                "nesterov" => OptimizerKernels.Invoke(new SgdNesterovUpdate(Lr, 0.9f), wi, g, ref s1, ref s2),
                _ => OptimizerKernels.Invoke(new WeightDecayUpdate<AdamUpdate>(new AdamUpdate(Lr, 0.9f, 0.999f, 1e-7f, step), 0.25f, Lr), wi, g, ref s1, ref s2),
            };
            TV.Store(wi, ref w[i], 0);
            TV.Store(s1, ref a[i], 0);
            TV.Store(s2, ref b[i], 0);
        }

        public static TheoryData<string, int> Fits() => new()
        {
            { nameof(BostonRmsProp), 1 },
            { nameof(BostonRmsProp), 16 },
            { nameof(BostonAdam), 1 },
            { nameof(BostonMomentum), 1 },
            { nameof(BostonAdamW), 1 },
        };

        /// <summary>
        /// The probe of docs/determinism.md after a 50-epoch Boston-like fit (13 → 64 relu → 64 relu → 1, 320 rows, targets
        /// around 22 as Boston's): every float array of the model (parameters, gradients, each optimizer state) and the
        /// activations of a forward pass over the training rows hold no subnormal. Without the flush this fails: dead
        /// ReLU units leave their state at 2⁻¹⁴⁹.
        /// </summary>
        [Theory]
        [MemberData(nameof(Fits))]
        public void NoSubnormalSurvivesALongBostonLikeFit(string model, int batchSize)
        {
            var report = model switch
            {
                nameof(BostonRmsProp) => Fit(BostonRmsProp.Create(3), batchSize),
                nameof(BostonAdam) => Fit(BostonAdam.Create(3), batchSize),
                nameof(BostonMomentum) => Fit(BostonMomentum.Create(3), batchSize),
                _ => Fit(BostonAdamW.Create(3), batchSize),
            };
            Assert.True(report.All(r => r.Subnormals == 0), string.Join(", ", report.Select(r => $"{r.Array}: {r.Subnormals} subnormal of {r.Length}")));
        }

        /// <summary>Every float array field of <paramref name="model"/> and the activations of a forward pass, with how many subnormals each holds.</summary>
        internal static List<(string Array, int Length, int Subnormals)> Probe<TModel>(TModel model, Features inputs)
            where TModel : class, IModel<TModel>
        {
            var report = new List<(string, int, int)>();
            for (var type = model.GetType(); type is not null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType == typeof(float[]) && field.GetValue(model) is float[] values)
                    {
                        report.Add((field.Name, values.Length, Subnormals.Count(values)));
                    }
                }
            }

            var workspace = model.CreateWorkspace(inputs.Rows);
            var outputs = new float[inputs.Rows * TModel.Description.Outputs];
            model.Predict(new Batch(inputs, null, Enumerable.Range(0, inputs.Rows).ToArray()), workspace, outputs);
            report.Add(("activations", workspace.Buffer.Length, Subnormals.Count(workspace.Buffer)));
            report.Add(("outputs", outputs.Length, Subnormals.Count(outputs)));
            return report;
        }

        private static List<(string Array, int Length, int Subnormals)> Fit<TModel>(TModel model, int batchSize)
            where TModel : class, IModel<TModel>
        {
            var data = BostonLike(320, seed: 5);
            using var trainer = new Trainer<TModel>(model, 1);
            trainer.Fit(data, null, new FitOptions { Epochs = 50, BatchSize = batchSize, Seed = 1 });
            var report = Probe(model, data.Inputs);
            Assert.Contains(report, r => r.Array == "_parameters");
            Assert.True(report.Count >= 4, "the probe found the model's arrays");
            return report;
        }

        /// <summary>Standardised features (13 columns, a few heavy-tailed as Boston's are) and a price-like target around 22.</summary>
        internal static LabeledData BostonLike(int rows, ulong seed)
        {
            var random = new DeterministicRandom(seed);
            var x = new DenseMatrix(rows, 13);
            var y = new DenseMatrix(rows, 1);
            for (int r = 0; r < rows; r++)
            {
                var row = x.Row(r);
                double target = 22;
                for (int c = 0; c < 13; c++)
                {
                    float u = random.NextSingle(-1, 1);
                    row[c] = c % 4 == 0 ? 3 * u * u * u : 1.7f * u;
                    target += (c % 3 == 0 ? 3 : -2) * row[c] * (c % 2 == 0 ? 1 : 0.5);
                }

                y.Row(r)[0] = (float)Math.Max(5, target + (2 * random.NextSingle(-1, 1)));
            }

            return new LabeledData(x, y);
        }
    }
}

namespace AotNet.Tests.Training.SubnormalModels
{
    using AotNet;

    /// <summary>The tutorial's Boston model.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public sealed partial class BostonRmsProp;

    /// <summary>Boston's topology under Adam.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public sealed partial class BostonAdam;

    /// <summary>Boston's topology under SGD with momentum.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.0001, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public sealed partial class BostonMomentum;

    /// <summary>Boston's topology under AdamW (weights of dead units decay geometrically).</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, WeightDecay = 0.5, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public sealed partial class BostonAdamW;
}
