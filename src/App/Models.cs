namespace AotNet.App;

// The seed's three models, declared as the tutorial declares them in Keras; the AotNet generator writes the rest.

/// <summary>IMDB: multi-hot 10000 → Dense(16, relu) → Dense(16, relu) → Dense(1, sigmoid); rmsprop, binary cross-entropy.</summary>
[Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(16, Activation.Relu)]
[Dense(16, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class ImdbNet;

/// <summary>Reuters: multi-hot 10000 → Dense(64, relu) → Dense(64, relu) → Dense(46, softmax); categorical cross-entropy.</summary>
[Sequential(10000, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(46, Activation.Softmax)]
public sealed partial class ReutersNet;

/// <summary>Boston housing: 13 normalised features → Dense(64, relu) → Dense(64, relu) → Dense(1); mse, mae.</summary>
[Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
[Dense(64, Activation.Relu)]
[Dense(64, Activation.Relu)]
[Dense(1)]
public sealed partial class BostonNet;
