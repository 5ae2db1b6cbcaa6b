using AotNet;

/// <summary>A model in the global namespace, internal and sealed.</summary>
[Sequential(8, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Tanh)]
[Dense(16, Activation.Relu)]
[Dense(3, Activation.Softmax)]
internal sealed partial class GlobalNamespaceNet;
