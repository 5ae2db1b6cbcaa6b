using System.Runtime.Intrinsics;
using AotNet;
using AotNet.Data;
using AotNet.Training;

// One line per case: "<case> <hash>", the hash an FNV-1a 64 over every bit of the trained weights (and state: the
// moving statistics) and of every history value. The first line says which vector widths the JIT accelerated.
// ModelBitsTests runs this under 128-, 256- and 512-bit vectors and compares the lines with each other and with the
// committed golden file. The layer cases (BatchNormalization, LayerNormalization, Embedding) run on 1, 2 and 3 threads,
// one line each: the golden file holds the same hash three times.
Console.WriteLine($"vectors {(Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "scalar")}");
foreach (int batch in new[] { 1, 32, 512 })
{
    Case<TanhSoftmaxSgd>("tanh-sigmoid-softmax-sgd-momentum", batch, sparse: false);
    Case<SigmoidAdam>("relu-sigmoid-adam", batch, sparse: false);
    Case<SigmoidAdam>("relu-sigmoid-adam-multihot", batch, sparse: true);
    Case<WideRmsProp>("relu-tanh-linear-rmsprop", batch, sparse: false);
    Case<TextRmsProp>("text-rmsprop-multihot", batch, sparse: true);
    foreach (int threads in new[] { 1, 2, 3 })
    {
        Case<BatchNormMlp>($"dense-batchnorm-relu-adam/threads-{threads}", batch, sparse: false, threads);
        Case<LayerNormMlp>($"dense-layernorm-tanh-rmsprop/threads-{threads}", batch, sparse: false, threads);
        Case<EmbeddingRmsProp>($"embedding-maskzero-gap1d-rmsprop/threads-{threads}", batch, sparse: false, threads);
    }
}

static void Case<T>(string name, int batch, bool sparse, int threads = 2)
    where T : class, IModel<T>
{
    var d = T.Description;
    int rows = batch == 1 ? 60 : 700;
    var random = new DeterministicRandom(42);
    Features inputs;
    if (d.Embedding is { } embedding)
    {
        // pre-padded sequences of 1..length ids in [1, vocabulary): the IMDB variant's inputs in small
        var ids = new int[rows * d.Inputs];
        for (int r = 0; r < rows; r++)
        {
            int count = 1 + random.NextInt(d.Inputs);
            for (int i = d.Inputs - count; i < d.Inputs; i++)
            {
                ids[(r * d.Inputs) + i] = 1 + random.NextInt(embedding.InputDim - 1);
            }
        }

        inputs = new TokenMatrix(ids, rows, d.Inputs);
    }
    else if (sparse)
    {
        var offsets = new int[rows + 1];
        var columns = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < d.Inputs; c++)
            {
                if (random.NextSingle() < 0.05f)
                {
                    columns.Add(c);
                }
            }

            offsets[r + 1] = columns.Count;
        }

        inputs = new CsrMatrix(offsets, columns.ToArray(), d.Inputs);
    }
    else
    {
        var dense = new DenseMatrix(rows, d.Inputs);
        for (int i = 0; i < dense.Data.Length; i++)
        {
            dense.Data[i] = random.NextSingle() < 0.2f ? 0f : random.NextSingle(-2f, 2f);
        }

        inputs = dense;
    }

    var targets = new DenseMatrix(rows, d.Outputs);
    for (int r = 0; r < rows; r++)
    {
        var row = targets.Row(r);
        if (d.Loss == Loss.MeanSquaredError)
        {
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = random.NextSingle(-3f, 3f);
            }
        }
        else if (d.Outputs == 1)
        {
            row[0] = random.NextInt(2);
        }
        else
        {
            row[random.NextInt(d.Outputs)] = 1f;
        }
    }

    var data = new LabeledData(inputs, targets);
    var model = T.Create(7);
    using var trainer = new Trainer<T>(model, threads);
    var history = trainer.Fit(data, data.SliceRows(0, rows / 4), new FitOptions { Epochs = 2, BatchSize = batch, Seed = 3 });
    ulong hash = 14695981039346656037UL;
    void Add(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
    }

    Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Parameters.AsSpan()));
    Add(System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.State.AsSpan()));
    foreach (string key in history.Keys)
    {
        foreach (double value in history[key])
        {
            Add(BitConverter.GetBytes(value));
        }
    }

    Console.WriteLine($"{name}/batch-{batch} {hash:x16}");
}

[Sequential(20, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.02, Metrics = Metric.Accuracy)]
[Dense(24, Activation.Tanh)]
[Dense(12, Activation.Sigmoid)]
[Dense(3, Activation.Softmax)]
internal sealed partial class TanhSoftmaxSgd;

[Sequential(40, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(70, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
internal sealed partial class SigmoidAdam;

[Sequential(30, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
[Dense(130, Activation.Relu)]
[Dense(65, Activation.Tanh)]
[Dense(2)]
internal sealed partial class WideRmsProp;

[Sequential(1000, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Relu)]
[Dense(16, Activation.Relu)]
[Dense(5, Activation.Softmax)]
internal sealed partial class TextRmsProp;

[Sequential(12, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(40)]
[BatchNormalization(Activation.Relu)]
[Dense(24, Activation.Relu)]
[BatchNormalization]
[Dense(4, Activation.Softmax)]
internal sealed partial class BatchNormMlp;

[Sequential(16, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
[Dense(36)]
[LayerNormalization(Activation.Tanh)]
[Dense(20, Activation.Relu)]
[LayerNormalization]
[Dense(2)]
internal sealed partial class LayerNormMlp;

[Sequential(24, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Embedding(500, 16, MaskZero = true)]
[GlobalAveragePooling1D]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
internal sealed partial class EmbeddingRmsProp;
