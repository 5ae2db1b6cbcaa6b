// Shared with the generator (linked into src/Generator, compiled there as internal with AOTNET_GENERATOR): the
// generator reads the attribute's values as these enums, so the two can never disagree on a name or a value.
namespace AotNet;

/// <summary>Activation applied after a <see cref="DenseAttribute"/> layer's affine map.</summary>
#if AOTNET_GENERATOR
internal
#else
public
#endif
enum Activation
{
    Linear = 0,
    Relu = 1,
    Sigmoid = 2,
    Softmax = 3,
    Tanh = 4,

    /// <summary>Keras's <c>gelu</c> with its default <c>approximate=False</c>: the exact erf form <c>0.5 x (1 + erf(x / √2))</c>.</summary>
    Gelu = 5,

    /// <summary>Keras's <c>elu</c> (alpha 1): <c>x &gt; 0 ? x : e^x − 1</c>.</summary>
    Elu = 6,

    /// <summary>Keras's <c>selu</c>: <c>1.0507010 · (x &gt; 0 ? x : 1.6732632 (e^x − 1))</c>.</summary>
    Selu = 7,

    /// <summary>Keras's <c>leaky_relu</c>: <c>x &gt; 0 ? x : slope · x</c>, slope <see cref="DenseAttribute.NegativeSlope"/> (Keras's default 0.2).</summary>
    LeakyRelu = 8,

    /// <summary>Keras's <c>softplus</c>: <c>log(1 + e^x)</c>.</summary>
    Softplus = 9,

    /// <summary>Keras's <c>silu</c> (also <c>swish</c>): <c>x · sigmoid(x)</c>.</summary>
    Silu = 10,
}

/// <summary>Training loss. The cross-entropies are fused with their sigmoid/softmax and computed from logits.</summary>
#if AOTNET_GENERATOR
internal
#else
public
#endif
enum Loss
{
    MeanSquaredError = 0,
    BinaryCrossentropy = 1,
    CategoricalCrossentropy = 2,

    /// <summary>Categorical cross-entropy with integer labels: the targets have one column holding the class index (no one-hot matrix).</summary>
    SparseCategoricalCrossentropy = 3,

    /// <summary>Keras's <c>mean_absolute_error</c> as the training loss.</summary>
    MeanAbsoluteError = 4,

    /// <summary>Keras's <c>Huber</c> loss with its default delta 1.0: <c>e²/2</c> for |e| ≤ 1, <c>|e| − 1/2</c> beyond.</summary>
    Huber = 5,
}

/// <summary>Optimizer, with Keras 3 default hyper-parameters.</summary>
#if AOTNET_GENERATOR
internal
#else
public
#endif
enum Optimizer
{
    RmsProp = 0,
    Adam = 1,
    Sgd = 2,

    /// <summary>Keras 3's <c>AdamW</c>: Adam with decoupled weight decay, <see cref="SequentialAttribute.WeightDecay"/> 0.004 unless given.</summary>
    AdamW = 3,
}

/// <summary>
/// Metrics reported next to the loss, combined with <c>|</c> (Keras's <c>metrics=[…]</c>); each goes into
/// <see cref="Training.History"/> under its Keras name, in this enum's order: <c>accuracy</c>, <c>mae</c>, <c>mse</c>,
/// <c>auc</c>, <c>precision</c>, <c>recall</c> (and <c>val_…</c> with validation data). As in Keras 3, metrics ignore
/// sample weights. Over an epoch they accumulate over every batch (the weights change between batches), as Keras's
/// stateful metrics do.
/// </summary>
[System.Flags]
#if AOTNET_GENERATOR
internal
#else
public
#endif
enum Metric
{
    None = 0,

    /// <summary>Keras's <c>"accuracy"</c>: binary (<c>p &gt; 0.5</c>) for one unit, sparse categorical under sparse cross-entropy, else categorical (argmax).</summary>
    Accuracy = 1,

    /// <summary>Keras's <c>"mae"</c>: the mean over rows of <c>mean_j |p_j − y_j|</c>.</summary>
    MeanAbsoluteError = 2,

    /// <summary>Keras's <c>"mse"</c>: the mean over rows of <c>mean_j (p_j − y_j)²</c>.</summary>
    MeanSquaredError = 4,

    /// <summary>Keras's <c>AUC()</c> (one output unit): area under the ROC curve from 200 evenly spaced thresholds, interpolated.</summary>
    Auc = 8,

    /// <summary>Keras's <c>Precision()</c> (one output unit): <c>TP / (TP + FP)</c> at threshold 0.5 (<c>p &gt; 0.5</c>; a target ≠ 0 is positive), 0 when nothing is predicted positive.</summary>
    Precision = 16,

    /// <summary>Keras's <c>Recall()</c> (one output unit): <c>TP / (TP + FN)</c> at threshold 0.5, 0 when there is no positive target.</summary>
    Recall = 32,
}

/// <summary>
/// The normalisation layer declared after a <see cref="DenseAttribute"/> layer: none, <see cref="BatchNormalizationAttribute"/>
/// or <see cref="LayerNormalizationAttribute"/> (the generator's layer spec; the runtime's saved names follow it).
/// </summary>
internal enum NormKind
{
    None = 0,
    Batch = 1,
    Layer = 2,
}
