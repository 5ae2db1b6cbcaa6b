using Microsoft.CodeAnalysis;

namespace AotNet.Tests.Generator;

/// <summary>Every AOTNETxxx diagnostic: id, severity and the exact source text it points at.</summary>
public class GeneratorDiagnosticsTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "AOTNET001", "Net", "[Sequential(4)] [Dense(1)] public class Net;" },
        { "AOTNET002", "Net", "[Sequential(4)] public partial class Net;" },
        { "AOTNET003", "Dense(0, Activation.Relu)", "[Sequential(4)] [Dense(3)] [Dense(0, Activation.Relu)] [Dense(1)] public partial class Net;" },
        { "AOTNET004", "Sequential(0)", "[Sequential(0)] [Dense(1)] public partial class Net;" },
        { "AOTNET005", "Dense(2, Activation.Sigmoid)", "[Sequential(4, Loss = Loss.BinaryCrossentropy)] [Dense(8, Activation.Relu)] [Dense(2, Activation.Sigmoid)] public partial class Net;" },
        { "AOTNET005", "Dense(1)", "[Sequential(4, Loss = Loss.BinaryCrossentropy)] [Dense(1)] public partial class Net;" },
        { "AOTNET006", "Dense(1, Activation.Softmax)", "[Sequential(4, Loss = Loss.CategoricalCrossentropy)] [Dense(1, Activation.Softmax)] public partial class Net;" },
        { "AOTNET006", "Dense(3, Activation.Sigmoid)", "[Sequential(4, Loss = Loss.CategoricalCrossentropy)] [Dense(3, Activation.Sigmoid)] public partial class Net;" },
        { "AOTNET007", "Dense(1, Activation.Sigmoid)", "[Sequential(4)] [Dense(1, Activation.Sigmoid)] public partial class Net;" },
        { "AOTNET007", "Dense(3, Activation.Softmax)", "[Sequential(4, Loss = Loss.MeanSquaredError)] [Dense(3, Activation.Softmax)] public partial class Net;" },
        { "AOTNET008", "Net", "public partial class Outer { [Sequential(4)] [Dense(1)] public partial class Net; }" },
        { "AOTNET008", "Net", "[Sequential(4)] [Dense(1)] public partial class Net<T>;" },
        { "AOTNET009", "Dense(5, Activation.Softmax)", "[Sequential(4)] [Dense(5, Activation.Softmax)] [Dense(1)] public partial class Net;" },
        { "AOTNET010", "Net", "[Sequential(4)] [Dense(1)] public abstract partial class Net;" },
        { "AOTNET010", "Net", "[Sequential(4)] [Dense(1)] public static partial class Net;" },
        { "AOTNET011", "Sequential(4, LearningRate = -0.1)", "[Sequential(4, LearningRate = -0.1)] [Dense(1)] public partial class Net;" },
        { "AOTNET012", "Sequential(4, Optimizer = Optimizer.Sgd, Momentum = 1.5)", "[Sequential(4, Optimizer = Optimizer.Sgd, Momentum = 1.5)] [Dense(1)] public partial class Net;" },
        { "AOTNET013", "Sequential(4, Optimizer = Optimizer.Adam, Momentum = 0.9)", "[Sequential(4, Optimizer = Optimizer.Adam, Momentum = 0.9)] [Dense(1)] public partial class Net;" },
        { "AOTNET013", "Sequential(4, Optimizer = Optimizer.Sgd, LegacyEpsilon = true)", "[Sequential(4, Optimizer = Optimizer.Sgd, LegacyEpsilon = true)] [Dense(1)] public partial class Net;" },
        { "AOTNET014", "Dense(1, (Activation)42)", "[Sequential(4)] [Dense(1, (Activation)42)] public partial class Net;" },
        { "AOTNET014", "Sequential(4, Loss = (Loss)9)", "[Sequential(4, Loss = (Loss)9)] [Dense(1)] public partial class Net;" },
        { "AOTNET015", "Net", "[Sequential(100000)] [Dense(100000)] public partial class Net;" },

        // issue 21 item 8: each of these emitted code that did not compile (or nothing) before
        { "AOTNET015", "Net", "[Sequential(1)] [Dense(20_000_000)] public partial class Net;" }, // 256 workspace rows of 40 M floats
        { "AOTNET030", "Net", "[Sequential(4)] " + string.Concat(Enumerable.Repeat("[Dense(2)] ", 257)) + "public partial class Net;" },
        { "AOTNET031", "LearningRate = 1e39", "[Sequential(4, LearningRate = 1e39)] [Dense(1)] public partial class Net;" },
        { "AOTNET031", "WeightDecay = 1e300", "[Sequential(4, WeightDecay = 1e300)] [Dense(1)] public partial class Net;" },
        { "AOTNET031", "Dense(1, KernelL2 = 1e300)", "[Sequential(4)] [Dense(1, KernelL2 = 1e300)] public partial class Net;" },
        { "AOTNET031", "Dense(1, Activation.LeakyRelu, NegativeSlope = -1e39)", "[Sequential(4)] [Dense(1, Activation.LeakyRelu, NegativeSlope = -1e39)] public partial class Net;" },
        { "AOTNET032", "Net", "[Sequential(4)] [Dense(1)] public partial record Net(int Width);" },
        { "AOTNET032", "Net", "[Sequential(4)] [Dense(1)] public partial class Net { public Net(int width) { } }" },
        { "AOTNET033", "Parameters", "[Sequential(4)] [Dense(1)] public partial class Parameters;" },
        { "AOTNET033", "Dense0Kernel", "[Sequential(4)] [Dense(1)] public partial class Dense0Kernel;" },
        { "AOTNET033", "Parameters", "[Sequential(4)] [Dense(1)] public partial class Net { public int Parameters => 0; }" },
        { "AOTNET033", "Predict", "[Sequential(4)] [Dense(1)] public partial class Net { public int Predict; }" },
        { "AOTNET034", "Net", "[Sequential(4)] [Dense(1)] file partial class Net;" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(DiagnosticCases.Features), MemberType = typeof(DiagnosticCases))]
    [MemberData(nameof(Layers.NormalizationLayerTests.Misuse), MemberType = typeof(Layers.NormalizationLayerTests))]
    [MemberData(nameof(Layers.EmbeddingLayerTests.Misuse), MemberType = typeof(Layers.EmbeddingLayerTests))]
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
            // warnings still generate a model, and it compiles
            Assert.Single(result.GeneratedSources);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    /// <summary>Declarations that the generator wrote non-compiling code for (issue 21 item 8): now they compile, warning-free.</summary>
    public static TheoryData<string, string> Compiling => new()
    {
        { "Test.Net.g.cs", "namespace Test; [Sequential(4)] " + string.Concat(Enumerable.Repeat("[Dense(2, Activation.Relu)] ", 100)) + "[Dense(1)] public partial class Net;" }, // case labels collided from 91 layers
        { "namespace.event.g.cs", "namespace @namespace; [Sequential(4)] [Dense(3)] [Dense(1)] public partial class @event;" },
        { "Test.TrainingState.g.cs", "namespace Test; [Sequential(4)] [Dense(1)] public partial class TrainingState;" },
        { "Test.Net.g.cs", "namespace Test; [Sequential(4)] [Dense(1)] public partial record Net { public Net(int width = 3) { } }" },
        { "Test.Net.g.cs", "namespace Test; [Sequential(4)] [Dense(1)] public partial class Net { private Net() { } public Net(int width) { } public float Predict(float x) => x; }" },
    };

    [Theory]
    [MemberData(nameof(Compiling))]
    public void GeneratesCompilingCode(string hintName, string declaration)
    {
        var (result, output) = GeneratorHarness.Run("using AotNet;\n" + declaration + "\n");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(hintName, Assert.Single(result.GeneratedSources).HintName);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    /// <summary>Every member name the generated class declares is one the parser reserves (so a user's member of that name is reported, not a CS0102).</summary>
    [Fact]
    public void EveryGeneratedMemberNameIsReserved()
    {
        string[] models =
        [
            "[Sequential(4, Optimizer = Optimizer.Adam, ClipNorm = 1, Metrics = Metric.Accuracy | Metric.Auc | Metric.MeanAbsoluteError | Metric.MeanSquaredError, Loss = Loss.BinaryCrossentropy)] [Dense(8, Activation.Gelu, KernelL2 = 0.01)] [Dropout(0.5)] [Dense(1, Activation.Sigmoid)] public partial class Net;",
            "[Sequential(4, Optimizer = Optimizer.Sgd, Momentum = 0.9, WeightDecay = 0.01, Loss = Loss.CategoricalCrossentropy)] [Dense(8, Activation.Relu)] [Dense(3, Activation.Softmax)] public partial class Net;",
            "[Sequential(4)] [Dense(8, Activation.Relu)] [Dense(1)] public partial class Net;",
        ];
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string model in models)
        {
            var (result, _) = GeneratorHarness.Run("using AotNet;\n" + model + "\n");
            Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            var root = Assert.Single(result.GeneratedSources).SyntaxTree.GetRoot();
            var type = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().First();
            foreach (var member in type.Members)
            {
                names.UnionWith(member switch
                {
                    Microsoft.CodeAnalysis.CSharp.Syntax.BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
                    Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax property => [property.Identifier.ValueText],
                    Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax method => [method.Identifier.ValueText],
                    Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax nested => [nested.Identifier.ValueText],
                    _ => [],
                });
            }
        }

        Assert.Contains("Parameters", names);
        Assert.Contains("Dropout0Threshold", names);
        var unreserved = names.Where(name =>
        {
            var (result, _) = GeneratorHarness.Run("using AotNet;\n[Sequential(4)] [Dense(1)] public partial class Net { private int " + name + "; }\n");
            return !result.Diagnostics.Any(d => d.Id == "AOTNET033");
        }).ToList();
        Assert.Empty(unreserved);
    }

    [Fact]
    public void ValidModelsReportNothing()
    {
        var (result, output) = GeneratorHarness.Run("""
            using AotNet;
            [Sequential(8, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Sgd, Momentum = 0.5, Metrics = Metric.Accuracy)]
            [Dense(4, Activation.Tanh)]
            [Dense(2, Activation.Softmax)]
            public partial record Net;
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void PragmaSuppressesTheWarning()
    {
        var compilation = GeneratorHarness.Compile("""
            using AotNet;
            #pragma warning disable AOTNET007
            [Sequential(4)] [Dense(1, Activation.Sigmoid)] public partial class Net;
            #pragma warning restore AOTNET007
            """);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        Assert.True(diagnostics.Single(d => d.Id == "AOTNET007").IsSuppressed);
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
