using AotNet.Data;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>ClipValue, ClipNorm and GlobalClipNorm as Keras 3's clipvalue, clipnorm and global_clipnorm, against the reference.</summary>
public class ClippingTests
{
    [Fact]
    public void ClipValueMatchesTheReference() => Check<ClipValueNet>(new() { ClipValue = 0.05 }, momentum: 0, sparse: false);

    [Fact]
    public void ClipNormMatchesTheReference() => Check<ClipNormNet>(new() { ClipNorm = 0.2 }, momentum: 0.5, sparse: false);

    [Fact]
    public void GlobalClipNormMatchesTheReference() => Check<GlobalClipNormNet>(new() { GlobalClipNorm = 0.02 }, momentum: 0, sparse: true);

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCount(int batchSize)
    {
        RegularizerTests.AssertThreadIndependent<ClipValueNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<ClipNormNet>(batchSize, sparse: false);
        RegularizerTests.AssertThreadIndependent<GlobalClipNormNet>(batchSize, sparse: true);
    }

    private sealed record Clip
    {
        public double ClipValue { get; init; }

        public double ClipNorm { get; init; }

        public double GlobalClipNorm { get; init; }
    }

    private static void Check<T>(Clip clip, double momentum, bool sparse)
        where T : class, IModelGradients<T>
    {
        const int Rows = 23;
        var description = T.Description;
        Features inputs;
        DenseMatrix targets;
        if (sparse)
        {
            (var csr, targets) = ModelHarness.MultiHot(description, Rows, 0.05, 3);
            inputs = csr;
        }
        else
        {
            // targets far from the outputs: large gradients, so that clipping bites
            (var dense, targets) = ModelHarness.RealValued(description, Rows, 3);
            inputs = dense;
            for (int i = 0; i < targets.Data.Length; i++)
            {
                targets.Data[i] *= 10;
            }
        }

        var model = T.Create(8);
        var unclipped = new ReferenceNetwork(description, model.Parameters, momentum: momentum);
        var reference = new ReferenceNetwork(description, model.Parameters, momentum: momentum)
        {
            ClipValue = clip.ClipValue,
            ClipNorm = clip.ClipNorm,
            GlobalClipNorm = clip.GlobalClipNorm,
        };
        var workspace = model.CreateWorkspace(Rows);
        int[] rows = ModelHarness.AllRows(Rows);
        for (int step = 0; step < 4; step++)
        {
            var data = ModelHarness.AssertStepMatchesReference(model, reference, inputs, targets, rows, workspace, $"step {step}");
            unclipped.Step(data, 1.0 / Rows);
        }

        // (Adam's and RMSprop's first steps do not depend on the gradient's scale; later ones do)
        Assert.False(ModelHarness.MaxAbs(unclipped.Parameters.Zip(reference.Parameters, (a, b) => a - b).ToArray()) < 1e-5, "the clipping changed nothing");
    }
}
