using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// A model with a preprocessing layer whose state comes from the training data (Keras's <c>adapt</c>), such as
/// <see cref="NormalizationAttribute"/>. <see cref="Trainer{TModel}.Fit"/> adapts such a model on its training rows before
/// the first epoch when <see cref="IsAdapted"/> is false.
/// </summary>
public interface IAdaptable
{
    /// <summary>
    /// Whether the state holds adapted (or loaded) statistics: false while it still holds Keras's initial values (mean 0,
    /// variance 1 for every feature).
    /// </summary>
    bool IsAdapted { get; }

    /// <summary>Computes the state from <paramref name="inputs"/> (every row), like Keras's <c>layer.adapt(x)</c>.</summary>
    void Adapt(Features inputs);
}
