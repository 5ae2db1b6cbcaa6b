namespace AotNet;

/// <summary>Activation applied after a <see cref="DenseAttribute"/> layer's affine map.</summary>
public enum Activation
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
public enum Loss
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
public enum Optimizer
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
[Flags]
public enum Metric
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
/// Declares a sequential model on a <c>partial</c> class. The AotNet source generator turns the class and its
/// <see cref="DenseAttribute"/> layers (in declaration order) into specialised training code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SequentialAttribute(int inputs) : Attribute
{
    /// <summary>Number of input features.</summary>
    public int Inputs { get; } = inputs;

    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    public Optimizer Optimizer { get; set; } = Optimizer.RmsProp;

    /// <summary>Learning rate; 0 means the optimizer's Keras default (RMSprop 1e-3, Adam and AdamW 1e-3, SGD 1e-2).</summary>
    public double LearningRate { get; set; }

    public Metric Metrics { get; set; } = Metric.None;

    /// <summary>RMSprop only: use the legacy tf.keras update <c>lr*g/(sqrt(v)+eps)</c> instead of Keras 3's <c>lr*g/sqrt(v+eps)</c>.</summary>
    public bool LegacyEpsilon { get; set; }

    /// <summary>SGD only: momentum (0 = plain SGD).</summary>
    public double Momentum { get; set; }

    /// <summary>SGD only: Keras's <c>nesterov=True</c> (<c>v = μv − lr·g; w += μv − lr·g</c>); with Momentum 0 it is plain SGD.</summary>
    public bool Nesterov { get; set; }

    /// <summary>Keras's optimizer <c>clipvalue</c>: each gradient element clipped to [−ClipValue, ClipValue] (0 = off).</summary>
    public double ClipValue { get; set; }

    /// <summary>Keras's optimizer <c>clipnorm</c>: each variable's gradient (a kernel, a bias) scaled to an L2 norm of at most ClipNorm (0 = off).</summary>
    public double ClipNorm { get; set; }

    /// <summary>Keras's optimizer <c>global_clipnorm</c>: all gradients scaled together to a global L2 norm of at most GlobalClipNorm (0 = off).</summary>
    public double GlobalClipNorm { get; set; }

    /// <summary>
    /// Keras 3's optimizer <c>weight_decay</c>, for every optimizer: before each update every kernel and bias becomes
    /// <c>w − w · WeightDecay · lr</c> (after clipping, with the step's learning rate). 0 = off; AdamW's default 0.004
    /// when not given.
    /// </summary>
    public double WeightDecay { get; set; }
}

/// <summary>A fully connected layer: <c>activation(x · kernel + bias)</c>, kernel stored [in, out].</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Linear) : Attribute
{
    public int Units { get; } = units;

    public Activation Activation { get; } = activation;

    /// <summary>Activation.LeakyRelu only: the slope below 0 (Keras's <c>negative_slope</c>, default 0.2).</summary>
    public double NegativeSlope { get; set; } = 0.2;

    /// <summary>Keras's <c>kernel_regularizer=L1L2(l1=…)</c>: <c>KernelL1 · Σ|kernel|</c> is added to the loss (and its gradient to the step).</summary>
    public double KernelL1 { get; set; }

    /// <summary>Keras's <c>kernel_regularizer=L2(…)</c>: <c>KernelL2 · Σ kernel²</c> is added to the loss (and its gradient to the step).</summary>
    public double KernelL2 { get; set; }

    /// <summary>Keras's <c>bias_regularizer=L1L2(l1=…)</c>: <c>BiasL1 · Σ|bias|</c>.</summary>
    public double BiasL1 { get; set; }

    /// <summary>Keras's <c>bias_regularizer=L2(…)</c>: <c>BiasL2 · Σ bias²</c>.</summary>
    public double BiasL2 { get; set; }
}

/// <summary>
/// Keras's <c>Dropout(rate)</c> on the output of the <see cref="DenseAttribute"/> declared just before it: while training,
/// each unit of each row is zeroed with probability <see cref="Rate"/> and the kept ones are scaled by
/// <c>1 / (1 − rate)</c> (inverted dropout); evaluation and prediction pass the activations through unchanged.
/// Masks come from a counter-based hash of (seed, epoch, step, data-set row, unit), so they depend on neither the
/// thread count nor the vector width. Allowed between two Dense layers only.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(double rate) : Attribute
{
    /// <summary>Fraction of units dropped, in [0, 1).</summary>
    public double Rate { get; } = rate;
}
