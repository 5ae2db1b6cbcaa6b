using System.Linq;

namespace AotNet.Generator
{
    /// <summary>Mirror of AotNet.Activation (the generator does not reference the runtime).</summary>
    internal enum ActivationKind
    {
        Linear = 0,
        Relu = 1,
        Sigmoid = 2,
        Softmax = 3,
        Tanh = 4,
        Gelu = 5,
        Elu = 6,
        Selu = 7,
        LeakyRelu = 8,
        Softplus = 9,
        Silu = 10,
    }

    /// <summary>Mirror of AotNet.Loss.</summary>
    internal enum LossKind
    {
        MeanSquaredError = 0,
        BinaryCrossentropy = 1,
        CategoricalCrossentropy = 2,
        SparseCategoricalCrossentropy = 3,
        MeanAbsoluteError = 4,
        Huber = 5,
    }

    /// <summary>Mirror of AotNet.Optimizer.</summary>
    internal enum OptimizerKind
    {
        RmsProp = 0,
        Adam = 1,
        Sgd = 2,
        AdamW = 3,
    }

    /// <summary>Mirror of AotNet.Metric (flags).</summary>
    internal enum MetricFlags
    {
        None = 0,
        Accuracy = 1,
        MeanAbsoluteError = 2,
        MeanSquaredError = 4,
        Auc = 8,
        Precision = 16,
        Recall = 32,
    }

    /// <summary>The normalisation layer declared after a dense layer (Keras's BatchNormalization or LayerNormalization), if any.</summary>
    internal enum NormKind
    {
        None = 0,
        Batch = 1,
        Layer = 2,
    }

    /// <summary>One dense layer: units, activation, the dropout rate applied to its output (0 = none) and its L1/L2 factors.</summary>
    internal readonly record struct LayerSpec(
        int Units,
        ActivationKind Activation,
        double Dropout = 0,
        double KernelL1 = 0,
        double KernelL2 = 0,
        double BiasL1 = 0,
        double BiasL2 = 0,
        double NegativeSlope = 0.2,
        NormKind Norm = NormKind.None,
        ActivationKind NormActivation = ActivationKind.Linear,
        double NormMomentum = 0.99,
        double NormEpsilon = 1e-3)
    {
        /// <summary>Whether the activation is one of those whose forward and backward work from z (kept in a block of its own).</summary>
        public bool KeepsZ => Activation >= ActivationKind.Gelu;

        public bool IsRegularized => KernelL1 != 0 || KernelL2 != 0 || BiasL1 != 0 || BiasL2 != 0;
    }

    /// <summary>Everything the emitter needs, with value equality (no symbols, syntax or locations).</summary>
    /// <param name="Namespace">Containing namespace, or null for the global namespace.</param>
    /// <param name="ClassName">The partial class's name.</param>
    /// <param name="IsRecord">Whether the class is declared as a <c>record</c>.</param>
    /// <param name="Inputs">Input features.</param>
    /// <param name="Layers">Dense layers in declaration order.</param>
    /// <param name="Loss">Training loss.</param>
    /// <param name="Optimizer">Optimizer.</param>
    /// <param name="LearningRate">Effective learning rate (the Keras default when the attribute says 0).</param>
    /// <param name="Metrics">Declared metric flags.</param>
    /// <param name="LegacyEpsilon">RMSprop: legacy epsilon placement.</param>
    /// <param name="Momentum">SGD momentum.</param>
    /// <param name="WeightDecay">Keras's optimizer weight_decay (0 = none; AdamW's 0.004 when not declared).</param>
    internal sealed record ModelSpec(
        string? Namespace,
        string ClassName,
        bool IsRecord,
        int Inputs,
        EquatableArray<LayerSpec> Layers,
        LossKind Loss,
        OptimizerKind Optimizer,
        double LearningRate,
        MetricFlags Metrics,
        bool LegacyEpsilon,
        double Momentum,
        bool Nesterov = false,
        double ClipValue = 0,
        double ClipNorm = 0,
        double GlobalClipNorm = 0,
        double WeightDecay = 0,
        bool Normalization = false)
    {
        /// <summary>Whether a dense layer is followed by BatchNormalization or LayerNormalization (the whole-batch training path).</summary>
        public bool HasNorm => Layers.Any(l => l.Norm != NormKind.None);

        /// <summary>Whether the optimizer is Adam or AdamW (the same update; AdamW only defaults the weight decay).</summary>
        public bool IsAdam => Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW;
    }

    /// <summary>What the parser found for one annotated class: a model (null when there are errors) and diagnostics.</summary>
    internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
