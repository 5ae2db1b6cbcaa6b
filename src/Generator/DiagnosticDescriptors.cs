using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    /// <summary>Every diagnostic the AotNet generator reports (listed in AnalyzerReleases.Unshipped.md).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "AotNet";

        public static readonly DiagnosticDescriptor NotPartial = Error(
            "AOTNET001",
            "Model class must be partial",
            "Class '{0}' has [Sequential] but is not partial: declare it 'partial' so that the generator can add the model code");

        public static readonly DiagnosticDescriptor NoLayers = Error(
            "AOTNET002",
            "Model has no Dense layer",
            "Model '{0}' declares no layer: add at least one [Dense(units, activation)] attribute after [Sequential]");

        public static readonly DiagnosticDescriptor UnitsNotPositive = Error(
            "AOTNET003",
            "Dense units must be positive",
            "Layer dense_{0} has {1} units: a Dense layer needs at least 1 unit");

        public static readonly DiagnosticDescriptor InputsNotPositive = Error(
            "AOTNET004",
            "Model inputs must be positive",
            "Model '{0}' declares {1} inputs: [Sequential(inputs)] needs at least 1 input feature");

        public static readonly DiagnosticDescriptor BinaryCrossentropyNeedsSigmoid = Error(
            "AOTNET005",
            "Binary cross-entropy needs one sigmoid unit",
            "Loss.BinaryCrossentropy needs a last layer of exactly 1 unit with Activation.Sigmoid, but the last layer is {0} {1}: use [Dense(1, Activation.Sigmoid)]");

        public static readonly DiagnosticDescriptor CategoricalCrossentropyNeedsSoftmax = Error(
            "AOTNET006",
            "Categorical cross-entropy needs a softmax output",
            "Loss.CategoricalCrossentropy needs a last layer with Activation.Softmax and at least 2 units, but the last layer is {0} {1}");

        public static readonly DiagnosticDescriptor SquashedOutputUnderMeanSquaredError = new(
            "AOTNET007",
            "Sigmoid or softmax output trained with mean squared error",
            "The last layer uses Activation.{0} under Loss.MeanSquaredError: gradients vanish when the output saturates; use Loss.{1} for classification, or a linear output for regression",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NestedOrGeneric = Error(
            "AOTNET008",
            "Nested or generic model classes are not supported",
            "Class '{0}' is {1}: declare the model as a non-generic top-level class");

        public static readonly DiagnosticDescriptor HiddenSoftmax = Error(
            "AOTNET009",
            "Softmax is only supported on the last layer",
            "Layer dense_{0} is hidden and uses Activation.Softmax: softmax is only supported on the output layer; use Relu, Tanh, Sigmoid or Linear here");

        public static readonly DiagnosticDescriptor StaticOrAbstract = Error(
            "AOTNET010",
            "Model class must be instantiable",
            "Class '{0}' is {1}: a model class must be a non-static, non-abstract class so that Create(seed) can construct it");

        public static readonly DiagnosticDescriptor InvalidLearningRate = Error(
            "AOTNET011",
            "Invalid learning rate",
            "LearningRate = {0} is invalid: use a finite positive value, or 0 for the optimizer's Keras default");

        public static readonly DiagnosticDescriptor InvalidMomentum = Error(
            "AOTNET012",
            "Invalid momentum",
            "Momentum = {0} is invalid: SGD momentum must be in [0, 1)");

        public static readonly DiagnosticDescriptor IgnoredOption = new(
            "AOTNET013",
            "Optimizer option has no effect",
            "{0} only applies to Optimizer.{1} and is ignored with Optimizer.{2}",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownEnumValue = Error(
            "AOTNET014",
            "Unknown enum value",
            "{0} value {1} is not defined: use one of the named {0} members");

        public static readonly DiagnosticDescriptor TooManyParameters = Error(
            "AOTNET015",
            "Model is too large",
            "Model '{0}' needs {1}; at most {2} floats fit in one array");

        public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
            "AOTNET016",
            "Invalid dropout rate",
            "Dropout rate {0} is invalid: the rate is the fraction of units dropped, in [0, 1)");

        public static readonly DiagnosticDescriptor DropoutPosition = Error(
            "AOTNET017",
            "Dropout in an unsupported position",
            "This Dropout is {0}: place [Dropout(rate)] between two [Dense] attributes");

        public static readonly DiagnosticDescriptor InvalidRegularizer = Error(
            "AOTNET018",
            "Invalid regularisation factor",
            "{0} = {1} is invalid: a regularisation factor is a finite value >= 0 (0 = none)");

        public static readonly DiagnosticDescriptor SparseCrossentropyNeedsSoftmax = Error(
            "AOTNET019",
            "Sparse categorical cross-entropy needs a softmax output with a unit per class",
            "Loss.SparseCategoricalCrossentropy needs a last layer with Activation.Softmax and one unit per class (at least 2), but the last layer is {0} {1}; for two classes in one unit use Loss.BinaryCrossentropy with [Dense(1, Activation.Sigmoid)]");

        public static readonly DiagnosticDescriptor InvalidSlope = Error(
            "AOTNET020",
            "Invalid leaky relu slope",
            "NegativeSlope = {0} is invalid: use a finite slope (Keras's default is 0.2)");

        public static readonly DiagnosticDescriptor IgnoredLayerOption = new(
            "AOTNET021",
            "Layer option has no effect",
            "{0} only applies to {1} and is ignored on this layer",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MetricDoesNotFitLoss = Error(
            "AOTNET023",
            "Metric does not fit the loss",
            "Metric.{0} does not fit Loss.{1}: {2}");

        public static readonly DiagnosticDescriptor AccuracyOnRegression = new(
            "AOTNET024",
            "Accuracy on a regression output",
            "Metric.Accuracy under Loss.{0} with a {1} output compares outputs with 0.5 (one unit) or takes the argmax: it is meant for sigmoid or softmax outputs; use Metric.MeanAbsoluteError for regression",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MetricNeedsOneOutput = Error(
            "AOTNET026",
            "Metric needs one output unit",
            "Metric.{0} is a binary classification metric and needs one output unit, but the last layer has {1}; use Metric.Accuracy for several classes");

        public static readonly DiagnosticDescriptor ThresholdMetricOnNonProbability = new(
            "AOTNET027",
            "Threshold metric on an output that is not a probability",
            "Metric.{0} compares the output with thresholds in [0, 1] (0.5 for precision and recall), but the output is {1}: it is meant for a sigmoid output",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidClipping = Error(
            "AOTNET025",
            "Invalid gradient clipping",
            "Gradient clipping: {0}");

        public static readonly DiagnosticDescriptor InvalidWeightDecay = Error(
            "AOTNET028",
            "Invalid weight decay",
            "WeightDecay = {0} is invalid: use a finite value >= 0 (0 = no weight decay)");

        public static readonly DiagnosticDescriptor WeightDecayTooLarge = new(
            "AOTNET029",
            "Weight decay removes the weights",
            "WeightDecay = {0} with LearningRate = {1}: every step multiplies the weights by 1 - WeightDecay * LearningRate = {2}, which zeroes them or flips their sign; Keras's weight decays are small (AdamW's default is 0.004)",
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TooManyLayers = Error(
            "AOTNET030",
            "Too many Dense layers",
            "Model '{0}' declares {1} Dense layers; at most {2} are supported (each layer is written out as code of its own)");

        public static readonly DiagnosticDescriptor FloatOverflow = Error(
            "AOTNET031",
            "Value does not fit float",
            "{0} = {1} does not fit float (the model computes in float32): its magnitude must be at most 3.4028235E+38");

        public static readonly DiagnosticDescriptor NoParameterlessConstructor = Error(
            "AOTNET032",
            "Model class needs a parameterless constructor",
            "Model '{0}' has no parameterless constructor, which Create(seed) calls: add one (it may be private), or remove the constructor's parameters");

        public static readonly DiagnosticDescriptor ReservedName = Error(
            "AOTNET033",
            "Name used by the generated model",
            "'{0}' is a member of the generated model: rename the {1}");

        public static readonly DiagnosticDescriptor FileLocalModel = Error(
            "AOTNET034",
            "File-local model class",
            "Model '{0}' is file-local, but its generated members are written to another file, which a file-local type cannot span: remove the 'file' modifier");

        public static readonly DiagnosticDescriptor NormalizationNotFirst = Error(
            "AOTNET040",
            "Normalization must be the first layer",
            "[Normalization] normalises the model's input features, so it must be declared before every [Dense] layer; {0}");

        public static readonly DiagnosticDescriptor NormalizationLayerPosition = Error(
            "AOTNET041",
            "Misplaced normalisation layer",
            "[{0}] {1}");

        public static readonly DiagnosticDescriptor InvalidNormalizationOption = Error(
            "AOTNET042",
            "Invalid normalisation option",
            "[{0}] {1} = {2} is invalid: {3}");

        public static readonly DiagnosticDescriptor NormalizationUnsupported = Error(
            "AOTNET043",
            "Not supported with BatchNormalization or LayerNormalization",
            "{0} is not supported in a model with BatchNormalization or LayerNormalization: {1}");

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
