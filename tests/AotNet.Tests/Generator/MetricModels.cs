using AotNet;

namespace AotNet.Tests.Generator.Models
{
    /// <summary>Every metric on a binary classifier (dense inputs): the fused one-row step, chunks over the workers.</summary>
    [Sequential(12, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01,
        Metrics = Metric.Accuracy | Metric.MeanAbsoluteError | Metric.MeanSquaredError | Metric.Auc | Metric.Precision | Metric.Recall)]
    [Dense(16, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class AllMetricsNet;

    /// <summary>Wide enough (≥ 8M rows × parameters at 256 rows) for one chunk to be split into tiles over the workers; Adam.</summary>
    [Sequential(128, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam,
        Metrics = Metric.Auc | Metric.Recall | Metric.Accuracy)]
    [Dense(256, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class WideMetricsNet;

    /// <summary>Multi-hot inputs (the row-wise first-kernel step) with the threshold metrics.</summary>
    [Sequential(300, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Precision | Metric.Auc | Metric.MeanSquaredError)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class SparseMetricsNet;

    /// <summary>Several classes: accuracy (argmax), MAE and MSE over the softmax outputs.</summary>
    [Sequential(10, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01,
        Metrics = Metric.Accuracy | Metric.MeanAbsoluteError | Metric.MeanSquaredError)]
    [Dense(8, Activation.Tanh)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class CategoricalMetricsNet;

    /// <summary>Regression with both error metrics (what AOTNET022 used to warn about: now both are computed).</summary>
    [Sequential(6, Loss = Loss.Huber, Optimizer = Optimizer.Sgd, LearningRate = 0.05, Metrics = Metric.MeanAbsoluteError | Metric.MeanSquaredError)]
    [Dense(5, Activation.Gelu)]
    [Dense(2)]
    public sealed partial class RegressionMetricsNet;
}
