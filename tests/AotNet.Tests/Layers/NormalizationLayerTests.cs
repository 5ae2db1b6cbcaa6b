using AotNet.Data;
using AotNet.IO;
using AotNet.Tests.Generator;
using AotNet.Training;
using Microsoft.CodeAnalysis;

namespace AotNet.Tests.Layers;

/// <summary>The normalisation layers in generated models: diagnostics, adapt, saved tensors, predict, bits across threads, allocations.</summary>
public class NormalizationLayerTests
{
    /// <summary>Misuse of the normalization layer declarations; run by GeneratorDiagnosticsTests' one diagnostics theory.</summary>
    public static TheoryData<string, string, string> Misuse => new()
    {
        { "AOTNET040", "Normalization", "[Sequential(4)] [Dense(3)] [Normalization] [Dense(1)] public partial class Net;" },
        { "AOTNET041", "BatchNormalization", "[Sequential(4)] [BatchNormalization] [Dense(3)] [Dense(1)] public partial class Net;" },
        { "AOTNET041", "BatchNormalization(Activation.Relu)", "[Sequential(4)] [Dense(3)] [Dense(1)] [BatchNormalization(Activation.Relu)] public partial class Net;" },
        { "AOTNET041", "LayerNormalization", "[Sequential(4)] [Dense(3)] [BatchNormalization] [LayerNormalization] [Dense(1)] public partial class Net;" },
        { "AOTNET041", "BatchNormalization", "[Sequential(4)] [Dense(3, Activation.Gelu)] [BatchNormalization] [Dense(1)] public partial class Net;" },
        { "AOTNET041", "LayerNormalization(Activation.Elu)", "[Sequential(4)] [Dense(3)] [LayerNormalization(Activation.Elu)] [Dense(1)] public partial class Net;" },
        { "AOTNET042", "BatchNormalization(Momentum = 1)", "[Sequential(4)] [Dense(3)] [BatchNormalization(Momentum = 1)] [Dense(1)] public partial class Net;" },
        { "AOTNET042", "LayerNormalization(Epsilon = 0)", "[Sequential(4)] [Dense(3)] [LayerNormalization(Epsilon = 0)] [Dense(1)] public partial class Net;" },
        { "AOTNET043", "Net", "[Sequential(4)] [Dense(3)] [Dropout(0.5)] [BatchNormalization] [Dense(1)] public partial class Net;" },
        { "AOTNET043", "Net", "[Sequential(4, ClipNorm = 1)] [Dense(3)] [LayerNormalization] [Dense(1)] public partial class Net;" },
    };

