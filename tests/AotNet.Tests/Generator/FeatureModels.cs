using AotNet;

namespace AotNet.Tests.Generator.Models
{
    /// <summary>Dropout after a wide relu layer and after a tanh layer (units split into tiles: 80, 72 ≥ 64), RMSprop.</summary>
    [Sequential(96, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(80, Activation.Relu)]
    [Dropout(0.5)]
    [Dense(72, Activation.Tanh)]
    [Dropout(0.25)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class DropoutNet;

    /// <summary>Dropout after a sigmoid layer (its backward needs the undropped outputs), Adam, regression.</summary>
    [Sequential(20, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, Metrics = Metric.MeanAbsoluteError, LearningRate = 0.01)]
    [Dense(12, Activation.Sigmoid)]
    [Dropout(0.4)]
    [Dense(3)]
    public sealed partial class DropoutAdamNet;

    /// <summary>A multi-hot classifier with dropout after its first layer: the row-wise first-kernel RMSprop step.</summary>
    [Sequential(500, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy, LearningRate = 0.01)]
    [Dense(40, Activation.Relu)]
    [Dropout(0.3)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class DropoutSparseNet;
}
