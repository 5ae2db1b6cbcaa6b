namespace AotNet.Training;

/// <summary>One dense layer of a generated model and where its tensors sit in the parameter block.</summary>
public sealed record LayerDescription(int Index, int Inputs, int Units, Activation Activation, int KernelOffset, int BiasOffset)
{
    public string KernelName => $"dense_{Index}.kernel";

    public string BiasName => $"dense_{Index}.bias";

    public int KernelLength => Inputs * Units;

    /// <summary>Rate of the <see cref="DropoutAttribute"/> applied to this layer's outputs in training (0 = none).</summary>
    public double DropoutRate { get; init; }

    /// <summary>The slope below 0 of a <see cref="Activation.LeakyRelu"/> layer.</summary>
    public double NegativeSlope { get; init; } = 0.2;

    /// <summary>L1 factor of the kernel regulariser (Keras's <c>L1L2.l1</c>; 0 = none).</summary>
    public double KernelL1 { get; init; }

    /// <summary>L2 factor of the kernel regulariser.</summary>
    public double KernelL2 { get; init; }

    /// <summary>L1 factor of the bias regulariser.</summary>
    public double BiasL1 { get; init; }

    /// <summary>L2 factor of the bias regulariser.</summary>
    public double BiasL2 { get; init; }

    /// <summary>
    /// The <see cref="BatchNormalizationAttribute"/> or <see cref="LayerNormalizationAttribute"/> after this layer, by the
    /// prefix of its saved tensors (<c>batch_normalization_0</c>, <c>layer_normalization_1</c>, …), or null when none.
    /// </summary>
    public string? NormalizationName { get; init; }

    /// <summary>Keras's <c>epsilon</c> of <see cref="NormalizationName"/>'s layer (added to the variance; 1e-3 by default).</summary>
    public double NormalizationEpsilon { get; init; } = 1e-3;

    /// <summary>Keras's <c>momentum</c> of a BatchNormalization layer's moving statistics (0.99 by default).</summary>
    public double NormalizationMomentum { get; init; } = 0.99;

    /// <summary>The activation that follows <see cref="NormalizationName"/>'s layer (Linear when none).</summary>
    public Activation NormalizationActivation { get; init; }

    /// <summary>Whether any regulariser applies to this layer.</summary>
    public bool IsRegularized => KernelL1 != 0 || KernelL2 != 0 || BiasL1 != 0 || BiasL2 != 0;
}

/// <summary>One saved tensor of a model: its name, shape and place in the parameter block (or, for non-trainable state, the state block).</summary>
/// <param name="Name">e.g. <c>dense_0.kernel</c>, <c>normalization.mean</c>.</param>
/// <param name="Shape">Keras's shape of the variable.</param>
/// <param name="Offset">Offset of its first float in its block.</param>
/// <param name="IsState">Whether it lives in the state block (non-trainable: never stepped by the optimizer).</param>
public sealed record WeightTensor(string Name, int[] Shape, int Offset, bool IsState = false)
{
    /// <summary>Floats in the tensor.</summary>
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>What a generated model is: its topology, loss, optimizer and the layout of its parameter block.</summary>
public sealed record ModelDescription(
    string Name,
    int Inputs,
    IReadOnlyList<LayerDescription> Layers,
    Loss Loss,
    Optimizer Optimizer,
    double LearningRate,
    Metric Metrics,
    int ParameterCount)
{
    /// <summary>Keras's optimizer <c>weight_decay</c> (0 = none; AdamW's default 0.004 unless declared).</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Floats in the model's non-trainable state block (<see cref="IModel{TSelf}.State"/>: a Normalization layer's mean and
    /// variance, …); 0 when the model has none.
    /// </summary>
    public int StateCount { get; init; }

    /// <summary>
    /// Every weight tensor in Keras's order, as saved and loaded: trainable tensors in the parameter block and
    /// non-trainable ones in the state block. By default the dense layers' kernels and biases.
    /// </summary>
    public IReadOnlyList<WeightTensor> Tensors
    {
        get => _tensors ?? [.. Layers.SelectMany(l => new[]
        {
            new WeightTensor(l.KernelName, [l.Inputs, l.Units], l.KernelOffset),
            new WeightTensor(l.BiasName, [l.Units], l.BiasOffset),
        })];
        init => _tensors = value;
    }

    private readonly IReadOnlyList<WeightTensor>? _tensors;

    public int Outputs => Layers[^1].Units;

    /// <summary>Columns of a target row: 1 (the class index) under sparse categorical cross-entropy, else <see cref="Outputs"/>.</summary>
    public int TargetCount => Loss == Loss.SparseCategoricalCrossentropy ? 1 : Outputs;

    /// <summary>The Keras history keys of the declared metrics, in <see cref="Metric"/>'s order (e.g. "accuracy", "auc").</summary>
    public IReadOnlyList<string> MetricNames => MetricValues.Names(Metrics);

    /// <summary>The first of <see cref="MetricNames"/> ("accuracy", "mae", …), or null when the model declares none.</summary>
    public string? MetricName => MetricNames.Count > 0 ? MetricNames[0] : null;

    /// <summary>Counters a workspace keeps for the metrics (the AUC buckets), 0 when none.</summary>
    public int MetricCounterCount => (Metrics & Metric.Auc) != 0 ? MetricValues.AucCounterCount : 0;

    /// <summary>e.g. "10000 → 16 relu → 16 relu → 1 sigmoid" (with "→ normalization", "→ batch_normalization relu", … where declared).</summary>
    public string Topology =>
        Inputs.ToString(System.Globalization.CultureInfo.InvariantCulture) + (Tensors.Any(t => t.Name == "normalization.mean") ? " → normalization" : string.Empty) + string.Concat(
            Layers.Select(l => $" → {l.Units} {l.Activation.ToString().ToLowerInvariant()}" + (l.DropoutRate > 0 ? $" → dropout {l.DropoutRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty) + NormTopology(l)));

    private static string NormTopology(LayerDescription l) => l.NormalizationName is not { } name ? string.Empty
        : " → " + (name.StartsWith("batch_", StringComparison.Ordinal) ? "batch_normalization" : "layer_normalization") + (l.NormalizationActivation == Activation.Linear ? string.Empty : " " + l.NormalizationActivation.ToString().ToLowerInvariant());
}
