using AotNet.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AotNet.Tests.Generator;

/// <summary>The incremental cache: unrelated edits and moved lines do not re-emit the model; model edits do.</summary>
public class GeneratorIncrementalTests
{
    private const string Model = """
        using AotNet;
        namespace Test;
        [Sequential(10, Loss = Loss.BinaryCrossentropy, Metrics = Metric.Accuracy)]
        [Dense(4, Activation.Relu)]
        [Dense(1, Activation.Sigmoid)]
        public partial class Net;
        """;

    [Fact]
    public void UnrelatedEditLeavesTheModelCached()
    {
        var compilation = GeneratorHarness.Compile(Model, "class Other { }");
        var driver = GeneratorHarness.CreateDriver(track: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText("class Other { int x; }", GeneratorHarness.ParseOptions, path: "Model1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllReasons(result, ModelGenerator.Steps.Model, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputReasons(result, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void MovingTheModelDownReportsDiagnosticsAgainButDoesNotReEmit()
    {
        // a warning, so that the diagnostics (with their positions) are part of the parse result
        string model = Model.Replace("[Dense(1, Activation.Sigmoid)]", "[Dense(1, Activation.Sigmoid)]").Replace("Loss = Loss.BinaryCrossentropy, ", string.Empty);
        var compilation = GeneratorHarness.Compile(model);
        var driver = GeneratorHarness.CreateDriver(track: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Equal("AOTNET007", Assert.Single(first.Diagnostics).Id);

        var moved = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("\n\n\n" + model, GeneratorHarness.ParseOptions, path: "Model0.cs"));
        var result = driver.RunGenerators(moved).GetRunResult().Results.Single();

        Assert.Equal(first.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line + 3, result.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line);
        AssertAllReasons(result, ModelGenerator.Steps.Parse, IncrementalStepRunReason.Modified);
        AssertAllReasons(result, ModelGenerator.Steps.Model, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.Equal(first.GeneratedSources.Single().SourceText.ToString(), result.GeneratedSources.Single().SourceText.ToString());
        Assert.Contains(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void ChangingALayerReEmits()
    {
        var compilation = GeneratorHarness.Compile(Model);
        var driver = GeneratorHarness.CreateDriver(track: true).RunGenerators(compilation);
        var changed = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Model.Replace("Dense(4,", "Dense(5,"), GeneratorHarness.ParseOptions, path: "Model0.cs"));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        AssertAllReasons(result, ModelGenerator.Steps.Model, IncrementalStepRunReason.Modified);
        Assert.Contains(" Dense0Units = 5,", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    private static void AssertAllReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"{step}: {o.Reason}"));
    }

    private static void AssertOutputReasons(GeneratorRunResult result, IncrementalStepRunReason expected)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(expected, o.Reason));
    }
}
