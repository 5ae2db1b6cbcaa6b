namespace AotNet;

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
