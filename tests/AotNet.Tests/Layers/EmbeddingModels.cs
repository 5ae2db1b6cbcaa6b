namespace AotNet.Tests.Layers;

// The models of tests/AotNet.Tests/Reference/torch_embedding.py's cases (one per case, the same topology and recipe).
[Sequential(12, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 1e-2, Metrics = Metric.Accuracy)]
[Embedding(50, 4, MaskZero = true)]
[GlobalAveragePooling1D]
[Dense(8, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class EmbeddingMasked;

[Sequential(10, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 1e-2)]
[Embedding(30, 6)]
[GlobalAveragePooling1D]
[Dense(3, Activation.Softmax)]
public sealed partial class EmbeddingUnmasked;

// 600 rows: three chunks of the summation contract, for the bits across thread counts.
[Sequential(16, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 1e-3)]
[Embedding(200, 8, MaskZero = true)]
[GlobalAveragePooling1D]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class EmbeddingChunks;
