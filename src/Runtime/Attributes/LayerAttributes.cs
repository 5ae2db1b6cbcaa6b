namespace AotNet;

/// <summary>
/// Keras's <c>Normalization()</c> preprocessing layer as the model's first layer (declared before every
/// <see cref="DenseAttribute"/>): each input feature becomes <c>(x − mean) / max(sqrt(variance), 1e-7)</c>. The mean and
/// the (biased) variance are the model's non-trainable state, <c>normalization.mean</c> and <c>normalization.variance</c>
/// (shape [inputs]), saved with the weights, so a saved model predicts from raw features. They start at 0 and 1 (the
/// identity) and are computed from the training rows by the generated model's <c>Adapt</c>, which
/// <see cref="Training.Trainer{TModel}.Fit"/> calls before the first epoch when it has not been done (Keras needs an
/// explicit <c>layer.adapt(x)</c>). Needs dense inputs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NormalizationAttribute : Attribute
{
}

/// <summary>
/// Keras 3's <c>BatchNormalization()</c> on the output of the <see cref="DenseAttribute"/> declared just before it (after
/// that layer's own activation), followed by <paramref name="activation"/> (Keras's <c>Activation(…)</c> layer; Linear =
/// none). So <c>[Dense(256)] [BatchNormalization(Activation.Relu)]</c> is Keras's <c>Dense(256) → BatchNormalization() →
/// Activation("relu")</c>, and <c>[Dense(256, Activation.Relu)] [BatchNormalization]</c> normalises after the relu.
/// Training normalises with the batch's mean and biased variance (the gradient goes through them) and updates the moving
/// statistics, <c>moving = moving · Momentum + batch · (1 − Momentum)</c>; evaluation and prediction use the moving
/// statistics. <c>gamma</c> (1) and <c>beta</c> (0) are trained by the model's optimizer; <c>moving_mean</c> (0) and
/// <c>moving_variance</c> (1) are non-trainable state. Saved as <c>batch_normalization_{k}.gamma</c>, <c>.beta</c>,
/// <c>.moving_mean</c>, <c>.moving_variance</c> (Keras's order; k counts the model's BatchNormalization layers from 0).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormalizationAttribute(Activation activation = Activation.Linear) : Attribute
{
    /// <summary>The activation applied after the normalisation (Linear, Relu, Sigmoid or Tanh).</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Keras's <c>momentum</c> of the moving statistics, in [0, 1).</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Keras's <c>epsilon</c>, added to the variance (Keras 3's default 1e-3).</summary>
    public double Epsilon { get; set; } = 1e-3;
}

/// <summary>
/// Keras 3's <c>LayerNormalization()</c> over the features of each row of the <see cref="DenseAttribute"/> declared just
/// before it (after its activation), followed by <paramref name="activation"/>: <c>γ · (x − mean) / sqrt(variance + ε) + β</c>
/// with the row's mean and biased variance, the same in training and prediction. <c>gamma</c> (1) and <c>beta</c> (0) are
/// trained; saved as <c>layer_normalization_{k}.gamma</c>, <c>.beta</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormalizationAttribute(Activation activation = Activation.Linear) : Attribute
{
    /// <summary>The activation applied after the normalisation (Linear, Relu, Sigmoid or Tanh).</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Keras's <c>epsilon</c> (Keras 3's default 1e-3).</summary>
    public double Epsilon { get; set; } = 1e-3;
}
