using AotNet.Data;
using AotNet.IO;
using AotNet.Tests.Generator;
using AotNet.Training;
using Microsoft.CodeAnalysis;

namespace AotNet.Tests.Layers;

/// <summary>Embedding + GlobalAveragePooling1D in generated models: diagnostics, input errors, gradients, saved tensors, bits across threads, allocations.</summary>
public class EmbeddingLayerTests
{
    /// <summary>Misuse of the Embedding declarations; run by GeneratorDiagnosticsTests' one diagnostics theory.</summary>
    public static TheoryData<string, string, string> Misuse => new()
    {
        { "AOTNET044", "Embedding(20, 4)", "[Sequential(8)] [Dense(3)] [Embedding(20, 4)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
        { "AOTNET044", "GlobalAveragePooling1D", "[Sequential(8)] [GlobalAveragePooling1D] [Dense(3)] [Dense(1)] public partial class Net;" },
        { "AOTNET044", "Embedding(20, 4)", "[Sequential(8)] [Embedding(20, 4)] [Dense(3)] [Dense(1)] public partial class Net;" },
        { "AOTNET044", "GlobalAveragePooling1D", "[Sequential(8)] [Embedding(20, 4)] [Dense(3)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
        { "AOTNET045", "Embedding(0, 4)", "[Sequential(8)] [Embedding(0, 4)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
        { "AOTNET045", "Embedding(1, 4, MaskZero = true)", "[Sequential(8)] [Embedding(1, 4, MaskZero = true)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
        { "AOTNET046", "Embedding(20, 4)", "[Sequential(8)] [Normalization] [Embedding(20, 4)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
        { "AOTNET046", "Embedding(20, 4)", "[Sequential(8, ClipNorm = 1)] [Embedding(20, 4)] [GlobalAveragePooling1D] [Dense(1)] public partial class Net;" },
    };

    [Theory]
    [InlineData("[Sequential(8, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.AdamW, ClipValue = 1, Metrics = Metric.Accuracy)] [Embedding(20, 4, MaskZero = true)] [GlobalAveragePooling1D] [Dense(8, Activation.Gelu, KernelL2 = 0.01)] [Dropout(0.3)] [Dense(3, Activation.Softmax)] public partial class Net;")]
    [InlineData("[Sequential(3, Loss = Loss.BinaryCrossentropy, Metrics = Metric.Auc)] [Embedding(5, 2)] [GlobalAveragePooling1D] [Dense(1, Activation.Sigmoid)] public partial record Net;")]
    public void ValidDeclarationsCompile(string declaration)
    {
        var (result, output) = GeneratorHarness.Run("using AotNet;\nnamespace Test;\n" + declaration + "\n");
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void BadTokensGetOneClearError()
    {
        var model = EmbeddingMasked.Create(1);
        var targets = new DenseMatrix(2, 1);
        var ws = model.CreateWorkspace(2);
        BatchStats Evaluate(Features inputs) => model.Evaluate(new Batch(inputs, targets, [0, 1]), ws);

        var tooLarge = TokenMatrix.FromRows([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 1]], 12);
        Assert.Contains("row 1 holds the token id 50", Assert.Throws<ArgumentException>(() => Evaluate(tooLarge)).Message);
        Assert.Contains("token id -3", Assert.Throws<ArgumentException>(() => TokenMatrix.FromRows([[1, 2, -3]], 3)).Message);
        Assert.Contains("sequence 0 has 13 ids", Assert.Throws<ArgumentException>(() => TokenMatrix.FromRows([new int[13]], 12)).Message);
        var longer = TokenMatrix.Pad(IntSequences.FromArrays([[1, 2, 3], [4, 5]]), 13);
        Assert.Contains("sequences of 12 token ids, not 13", Assert.Throws<ArgumentException>(() => Evaluate(longer)).Message);
        var padding = TokenMatrix.FromRows([new int[12], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]], 12);
        Assert.Contains("row 0 holds only padding", Assert.Throws<ArgumentException>(() => Evaluate(padding)).Message);
        Assert.Contains("needs token sequences", Assert.Throws<ArgumentException>(() => Evaluate(new DenseMatrix(2, 12))).Message);

        // a model of numeric features refuses token sequences
        var features = NormalizationMlp.Create(1);
        var tokens = TokenMatrix.FromRows([[1, 2, 3, 4], [5, 6, 7, 8]], 4);
        Assert.Contains("[Embedding]", Assert.Throws<ArgumentException>(() => features.Evaluate(new Batch(tokens, targets, [0, 1]), features.CreateWorkspace(2))).Message);
    }

    [Fact]
    public void PadFollowsKerasPadSequences()
    {
        var sequences = IntSequences.FromArrays([[1, 2, 3, 4, 5], [6, 7]]);
        var pre = TokenMatrix.Pad(sequences, 3);
        Assert.Equal([3, 4, 5], pre.Row(0).ToArray()); // pre-truncating keeps the last ids
        Assert.Equal([0, 6, 7], pre.Row(1).ToArray()); // pre-padding
        var post = TokenMatrix.Pad(sequences, 3, SequenceEnd.Post, SequenceEnd.Post);
        Assert.Equal([1, 2, 3], post.Row(0).ToArray());
        Assert.Equal([6, 7, 0], post.Row(1).ToArray());
        Assert.Equal(7, pre.MaxId);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var (data, _) = Data(rows: 9, length: 12, vocabulary: 50, seed: 5, maskZero: true);
        var model = EmbeddingMasked.Create(3);
        int[] all = Enumerable.Range(0, data.Count).ToArray();
        var ws = model.CreateWorkspace(data.Count);
        var gradient = new float[EmbeddingMasked.ParameterCount];
        model.Backward(new Batch(data.Inputs, data.Targets, all), ws, gradient);

        double Loss() => model.Evaluate(new Batch(data.Inputs, data.Targets, all), ws).LossSum;
        int used = data.Inputs.Tokens!.Row(0)[^1], unused = Enumerable.Range(1, 49).First(id => data.Inputs.Tokens.RowOf(id) < 0);
        int[] checks = [(used * 4) + 1, (used * 4) + 3, (unused * 4) + 2, 0, EmbeddingMasked.Dense0KernelOffset + 5, EmbeddingMasked.Dense1BiasOffset];
        Assert.Equal(0f, gradient[(unused * 4) + 2]); // an id no row holds: no gradient
        Assert.Equal(0f, gradient[0]); // the padding id 0 is masked
        foreach (int p in checks)
        {
            float saved = model.Parameters[p];
            const float h = 1e-3f; // embedding values are about 0.05: a larger step crosses relu kinks
            model.Parameters[p] = saved + h;
            double plus = Loss();
            model.Parameters[p] = saved - h;
            double minus = Loss();
            model.Parameters[p] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(gradient[p] - numeric) <= 3e-3 + (3e-2 * Math.Abs(numeric)), $"parameter {p}: {gradient[p]} vs {numeric}");
        }

        Assert.True(Math.Abs(gradient[(used * 4) + 1]) > 1e-4, "a used id's row has a gradient");
    }

    [Fact]
    public void SavedAsEmbeddingEmbeddingsFirstAndLoadedToTheSamePredictions()
    {
        var (train, validation) = Data(rows: 60, length: 12, vocabulary: 50, seed: 6, maskZero: true);
        var model = EmbeddingMasked.Create(4);
        using (var trainer = new Trainer<EmbeddingMasked>(model))
        {
            trainer.Fit(train, null, new FitOptions { Epochs = 2, BatchSize = 16 });
        }

        var tensors = SafeTensors.FromModel(EmbeddingMasked.Description, model.Parameters);
        Assert.Equal(["embedding.embeddings", "dense_0.kernel", "dense_0.bias", "dense_1.kernel", "dense_1.bias"], tensors.Select(t => t.Name));
        Assert.Equal([50, 4], tensors[0].Shape);
        var (read, _) = SafeTensors.Deserialize(SafeTensors.Serialize(tensors));
        var loaded = EmbeddingMasked.Create(99);
        SafeTensors.ToModel(EmbeddingMasked.Description, read, loaded.Parameters);
        Assert.Equal(Predict(model, validation), Predict(loaded, validation));
        Assert.Contains("embedding (Embedding, mask_zero)", AotNet.Hosting.ModelApp.Summary(EmbeddingMasked.Description));
        Assert.StartsWith("12 ids → embedding 50×4 mask_zero → global_average_pooling1d → 8 relu", EmbeddingMasked.Description.Topology);

        // Keras's uniform(-0.05, 0.05) initial embeddings
        var fresh = EmbeddingMasked.Create(5).Embeddings.ToArray();
        Assert.All(fresh, v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.True(fresh.Max() - fresh.Min() > 0.09f);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(600)]
    public void TheSameBitsOnEveryThreadCount(int batchSize)
    {
        var (train, validation) = Data(rows: 700, length: 16, vocabulary: 200, seed: 7, maskZero: true);
        float[]? reference = null;
        for (int threads = 1; threads <= 3; threads++)
        {
            var model = EmbeddingChunks.Create(11);
            using var trainer = new Trainer<EmbeddingChunks>(model, threads);
            var history = trainer.Fit(train, validation, new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 5 });
            float[] bits = [.. model.Parameters, .. history["val_loss"].Select(v => (float)v)];
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

    internal static float[] Predict<T>(T model, LabeledData data)
        where T : class, IModel<T>
    {
        var outputs = new float[data.Count * T.Description.Outputs];
        model.Predict(new Batch(data.Inputs, null, Enumerable.Range(0, data.Count).ToArray()), model.CreateWorkspace(data.Count), outputs);
        return outputs;
    }

    /// <summary>Pre-padded random sequences (each with at least one id > 0); a 0/1 target from a per-id teacher score.</summary>
    internal static (LabeledData Train, LabeledData Validation) Data(int rows, int length, int vocabulary, int seed, bool maskZero)
    {
        var random = new Random(seed);
        var teacher = Enumerable.Range(0, vocabulary).Select(_ => random.NextDouble() - 0.5).ToArray();
        var sequences = new int[rows][];
        var y = new DenseMatrix(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            int count = random.Next(1, length + 3); // some longer than the length: cut by Pad
            sequences[r] = Enumerable.Range(0, count).Select(_ => random.Next(1, vocabulary)).ToArray();
            y.Row(r)[0] = sequences[r].TakeLast(length).Average(id => teacher[id]) > 0 ? 1f : 0f;
        }

        _ = maskZero;
        var tokens = TokenMatrix.Pad(IntSequences.FromArrays(sequences), length);
        int split = rows * 3 / 4;
        return (new LabeledData(tokens.SliceRows(0, split), y.SliceRows(0, split)), new LabeledData(tokens.SliceRows(split, rows - split), y.SliceRows(split, rows - split)));
    }
}

/// <summary>An Embedding model trains without allocating after its first epoch (run alone: see <see cref="AllocationMeasurements"/>).</summary>
[Collection(AllocationMeasurements.Name)]
public class EmbeddingLayerAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingStepsAllocateNothing(int threads)
    {
        var (train, _) = EmbeddingLayerTests.Data(rows: 800, length: 16, vocabulary: 200, seed: 8, maskZero: true);
        var model = EmbeddingChunks.Create(1);
        using var trainer = new Trainer<EmbeddingChunks>(model, threads);
        long bytes = AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(train, null, new FitOptions { Epochs = 3, BatchSize = 512 }));
        Assert.Equal(0, bytes);
    }
}
