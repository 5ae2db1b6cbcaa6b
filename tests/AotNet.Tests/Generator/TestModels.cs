using AotNet;

namespace AotNet.Tests.Generator.Models
{
    /// <summary>The IMDB model of the tutorial.</summary>
    [Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu)]
    [Dense(16, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public partial class ImdbNet;

    /// <summary>The Boston housing model of the tutorial.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public partial class BostonNet;

    /// <summary>Odd sizes, binary output, RMSprop with the legacy epsilon.</summary>
    [Sequential(37, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy, LegacyEpsilon = true, LearningRate = 0.01)]
    [Dense(17, Activation.Relu)]
    [Dense(3, Activation.Tanh)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class OddBinaryNet;

    /// <summary>Softmax output with categorical cross-entropy and Adam.</summary>
    [Sequential(33, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy, LearningRate = 0.005)]
    [Dense(33, Activation.Tanh)]
    [Dense(17, Activation.Sigmoid)]
    [Dense(5, Activation.Softmax)]
    internal partial class SoftmaxAdamNet;

    /// <summary>Sigmoid outputs under MSE with SGD momentum (multi-output regression of squashed values).</summary>
#pragma warning disable AOTNET007 // deliberate: exercises the sigmoid backward under MSE
    [Sequential(5, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.05, Metrics = Metric.MeanAbsoluteError)]
    [Dense(9, Activation.Relu)]
    [Dense(3, Activation.Sigmoid)]
    public partial class SigmoidMseMomentumNet;

    /// <summary>Softmax output under MSE (softmax Jacobian) with plain SGD and categorical accuracy.</summary>
    [Sequential(6, Optimizer = Optimizer.Sgd, Metrics = Metric.Accuracy)]
    [Dense(33, Activation.Linear)]
    [Dense(3, Activation.Softmax)]
    public partial class SoftmaxMseSgdNet;
#pragma warning restore AOTNET007

    /// <summary>A multi-hot classifier whose first layer is 40 wide (2 x 16 + 8 columns): the row-wise first-kernel step's block paths.</summary>
    [Sequential(500, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy, LearningRate = 0.01)]
    [Dense(40, Activation.Relu)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class WideSparseNet;

    /// <summary>Wide enough for every strategy: units split into tiles (80, 72 ≥ 64), a tanh layer, Adam, softmax.</summary>
    [Sequential(96, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
    [Dense(80, Activation.Relu)]
    [Dense(72, Activation.Tanh)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class WideAdamNet;

    /// <summary>A regression net with a wide relu layer under RMSprop (the fused one-row step and the tiled path).</summary>
    [Sequential(30, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
    [Dense(130, Activation.Relu)]
    [Dense(65, Activation.Relu)]
    [Dense(2)]
    public sealed partial class WideRmsNet;

    /// <summary>The smallest model: one linear unit on one input, Adam.</summary>
    [Sequential(1, Optimizer = Optimizer.Adam)]
    [Dense(1)]
    public partial record TinyNet;
}
