using AotNet.Data;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>The fused one-row training step (TryTrainRow) against Backward into a zeroed gradient block + Step(1f).</summary>
public class FusedTrainRowTests
{
    [Fact]
    public void BostonTrainRowEqualsBackwardAndStepBitForBit() => AssertFusedEqualsUnfused<BostonNet>(steps: 400);

    [Fact]
    public void ImdbTrainRowOnDenseInputsEqualsBackwardAndStepBitForBit() => AssertFusedEqualsUnfused<ImdbNet>(steps: 60);

    [Fact]
    public void TrainRowDeclinesWhatItDoesNotFuse()
    {
        var (inputs, targets) = ModelHarness.RealValued(BostonNet.Description, 4, 3);
        var boston = BostonNet.Create(1);
        var before = boston.Parameters.ToArray();
        Assert.False(boston.TryTrainRow(new Batch(inputs, targets, [0, 1]), boston.CreateWorkspace(2), out _));
        Assert.Equal(before, boston.Parameters);
        Assert.Equal(0, boston.Iterations);

        var (sparse, sparseTargets) = ModelHarness.MultiHot(ImdbNet.Description, 4, 0.01, 3);
        var imdb = ImdbNet.Create(1);
        Assert.False(imdb.TryTrainRow(new Batch(sparse, sparseTargets, [0]), imdb.CreateWorkspace(1), out _));

        // Adam and legacy-epsilon RMSprop keep the interface's default (no fused step)
        var (adamInputs, adamTargets) = ModelHarness.RealValued(SoftmaxAdamNet.Description, 1, 3);
        IModel<SoftmaxAdamNet> adam = SoftmaxAdamNet.Create(1);
        Assert.False(adam.TryTrainRow(new Batch(adamInputs, adamTargets, [0]), adam.CreateWorkspace(1), out _));
        var (oddInputs, oddTargets) = ModelHarness.RealValued(OddBinaryNet.Description, 1, 3);
        IModel<OddBinaryNet> odd = OddBinaryNet.Create(1);
        Assert.False(odd.TryTrainRow(new Batch(oddInputs, oddTargets, [0]), odd.CreateWorkspace(1), out _));
    }

    [Fact]
    public void BatchOneFitIsThreadIndependentAndAllocationFree()
    {
        var (inputs, targets) = ModelHarness.RealValued(BostonNet.Description, 40, 11);
        var data = new LabeledData(inputs, targets);
        var options = new FitOptions { Epochs = 3, BatchSize = 1, Seed = 5 };
        var one = BostonNet.Create(2);
        var two = BostonNet.Create(2);
        History history;
        using (var trainer = new Trainer<BostonNet>(one, threads: 1))
        {
            history = trainer.Fit(data, null, options);
        }

        using (var trainer = new Trainer<BostonNet>(two, threads: 2))
        {
            trainer.Fit(data, null, options);
        }

        Assert.Equal(3 * 40, one.Iterations);
        Assert.Equal(one.Parameters, two.Parameters);
        Assert.Equal(0, history.AllocatedBytesAfterFirstEpoch);
    }

    private static void AssertFusedEqualsUnfused<T>(int steps)
        where T : class, IModel<T>
    {
        var (inputs, targets) = ModelHarness.RealValued(T.Description, 32, 17);
        var fused = T.Create(4);
        var unfused = T.Create(4);
        var fusedWorkspace = fused.CreateWorkspace(1);
        var unfusedWorkspace = unfused.CreateWorkspace(1);
        int[] rows = ModelHarness.AllRows(32);
        for (int step = 0; step < steps; step++)
        {
            var batch = new Batch(inputs, targets, rows.AsSpan((step * 7) % 32, 1));
            Array.Clear(unfused.Gradients);
            var expected = unfused.Backward(batch, unfusedWorkspace, unfused.Gradients);
            unfused.Step(1f);
            Assert.True(fused.TryTrainRow(batch, fusedWorkspace, out var actual));
            Assert.Equal(expected, actual);
        }

        Assert.Equal(unfused.Parameters, fused.Parameters); // exact float equality, element by element
        Assert.NotEqual(T.Create(4).Parameters, fused.Parameters);
    }
}
