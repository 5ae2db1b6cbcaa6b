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
