using System.Linq;

namespace AotNet.Generator
{
    /// <summary>One dense layer: units, activation, the dropout rate applied to its output (0 = none) and its L1/L2 factors.</summary>
    internal readonly record struct LayerSpec(
        int Units,
        Activation Activation,
        double Dropout = 0,
        double KernelL1 = 0,
        double KernelL2 = 0,
        double BiasL1 = 0,
        double BiasL2 = 0,
        double NegativeSlope = 0.2,
        NormKind Norm = NormKind.None,
        Activation NormActivation = Activation.Linear,
        double NormMomentum = 0.99,
        double NormEpsilon = 1e-3)
    {
        /// <summary>Whether the activation is one of those whose forward and backward work from z (kept in a block of its own).</summary>
        public bool KeepsZ => Activation >= Activation.Gelu;

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
    /// <param name="Normalization">Whether [Normalization] (Keras's input preprocessing layer) comes first.</param>
    internal sealed record ModelSpec(
        string? Namespace,
        string ClassName,
        bool IsRecord,
        int Inputs,
        EquatableArray<LayerSpec> Layers,
        Loss Loss,
        Optimizer Optimizer,
        double LearningRate,
        Metric Metrics,
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
        public bool IsAdam => Optimizer is Optimizer.Adam or Optimizer.AdamW;
    }

    /// <summary>What the parser found for one annotated class: a model (null when there are errors) and diagnostics.</summary>
    internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