    [Theory]
    [InlineData("[Sequential(4, Loss = Loss.BinaryCrossentropy, Metrics = Metric.Accuracy | Metric.Auc, Optimizer = Optimizer.AdamW, ClipValue = 1)] [Normalization] [Dense(8, KernelL2 = 0.01)] [BatchNormalization(Activation.Relu, Momentum = 0.9, Epsilon = 1e-5)] [Dense(4, Activation.Tanh)] [LayerNormalization(Activation.Sigmoid)] [Dense(1, Activation.Sigmoid)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.Huber)] [Normalization] [Dense(3, Activation.Selu)] [Dropout(0.2)] [Dense(1)] public partial record Net;")]
    public void ValidDeclarationsCompile(string declaration)
    {
        var (result, output) = GeneratorHarness.Run("using AotNet;\nnamespace Test;\n" + declaration + "\n");
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void FitAdaptsOnTheTrainingRowsUnlessAdaptedAndPredictTakesRawFeatures()
    {
        var (train, validation) = Data(rows: 90, inputs: 4, seed: 1);
        var model = NormalizationMlp.Create(7);
        Assert.False(model.IsAdapted);
        using (var trainer = new Trainer<NormalizationMlp>(model))
        {
            trainer.Fit(train, validation, new FitOptions { Epochs = 2, BatchSize = 16 });
        }

        float[] expectedMean = new float[4], expectedVariance = new float[4];
        AotNet.Kernels.NormalizationKernels.Adapt(train.Inputs.Dense!, expectedMean, expectedVariance);
        Assert.Equal(expectedMean, model.NormalizationMean.ToArray());
        Assert.Equal(expectedVariance, model.NormalizationVariance.ToArray());
        Assert.True(model.IsAdapted);

        // explicit Adapt (here on other rows) is kept by Fit
        var other = NormalizationMlp.Create(7);
        other.Adapt(validation.Inputs);
        float[] adapted = other.State.ToArray();
        using (var trainer = new Trainer<NormalizationMlp>(other))
        {
            trainer.Fit(train, null, new FitOptions { Epochs = 1, BatchSize = 16 });
        }

        Assert.Equal(adapted, other.State);

        // saved and loaded as safetensors: the same predictions from raw features
        var tensors = SafeTensors.FromModel(NormalizationMlp.Description, model.Parameters, model.State);
        Assert.Equal(["normalization.mean", "normalization.variance", "dense_0.kernel", "dense_0.bias", "dense_1.kernel", "dense_1.bias"], tensors.Select(t => t.Name));
        var (read, _) = SafeTensors.Deserialize(SafeTensors.Serialize(tensors));
        var loaded = NormalizationMlp.Create(99);
        SafeTensors.ToModel(NormalizationMlp.Description, read, loaded.Parameters, loaded.State);
        Assert.Equal(Predict(model, validation), Predict(loaded, validation));
        Assert.Throws<ArgumentException>(() => SafeTensors.ToModel(NormalizationMlp.Description, read, loaded.Parameters));
    }

    [Fact]
    public void BatchNormalizationSavesKerasOrderAndPredictsWithTheMovingStatistics()
    {
        var (train, validation) = Data(rows: 64, inputs: 6, seed: 2, classes: 1);
        var model = BatchNormAfterRelu.Create(3);
        using (var trainer = new Trainer<BatchNormAfterRelu>(model))
        {
            trainer.Fit(train, null, new FitOptions { Epochs = 2, BatchSize = 16 });
        }

        var names = SafeTensors.FromModel(BatchNormAfterRelu.Description, model.Parameters, model.State).Select(t => t.Name).ToArray();
        Assert.Equal(["dense_0.kernel", "dense_0.bias", "batch_normalization_0.gamma", "batch_normalization_0.beta", "batch_normalization_0.moving_mean", "batch_normalization_0.moving_variance", "dense_1.kernel", "dense_1.bias"], names);
        Assert.NotEqual(0f, model.GetWeights("batch_normalization_0.moving_mean")[0]);

        // prediction uses the moving statistics: row by row and all at once give the same bits, and it changes nothing
        float[] state = model.State.ToArray(), all = Predict(model, validation);
        var workspace = model.CreateWorkspace(1);
        var one = new float[1];
        for (int r = 0; r < validation.Count; r++)
        {
            model.Predict(new Batch(validation.Inputs, null, new[] { r }), workspace, one);
            Assert.Equal(all[r], one[0]);
        }

        Assert.Equal(state, model.State);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(300)]
    public void TheSameBitsOnEveryThreadCount(int batchSize)
    {
        var (train, validation) = Data(rows: 620, inputs: 4, seed: 3, classes: 2);
        float[]? reference = null;
        for (int threads = 1; threads <= 3; threads++)
        {
            var model = AllThree.Create(11);
            using var trainer = new Trainer<AllThree>(model, threads);
            var history = trainer.Fit(train, validation, new FitOptions { Epochs = batchSize == 1 ? 1 : 2, BatchSize = batchSize, Seed = 5 });
            float[] bits = [.. model.Parameters, .. model.State, .. history["val_loss"].Select(v => (float)v)];
            if (reference is null)
            {
                reference = bits;
            }
            else
            {
                Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), bits.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    /// <summary>
    /// A model wide enough for the workers to split its whole-batch passes (rows × parameters ≥ TileThreshold): each phase's
    /// rows or units among the workers, every value by one of them in the order of one pass, so 1, 2 and 3 threads give the
    /// bits of one (batch 300: two chunks; the last batch of each epoch is shorter).
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(300)]
    public void TheSameBitsOnEveryThreadCountWhenTheWorkersSplitTheBatch(int batchSize)
    {
        Assert.True((long)batchSize * WideNorms.ParameterCount >= 1L << 23, "the model must be wide enough for the split (ChunkScheduler.TileThreshold, pinned by ChunkSchedulerTests)");
        var train = WideData(rows: 620, seed: 8);
        float[]? reference = null;
        for (int threads = 1; threads <= 3; threads++)
        {
            var model = WideNorms.Create(12);
            using var trainer = new Trainer<WideNorms>(model, threads);
            var history = trainer.Fit(train, null, new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 6 });
            float[] bits = [.. model.Parameters, .. model.State, .. history["loss"].Select(v => (float)v)];
            if (reference is null)
            {
                reference = bits;
            }
            else
            {
                Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), bits.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    /// <summary>1024 features in [−1, 1] (a fifth of them 0), one-hot of three classes.</summary>
    internal static LabeledData WideData(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new DenseMatrix(rows, 1024);
        var y = new DenseMatrix(rows, 3);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < 1024; c++)
            {
                x.Row(r)[c] = random.Next(5) == 0 ? 0f : (float)((random.NextDouble() * 2) - 1);
            }

            y.Row(r)[random.Next(3)] = 1f;
        }

        return new LabeledData(x, y);
    }

    private static float[] Predict<T>(T model, LabeledData data)
        where T : class, IModel<T>
    {
        var outputs = new float[data.Count * T.Description.Outputs];
        model.Predict(new Batch(data.Inputs, null, Enumerable.Range(0, data.Count).ToArray()), model.CreateWorkspace(data.Count), outputs);
        return outputs;
    }

    /// <summary>Features on very different scales and offsets; a regression target (classes 0), a 0/1 target (1) or one-hot (≥ 2).</summary>
    internal static (LabeledData Train, LabeledData Validation) Data(int rows, int inputs, int seed, int classes = 0)
    {
        var random = new Random(seed);
        int outputs = Math.Max(1, classes);
        var x = new DenseMatrix(rows, inputs);
        var y = new DenseMatrix(rows, outputs);
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < inputs; c++)
            {
                double v = (random.NextDouble() * 2) - 1;
                s += v * (c + 1);
                x.Row(r)[c] = (float)((v * Math.Pow(10, c - 1)) + (100 * c));
            }

            if (classes >= 2)
            {
                y.Row(r)[s > 0 ? 1 : 0] = 1f;
            }
            else
            {
                y.Row(r)[0] = classes == 1 ? (s > 0 ? 1f : 0f) : (float)s;
            }
        }

