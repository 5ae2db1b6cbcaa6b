namespace AotNet.Bench.Grid;

// The benchmark grid's topologies, declared with the public attributes as a user would. The optimizers are Keras 3
// defaults (RMSprop and Adam lr 1e-3, SGD lr 1e-2 without momentum); bench/peers/torch_grid.py builds the same models.

/// <summary>784 → 512 relu → 512 relu → 10 softmax, categorical cross-entropy, Adam (an MNIST-shaped MLP).</summary>
[Sequential(784, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(512, Activation.Relu)]
[Dense(512, Activation.Relu)]
[Dense(10, Activation.Softmax)]
public sealed partial class Mlp784Net;

/// <summary>256 → 128 relu → 128 relu → 10 softmax, categorical cross-entropy, RMSprop.</summary>
[Sequential(256, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(128, Activation.Relu)]
[Dense(128, Activation.Relu)]
[Dense(10, Activation.Softmax)]
public sealed partial class Mlp256Net;

/// <summary>2000 dense inputs → 256 relu → 1 sigmoid, binary cross-entropy, SGD (a wide single hidden layer).</summary>
[Sequential(2000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Sgd, Metrics = Metric.Accuracy)]
[Dense(256, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class Wide2000Net;

/// <summary>30 → 32 relu → 16 relu → 2 softmax, categorical cross-entropy, Adam (breast-cancer-shaped tabular data).</summary>
[Sequential(30, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Relu)]
[Dense(16, Activation.Relu)]
[Dense(2, Activation.Softmax)]
public sealed partial class Tabular30Net;

/// <summary>The seed's IMDB model: 10000 multi-hot → 16 relu → 16 relu → 1 sigmoid, binary cross-entropy, RMSprop.</summary>
[Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(16, Activation.Relu)]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class GridImdbNet;

/// <summary>The seed's Reuters model: 10000 multi-hot → 64 relu → 64 relu → 46 softmax, categorical cross-entropy, RMSprop.</summary>
[Sequential(10000, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(46, Activation.Softmax)]
public sealed partial class GridReutersNet;

/// <summary>The seed's Boston housing model: 13 → 64 relu → 64 relu → 1, mean squared error, RMSprop.</summary>
[Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(1)]
public sealed partial class GridBostonNet;

/// <summary>
/// 784 → 256 BatchNormalization relu → 256 BatchNormalization relu → 10 softmax, categorical cross-entropy, Adam (Keras 3
/// BatchNormalization after the Dense and before its activation: momentum 0.99, epsilon 1e-3).
/// </summary>
[Sequential(784, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(256)]
[BatchNormalization(Activation.Relu)]
[Dense(256)]
[BatchNormalization(Activation.Relu)]
[Dense(10, Activation.Softmax)]
public sealed partial class GridBatchNormNet;

/// <summary>
/// IMDB with an Embedding: 256 token ids → Embedding(10000, 16, mask_zero) → GlobalAveragePooling1D (masked mean) →
/// 16 relu → 1 sigmoid, binary cross-entropy, RMSprop.
/// </summary>
[Sequential(256, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Embedding(10000, 16, MaskZero = true)]
[GlobalAveragePooling1D]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class GridEmbeddingNet;
