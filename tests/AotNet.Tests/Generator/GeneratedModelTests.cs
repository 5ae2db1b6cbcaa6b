using AotNet.Data;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>Generated forward, backward and optimizer steps against the scalar double-precision reference.</summary>
public class GeneratedModelTests
{
    /// <summary>Every test model, with the options the reference needs to know (LegacyEpsilon, Momentum).</summary>
    public static TheoryData<string> Models => new()
    {
        nameof(ImdbNet), nameof(BostonNet), nameof(OddBinaryNet), nameof(SoftmaxAdamNet),
        nameof(SigmoidMseMomentumNet), nameof(SoftmaxMseSgdNet), nameof(TinyNet), nameof(GlobalNamespaceNet),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ForwardBackwardAndStepMatchTheReferenceOnSparseInput(string model) => ModelCases.Run(model, new ReferenceCheck(sparse: true));

    [Theory]
    [MemberData(nameof(Models))]
    public void ForwardBackwardAndStepMatchTheReferenceOnRealValuedDenseInput(string model) => ModelCases.Run(model, new ReferenceCheck(sparse: false));

    [Theory]
    [MemberData(nameof(Models))]
    public void SparseRowsGiveBitIdenticalResultsToTheirDenseForm(string model) => ModelCases.Run(model, new SparseDenseCheck());

    [Fact]
    public void DescriptionHasTheKerasLayout()
    {
        var d = ImdbNet.Description;
        Assert.Equal("ImdbNet", d.Name);
        Assert.Equal(10000, d.Inputs);
        Assert.Equal(1, d.Outputs);
        Assert.Equal(Loss.BinaryCrossentropy, d.Loss);
        Assert.Equal(Optimizer.RmsProp, d.Optimizer);
        Assert.Equal(0.001, d.LearningRate);
        Assert.Equal(Metric.Accuracy, d.Metrics);
        Assert.Equal(160305, d.ParameterCount);
        Assert.Equal(new LayerDescription(0, 10000, 16, Activation.Relu, 0, 160000), d.Layers[0]);
        Assert.Equal(new LayerDescription(1, 16, 16, Activation.Relu, 160016, 160272), d.Layers[1]);
        Assert.Equal(new LayerDescription(2, 16, 1, Activation.Sigmoid, 160288, 160304), d.Layers[2]);
        Assert.Equal("10000 → 16 relu → 16 relu → 1 sigmoid", d.Topology);
        Assert.Equal(0.01, OddBinaryNet.Description.LearningRate);
        Assert.Equal(0.01, SoftmaxMseSgdNet.Description.LearningRate); // the SGD default
        Assert.Equal("GlobalNamespaceNet", GlobalNamespaceNet.Description.Name);
    }

    [Fact]
    public void WeightAccessorsViewTheParameterBlock()
    {
        var model = ImdbNet.Create(3);
        model.Dense1Bias[5] = 42f;
        Assert.Equal(42f, model.Parameters[ImdbNet.Dense1BiasOffset + 5]);
        Assert.Equal(42f, model.GetWeights("dense_1.bias")[5]);
        Assert.Equal(160000, model.GetWeights("dense_0.kernel").Length);
        Assert.Equal(model.Parameters[ImdbNet.Dense2KernelOffset + 7], model.Dense2Kernel[7]);
        Assert.Throws<ArgumentException>(() => model.GetWeights("dense_3.kernel").Length);
    }

    [Fact]
    public void CreateDrawsGlorotUniformKernelsInBlockOrderAndZeroBiases()
    {
        var model = SoftmaxAdamNet.Create(11);
        var random = new DeterministicRandom(11);
        foreach (var layer in SoftmaxAdamNet.Description.Layers)
        {
            float limit = MathF.Sqrt(6f / (layer.Inputs + layer.Units));
            for (int i = 0; i < layer.KernelLength; i++)
            {
                Assert.Equal(random.NextSingle(-limit, limit), model.Parameters[layer.KernelOffset + i]);
            }

            Assert.All(model.Parameters.AsSpan(layer.BiasOffset, layer.Units).ToArray(), b => Assert.Equal(0f, b));
        }

        Assert.NotEqual(model.Parameters, SoftmaxAdamNet.Create(12).Parameters);
    }

    private sealed class ReferenceCheck(bool sparse) : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            const int Rows = 23;
            var description = T.Description;
            Features inputs;
            DenseMatrix targets;
            if (sparse)
            {
                var data = ModelHarness.MultiHot(description, Rows, Math.Min(0.3, 40.0 / description.Inputs + 0.01), 5);
                (inputs, targets) = (data.Sparse, data.Targets);
            }
            else
            {
                var data = ModelHarness.RealValued(description, Rows, 6);
                (inputs, targets) = (data.Inputs, data.Targets);
            }

            var model = T.Create(17);
            var reference = new ReferenceNetwork(description, model.Parameters, legacyEpsilon, momentum);
            var workspace = model.CreateWorkspace(Rows);
            var small = model.CreateWorkspace(8); // forward passes go through it in blocks of 8 rows
            int[] rows = ModelHarness.AllRows(Rows).Reverse().ToArray(); // not in storage order
            var batch = new Batch(inputs, targets, rows);

            // forward
            var outputs = new float[Rows * description.Outputs];
            model.Predict(batch, small, outputs);
            ModelHarness.AssertClose(reference.Predict(inputs, rows), outputs, 1e-6, 1e-5, "prediction");
            var stats = model.Evaluate(batch, small);
            var expectedStats = reference.Evaluate(inputs, targets, rows);
            ModelHarness.AssertClose(expectedStats.LossSum, stats.LossSum, 1e-5, 1e-5, "loss");
            ModelHarness.AssertClose(expectedStats.Hits, stats.Hits, 1e-5, 1e-5, "accuracy hits");
            ModelHarness.AssertClose(expectedStats.AbsoluteErrors, stats.AbsoluteErrors, 1e-5, 1e-5, "absolute errors");

            // a few training steps; each compares the gradient, then the parameters after the step
            for (int step = 0; step < 4; step++)
            {
                ModelHarness.AssertStepMatchesReference(model, reference, inputs, targets, rows, workspace, $"step {step}");
            }

            // the optimizer state restarts from zero
            model.ResetOptimizer();
            var afterReset = new ReferenceNetwork(description, model.Parameters, legacyEpsilon, momentum);
            Array.Clear(model.Gradients);
            model.Backward(batch, workspace, model.Gradients);
            model.Step(1f / Rows);
            afterReset.Step(model.Gradients, 1.0 / Rows);
            ModelHarness.AssertClose(afterReset.Parameters, model.Parameters, 2e-6, 1e-5, "parameters after ResetOptimizer");
        }
    }

    private sealed class SparseDenseCheck : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            const int Rows = 19;
            var description = T.Description;
            var (sparse, targets) = ModelHarness.MultiHot(description, Rows, 0.2, 9);
            var dense = sparse.ToDense();
            var model = T.Create(1);
            var workspace = model.CreateWorkspace(Rows);
            int[] rows = ModelHarness.AllRows(Rows);

            var sparseGradient = new float[description.ParameterCount];
            var denseGradient = new float[description.ParameterCount];
            var sparseStats = model.Backward(new Batch(sparse, targets, rows), workspace, sparseGradient);
            var denseStats = model.Backward(new Batch(dense, targets, rows), workspace, denseGradient);
            Assert.Equal(sparseStats, denseStats);
            Assert.Equal(denseGradient, sparseGradient);

            var sparseOutputs = new float[Rows * description.Outputs];
            var denseOutputs = new float[Rows * description.Outputs];
            model.Predict(new Batch(sparse, null, rows), workspace, sparseOutputs);
            model.Predict(new Batch(dense, null, rows), workspace, denseOutputs);
            Assert.Equal(denseOutputs, sparseOutputs);
        }
    }
}
