using AotNet.Data;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>One-row training steps (the fused step where the model has it) against Backward into a zeroed gradient block + Step(1f).</summary>
[Collection(AllocationMeasurements.Name)] // its batch-one fit asserts 0 bytes: run it away from the parallel tests
public class FusedTrainRowTests
{
    [Fact]
    public void BostonTrainRowEqualsBackwardAndStepBitForBit() => AssertFusedEqualsUnfused<BostonNet>(steps: 400);

    [Fact]
    public void ImdbTrainRowOnDenseInputsEqualsBackwardAndStepBitForBit() => AssertFusedEqualsUnfused<ImdbNet>(steps: 60);

    [Fact]
    public void OneRowStepsOfOtherModelsEqualBackwardAndStepBitForBit()
    {
        AssertFusedEqualsUnfused<SoftmaxAdamNet>(steps: 40); // Adam: the chunk path
        AssertFusedEqualsUnfused<OddBinaryNet>(steps: 40); // legacy epsilon: the chunk path
        AssertFusedEqualsUnfused<ImdbNet>(steps: 40, sparse: true); // multi-hot: the row-wise first kernel
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

    private static void AssertFusedEqualsUnfused<T>(int steps, bool sparse = false)
        where T : class, IModelGradients<T>
    {
        Features inputs;
        DenseMatrix targets;
        if (sparse)
        {
            var data = ModelHarness.MultiHot(T.Description, 32, 0.01, 17);
            (inputs, targets) = (data.Sparse, data.Targets);
        }
        else
        {
            var data = ModelHarness.RealValued(T.Description, 32, 17);
            (inputs, targets) = (data.Inputs, data.Targets);
        }

        var fused = T.Create(4);
        var unfused = T.Create(4);
        var unfusedWorkspace = unfused.CreateWorkspace(1);
        int[] rows = ModelHarness.AllRows(32);
        using var context = new TrainingContext(threads: 1);
        var all = new LabeledData(inputs, targets);
        for (int step = 0; step < steps; step++)
        {
            int start = (step * 7) % 32;
            var batch = new Batch(inputs, targets, rows.AsSpan(start, 1));
            Array.Clear(unfused.Gradients);
            var expected = unfused.Backward(batch, unfusedWorkspace, unfused.Gradients);
            unfused.Step(1f);
            context.SetBatch(all, rows, start, 1);
            var actual = fused.TrainBatch(context);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(unfused.Parameters, fused.Parameters); // exact float equality, element by element
        Assert.NotEqual(T.Create(4).Parameters, fused.Parameters);
    }
}
