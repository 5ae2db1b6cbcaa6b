namespace AotNet.Bench;

/// <summary>The IMDB model of the tutorial: 10000 multi-hot inputs → 16 relu → 16 relu → 1 sigmoid.</summary>
[Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(16, Activation.Relu)]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public partial class ImdbNet;

/// <summary>The Boston housing model of the tutorial: 13 → 64 relu → 64 relu → 1, MSE, RMSprop.</summary>
[Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(1)]
public partial class BostonNet;

/// <summary>Reuters: multi-hot 10000 → 64 relu → 64 relu → 46 softmax.</summary>
[Sequential(10000, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(46, Activation.Softmax)]
public partial class ReutersNet;
