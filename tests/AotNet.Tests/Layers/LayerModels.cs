namespace AotNet.Tests.Layers;

// The models of tests/AotNet.Tests/Reference/torch_layers.py's cases (one per case, the same topology and recipe).
[Sequential(4, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 1e-3)]
[Normalization]
[Dense(8, Activation.Relu)]
[Dense(1)]
public sealed partial class NormalizationMlp;

[Sequential(5, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 1e-2)]
[Dense(8)]
[BatchNormalization(Activation.Relu)]
[Dense(3, Activation.Softmax)]
public sealed partial class BatchNormBeforeRelu;

[Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 1e-2)]
[Dense(8, Activation.Relu)]
[BatchNormalization]
[Dense(1, Activation.Sigmoid)]
public sealed partial class BatchNormAfterRelu;

[Sequential(3, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 1e-2)]
[Dense(4)]
[BatchNormalization(Activation.Relu)]
[Dense(1)]
public sealed partial class BatchNormBatchOfOne;

[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 1e-3)]
[Dense(6)]
[BatchNormalization(Activation.Tanh)]
[Dense(2, Activation.Softmax)]
public sealed partial class BatchNormChunks;

[Sequential(5, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 1e-2, Momentum = 0.9)]
[Dense(8)]
[LayerNormalization(Activation.Relu)]
[Dense(8, Activation.Tanh)]
[LayerNormalization]
[Dense(1)]
public sealed partial class LayerNormMlp;

[Sequential(4, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 1e-3)]
[Normalization]
[Dense(16, Activation.Relu)]
[BatchNormalization]
[Dense(8)]
[LayerNormalization(Activation.Relu)]
[Dense(2, Activation.Softmax)]
public sealed partial class AllThree;

// Wide enough that rows × parameters reaches ChunkScheduler.TileThreshold from batch 32: with two or more threads the
// workers split its whole-batch passes by rows and units (the phases of BatchPass).
[Sequential(1024, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 1e-3)]
[Dense(256)]
[BatchNormalization(Activation.Relu)]
[Dense(64, Activation.Relu)]
[LayerNormalization(Activation.Tanh)]
[Dense(40)]
[BatchNormalization(Activation.Sigmoid)]
[Dense(3, Activation.Softmax)]
public sealed partial class WideNorms;
