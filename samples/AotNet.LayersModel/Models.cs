using AotNet;

/// <summary>Handwritten digits (sklearn's 8×8 images, 64 pixels 0–16): each hidden Dense batch-normalised before its relu.</summary>
[Sequential(64, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(64)]
[BatchNormalization(Activation.Relu)]
[Dense(32)]
[BatchNormalization(Activation.Relu)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsBatchNormNet;

/// <summary>The same digits through layer normalisation: before a tanh, and after a relu.</summary>
[Sequential(64, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(64)]
[LayerNormalization(Activation.Tanh)]
[Dense(32, Activation.Relu)]
[LayerNormalization]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsLayerNormNet;

/// <summary>
/// IMDB reviews as a bag of embeddings: 200 word ids (pre-padded with 0) → Embedding(5000, 24), padding masked →
/// their average → one sigmoid unit (a logistic regression over learned word vectors).
/// </summary>
[Sequential(200, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.005, Metrics = Metric.Accuracy)]
[Embedding(5000, 24, MaskZero = true)]
[GlobalAveragePooling1D]
[Dense(1, Activation.Sigmoid)]
public sealed partial class ImdbBagNet;
