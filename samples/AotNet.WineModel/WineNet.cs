using AotNet;

/// <summary>
/// Three Italian wine cultivars from 13 chemical measurements (sklearn's wine data): raw features in very different
/// units (hue ~1, proline ~750) → Keras's Normalization, adapted on the training rows by fit and saved with the
/// weights (normalization.mean, normalization.variance), so predict takes raw measurements → 16 relu → 3 softmax.
/// </summary>
[Sequential(13, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
[Normalization]
[Dense(16, Activation.Relu)]
[Dense(3, Activation.Softmax)]
public sealed partial class WineNet;