        int split = rows * 3 / 4;
        return (new LabeledData(x.SliceRows(0, split), y.SliceRows(0, split)), new LabeledData(x.SliceRows(split, rows - split), y.SliceRows(split, rows - split)));
    }
}

/// <summary>A model with every normalisation layer trains without allocating after its first epoch (run alone: see <see cref="AllocationMeasurements"/>).</summary>
[Collection(AllocationMeasurements.Name)]
public class NormalizationLayerAllocationTests
{
    [Fact]
    public void TrainingStepsAllocateNothing()
    {
        var (train, _) = NormalizationLayerTests.Data(rows: 600, inputs: 4, seed: 4, classes: 2);
        var model = AllThree.Create(1);
        using var trainer = new Trainer<AllThree>(model);
        long bytes = AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(train, null, new FitOptions { Epochs = 3, BatchSize = 64 }));
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void TrainingStepsAllocateNothingWhenTheWorkersSplitTheBatch()
    {
        var train = NormalizationLayerTests.WideData(rows: 300, seed: 9);
        var model = WideNorms.Create(1);
        using var trainer = new Trainer<WideNorms>(model, threads: 2);
        long bytes = AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(train, null, new FitOptions { Epochs = 3, BatchSize = 100 }));
        Assert.Equal(0, bytes);
    }
}
