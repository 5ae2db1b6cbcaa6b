using Microsoft.CodeAnalysis;

namespace AotNet.Tests.Generator;

/// <summary>The diagnostics of Dropout, regularisers, the added losses, activations and metrics: id and the exact source text.</summary>
public class FeatureDiagnosticsTests
{
    public static TheoryData<string, string, string> Cases => new()
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheDiagnosticOnTheOffendingSyntax(string id, string located, string declaration)
    {
        string source = "using AotNet;\nnamespace Test;\n" + declaration + "\n";
        var (result, output) = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Equal(located, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.DoesNotContain("{0}", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(result.GeneratedSources);
        }
        else
        {
            Assert.Single(result.GeneratedSources);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    [Theory]
    [InlineData("[Sequential(4)] [Dense(3, Activation.Tanh)] [Dropout(0.5)] [Dense(3)] [Dropout(0)] [Dense(1)] public partial class Net;")]
    [InlineData("[Sequential(4)] [Dense(3, Activation.Relu, KernelL1 = 0.01, KernelL2 = 0.01, BiasL1 = 0, BiasL2 = 1)] [Dense(1, KernelL2 = 0.5)] public partial record Net;")]
    [InlineData("[Sequential(4, Loss = Loss.Huber, Optimizer = Optimizer.Adam)] [Dense(3)] [Dense(2, Activation.Tanh)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.MeanAbsoluteError, Metrics = Metric.MeanAbsoluteError)] [Dense(3)] [Dense(1)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.BinaryCrossentropy, Metrics = Metric.Accuracy | Metric.MeanAbsoluteError | Metric.MeanSquaredError | Metric.Auc | Metric.Precision | Metric.Recall)] [Dense(3)] [Dense(1, Activation.Sigmoid)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.CategoricalCrossentropy, Metrics = Metric.Accuracy | Metric.MeanSquaredError)] [Dense(3)] [Dense(2, Activation.Softmax)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Metrics = Metric.Accuracy)] [Dense(3)] [Dense(2, Activation.Softmax)] public partial class Net;")]
    [InlineData("[Sequential(4, Loss = Loss.BinaryCrossentropy)] [Dense(3)] [Dropout(0.999)] [Dense(1, Activation.Sigmoid)] public sealed partial class Net;")]
    [InlineData("[Sequential(4, Optimizer = Optimizer.AdamW)] [Dense(3)] [Dense(1)] public partial class Net;")]
    [InlineData("[Sequential(4, Optimizer = Optimizer.AdamW, WeightDecay = 0, ClipNorm = 1)] [Dense(3)] [Dense(1)] public partial class Net;")]
    [InlineData("[Sequential(4, Optimizer = Optimizer.RmsProp, WeightDecay = 0.01, LegacyEpsilon = true)] [Dense(3, Activation.Relu)] [Dropout(0.5)] [Dense(1, KernelL2 = 0.01)] public partial class Net;")]
    [InlineData("[Sequential(4, Optimizer = Optimizer.Sgd, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4)] [Dense(1)] public partial class Net;")]
    public void ValidDeclarationsReportNothingAndCompile(string declaration)
    {
        var (result, output) = GeneratorHarness.Run("using AotNet;\nnamespace Test;\n" + declaration + "\n");
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
