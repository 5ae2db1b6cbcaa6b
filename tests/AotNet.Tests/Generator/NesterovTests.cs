using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>SGD with <c>Nesterov = true</c>: Keras 3's update against the reference, thread counts, and not the classic momentum.</summary>
public class NesterovTests
{
    [Fact]
    public void StepsMatchTheKerasNesterovUpdate()
    {
        const int Rows = 23;
        var (inputs, targets) = ModelHarness.RealValued(NesterovNet.Description, Rows, 4);
        var model = NesterovNet.Create(3);
        var reference = new ReferenceNetwork(NesterovNet.Description, model.Parameters, momentum: 0.9, nesterov: true);
        var workspace = model.CreateWorkspace(Rows);
        int[] rows = ModelHarness.AllRows(Rows);
        for (int step = 0; step < 5; step++)
        {
            ModelHarness.AssertStepMatchesReference(model, reference, inputs, targets, rows, workspace, $"step {step}");
        }

        // classic momentum from the same start moves elsewhere after the first step
        var classic = ClassicMomentumNet.Create(3);
        var nesterov = NesterovNet.Create(3);
        foreach (var m in new IModelGradients<NesterovNet>[] { nesterov })
        {
            m.Backward(new Batch(inputs, targets, rows), workspace, m.Gradients);
            m.Step(1f / Rows);
        }

        classic.Backward(new Batch(inputs, targets, rows), classic.CreateWorkspace(Rows), classic.Gradients);
        classic.Step(1f / Rows);
        Assert.NotEqual(classic.Parameters, nesterov.Parameters);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(300)]
    public void FitIsTheSameForAnyThreadCount(int batchSize) => RegularizerTests.AssertThreadIndependent<NesterovNet>(batchSize, sparse: false);
}
