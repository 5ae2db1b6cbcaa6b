using AotNet;

/// <summary>
/// Fisher's iris flowers: 4 measurements (cm) → 16 relu → 3 softmax, one per species. The labels are the species'
/// names; the host numbers them in sorted order and keeps the names with the weights.
/// </summary>
[Sequential(4, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
[Dense(16, Activation.Relu)]
[Dense(3, Activation.Softmax)]
public sealed partial class IrisNet;
