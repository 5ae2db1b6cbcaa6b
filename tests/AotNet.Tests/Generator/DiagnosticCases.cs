namespace AotNet.Tests.Generator;

/// <summary>
/// Declarations for <see cref="GeneratorDiagnosticsTests"/>' one diagnostics theory: those of Dropout, regularisers, the
/// added losses, activations, metrics and optimizer options (id, the exact source text, the declaration).
/// </summary>
internal static class DiagnosticCases
{
    /// <summary>Dropout, regularisers, the added losses, activations, metrics and optimizer options.</summary>
    public static TheoryData<string, string, string> Features => new()
    {
        { "AOTNET016", "Dropout(1.0)", "[Sequential(4)] [Dense(3)] [Dropout(1.0)] [Dense(1)] public partial class Net;" },
        { "AOTNET016", "Dropout(-0.1)", "[Sequential(4)] [Dense(3)] [Dropout(-0.1)] [Dense(1)] public partial class Net;" },
        { "AOTNET016", "Dropout(double.NaN)", "[Sequential(4)] [Dense(3)] [Dropout(double.NaN)] [Dense(1)] public partial class Net;" },
        { "AOTNET017", "Dropout(0.5)", "[Sequential(4)] [Dropout(0.5)] [Dense(3)] [Dense(1)] public partial class Net;" },
        { "AOTNET017", "Dropout(0.5)", "[Sequential(4)] [Dense(3)] [Dense(1)] [Dropout(0.5)] public partial class Net;" },
        { "AOTNET018", "Dense(3, KernelL2 = -0.01)", "[Sequential(4)] [Dense(3, KernelL2 = -0.01)] [Dense(1)] public partial class Net;" },
        { "AOTNET018", "Dense(1, BiasL1 = double.PositiveInfinity)", "[Sequential(4)] [Dense(3)] [Dense(1, BiasL1 = double.PositiveInfinity)] public partial class Net;" },
        { "AOTNET019", "Dense(1, Activation.Softmax)", "[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy)] [Dense(3)] [Dense(1, Activation.Softmax)] public partial class Net;" },
        { "AOTNET019", "Dense(3, Activation.Sigmoid)", "[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy)] [Dense(3, Activation.Sigmoid)] public partial class Net;" },
        { "AOTNET014", "Sequential(4, Loss = (Loss)6)", "[Sequential(4, Loss = (Loss)6)] [Dense(1)] public partial class Net;" },
        { "AOTNET020", "Dense(3, Activation.LeakyRelu, NegativeSlope = double.NaN)", "[Sequential(4)] [Dense(3, Activation.LeakyRelu, NegativeSlope = double.NaN)] [Dense(1)] public partial class Net;" },
        { "AOTNET021", "Dense(3, Activation.Relu, NegativeSlope = 0.1)", "[Sequential(4)] [Dense(3, Activation.Relu, NegativeSlope = 0.1)] [Dense(1)] public partial class Net;" },
        { "AOTNET014", "Dense(1, (Activation)11)", "[Sequential(4)] [Dense(1, (Activation)11)] public partial class Net;" },
        { "AOTNET023", "Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Metrics = Metric.Accuracy | Metric.MeanSquaredError)", "[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Metrics = Metric.Accuracy | Metric.MeanSquaredError)] [Dense(3, Activation.Softmax)] public partial class Net;" },
        { "AOTNET026", "Sequential(4, Loss = Loss.CategoricalCrossentropy, Metrics = Metric.Accuracy | Metric.Auc)", "[Sequential(4, Loss = Loss.CategoricalCrossentropy, Metrics = Metric.Accuracy | Metric.Auc)] [Dense(3, Activation.Softmax)] public partial class Net;" },
        { "AOTNET026", "Sequential(4, Loss = Loss.MeanSquaredError, Metrics = Metric.Recall)", "[Sequential(4, Loss = Loss.MeanSquaredError, Metrics = Metric.Recall)] [Dense(2)] public partial class Net;" },
        { "AOTNET027", "Sequential(4, Loss = Loss.MeanSquaredError, Metrics = Metric.Precision)", "[Sequential(4, Loss = Loss.MeanSquaredError, Metrics = Metric.Precision)] [Dense(3)] [Dense(1)] public partial class Net;" },
        { "AOTNET014", "Sequential(4, Metrics = (Metric)64)", "[Sequential(4, Metrics = (Metric)64)] [Dense(1)] public partial class Net;" },
        { "AOTNET023", "Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Metrics = Metric.MeanAbsoluteError)", "[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Metrics = Metric.MeanAbsoluteError)] [Dense(3, Activation.Softmax)] public partial class Net;" },
        { "AOTNET024", "Sequential(4, Loss = Loss.Huber, Metrics = Metric.Accuracy)", "[Sequential(4, Loss = Loss.Huber, Metrics = Metric.Accuracy)] [Dense(2)] public partial class Net;" },
        { "AOTNET013", "Sequential(4, Optimizer = Optimizer.Adam, Nesterov = true)", "[Sequential(4, Optimizer = Optimizer.Adam, Nesterov = true)] [Dense(1)] public partial class Net;" },
        { "AOTNET025", "Sequential(4, ClipValue = 1, ClipNorm = 1)", "[Sequential(4, ClipValue = 1, ClipNorm = 1)] [Dense(1)] public partial class Net;" },
        { "AOTNET025", "Sequential(4, GlobalClipNorm = -1)", "[Sequential(4, GlobalClipNorm = -1)] [Dense(1)] public partial class Net;" },
        { "AOTNET017", "Dropout(0.25)", "[Sequential(4)] [Dense(3)] [Dropout(0.5)] [Dropout(0.25)] [Dense(1)] public partial class Net;" },
        { "AOTNET028", "WeightDecay = -0.01", "[Sequential(4, Optimizer = Optimizer.AdamW, WeightDecay = -0.01)] [Dense(1)] public partial class Net;" },
        { "AOTNET028", "WeightDecay = double.NaN", "[Sequential(4, WeightDecay = double.NaN, Loss = Loss.Huber)] [Dense(1)] public partial class Net;" },
        { "AOTNET028", "WeightDecay = double.PositiveInfinity", "[Sequential(4, Optimizer = Optimizer.Sgd, WeightDecay = double.PositiveInfinity)] [Dense(1)] public partial class Net;" },
        { "AOTNET029", "WeightDecay = 100", "[Sequential(4, Optimizer = Optimizer.Sgd, WeightDecay = 100)] [Dense(1)] public partial class Net;" },
        { "AOTNET029", "WeightDecay = 0.5", "[Sequential(4, Optimizer = Optimizer.AdamW, LearningRate = 2, WeightDecay = 0.5)] [Dense(1)] public partial class Net;" },
        { "AOTNET014", "Sequential(4, Optimizer = (Optimizer)4)", "[Sequential(4, Optimizer = (Optimizer)4)] [Dense(1)] public partial class Net;" },
        { "AOTNET013", "Sequential(4, Optimizer = Optimizer.AdamW, Momentum = 0.9)", "[Sequential(4, Optimizer = Optimizer.AdamW, Momentum = 0.9)] [Dense(1)] public partial class Net;" },
    };
}
