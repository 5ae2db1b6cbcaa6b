using AotNet.Data;
using AotNet.Reference;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>
/// Keras 3's <c>sample_weight</c> and <c>class_weight</c>: each row's loss and gradient times its weight, the batch loss
/// Σ wᵢℓᵢ / rows, metrics unweighted, the penalty unweighted; against the scalar reference for every loss, on every
/// training path (fused one-row step, chunks, tiles, the multi-hot first kernel row-wise), the same bits for any thread count.
/// </summary>
public class SampleWeightTests
{
    /// <summary>Every loss: MSE (linear, sigmoid outputs), BCE, CCE, sparse CCE, MAE, Huber; multi-hot models; a regularised one.</summary>
    public static TheoryData<string, bool> Models => new()
    {
        { nameof(BostonNet), false }, { nameof(SigmoidMseMomentumNet), false }, { nameof(OddBinaryNet), false },
        { nameof(ImdbNet), true }, { nameof(ImdbNet), false }, { nameof(SoftmaxAdamNet), false }, { nameof(WideSparseNet), true },
        { nameof(SparseLabelNet), true }, { nameof(SparseLabelNet), false }, { nameof(SparseLabelAdamNet), false },
        { nameof(MaeNet), false }, { nameof(HuberNet), false }, { nameof(RegularizedRmsNet), false },
    };

    /// <summary>The models of <see cref="Models"/> once each (dense inputs).</summary>
    public static TheoryData<string> EveryLoss => new()
    {
        nameof(BostonNet), nameof(SigmoidMseMomentumNet), nameof(OddBinaryNet), nameof(ImdbNet), nameof(SoftmaxAdamNet), nameof(WideSparseNet),
        nameof(SparseLabelNet), nameof(SparseLabelAdamNet), nameof(MaeNet), nameof(HuberNet), nameof(RegularizedRmsNet),
    };


    /// <summary>Weights in [0, 3), every fifth one exactly 0 and every seventh exactly 1.</summary>
    internal static float[] Weights(int rows, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var weights = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            weights[r] = r % 5 == 2 ? 0f : r % 7 == 3 ? 1f : random.NextSingle(0f, 3f);
        }

        return weights;
    }

    /// <summary>Multi-hot rows (as CSR, or their dense form) for the wide models, else real-valued dense rows.</summary>
    internal static (Features Inputs, DenseMatrix Targets) Data(ModelDescription description, int rows, bool sparse, ulong seed)
    {
        if (description.Inputs > 100)
        {
            var (csr, targets) = ModelHarness.MultiHot(description, rows, Math.Min(0.3, (40.0 / description.Inputs) + 0.01), seed);
            return (sparse ? csr : csr.ToDense(), targets);
        }

        Assert.False(sparse, "multi-hot data are for the wide models");
        return ModelHarness.RealValued(description, rows, seed);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void WeightedTrainingMatchesTheReferenceAtBatchOneAndLarger(string model, bool sparse)
    {
        ModelCases.Run(model, new ReferenceCheck(sparse, batchSize: 1));
        ModelCases.Run(model, new ReferenceCheck(sparse, batchSize: 23));
    }

    [Theory]
    [MemberData(nameof(EveryLoss))]
    public void TheWeightedReferenceGradientMatchesCentralDifferences(string model) => ModelCases.Run(model, new ReferenceFiniteDifferences());

    [Theory]
    [InlineData(nameof(BostonNet))]
    [InlineData(nameof(OddBinaryNet))]
    [InlineData(nameof(SoftmaxAdamNet))]
    [InlineData(nameof(SparseLabelAdamNet))]
    [InlineData(nameof(HuberNet))]
    public void TheGeneratedWeightedGradientMatchesFloatCentralDifferences(string model) => ModelCases.Run(model, new GeneratedFiniteDifferences());

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(300)]
    public void WeightedFitIsTheSameForAnyThreadCountAndTrainBatchIsBackwardPlusStep(int batchSize)
    {
        AssertThreadIndependent<BostonNet>(batchSize, sparse: false); // batch 1: the fused one-row step
        AssertThreadIndependent<ImdbNet>(batchSize, sparse: true); // the multi-hot first kernel row-wise
        AssertThreadIndependent<SoftmaxAdamNet>(batchSize, sparse: false);
        AssertThreadIndependent<SparseLabelNet>(batchSize, sparse: true);
        AssertThreadIndependent<MaeNet>(batchSize, sparse: false);
        AssertThreadIndependent<HuberNet>(batchSize, sparse: false);
    }

    [Fact]
    public void WeightedTilesGiveTheBitsOfOneThread()
    {
        // 128 dense rows x 160305 parameters: one chunk split into tiles over 2 and 3 workers (1 thread: the chunk path)
        AssertThreadIndependent<ImdbNet>(128, sparse: false);
    }

    [Fact]
    public void WeightsOfOneGiveTheBitsOfNoWeights()
    {
        AssertOnesAreNoWeights<BostonNet>(batchSize: 1, threads: 1, sparse: false); // fused one-row step
        AssertOnesAreNoWeights<BostonNet>(batchSize: 300, threads: 2, sparse: false); // chunks on two workers
        AssertOnesAreNoWeights<ImdbNet>(batchSize: 128, threads: 2, sparse: true); // multi-hot row-wise
        AssertOnesAreNoWeights<ImdbNet>(batchSize: 128, threads: 2, sparse: false); // tiles
        AssertOnesAreNoWeights<SparseLabelAdamNet>(batchSize: 64, threads: 3, sparse: false);
        AssertOnesAreNoWeights<HuberNet>(batchSize: 1, threads: 2, sparse: false);
    }

    [Fact]
    public void ClassWeightsGiveTheBitsOfTheEquivalentSampleWeights()
    {
        // binary 0/1 labels (one column, rounded)
        AssertClassWeightsAreSampleWeights<OddBinaryNet>(new Dictionary<int, double> { [0] = 0.3, [1] = 2.5 }, sparse: false, y => y[0] == 1 ? 2.5f : 0.3f);

        // one-hot targets (argmax); classes without an entry weigh 1
        AssertClassWeightsAreSampleWeights<SoftmaxAdamNet>(new Dictionary<int, double> { [0] = 2, [3] = 0.5 }, sparse: false, y => y[0] == 1 ? 2f : y[3] == 1 ? 0.5f : 1f);

        // class indices (sparse categorical cross-entropy), a zero weight, multi-hot inputs
        AssertClassWeightsAreSampleWeights<SparseLabelNet>(new Dictionary<int, double> { [6] = 3, [2] = 0 }, sparse: true, y => y[0] == 6 ? 3f : y[0] == 2 ? 0f : 1f);
    }

    [Fact]
    public void ClassWeightsFollowKerasRules()
    {
        var labels = new DenseMatrix([0.5f, 1.5f, 2.5f, -0.4f, 1f, 7f, -1f, 3.49f], 8, 1);
        var weights = ClassWeights.ToSampleWeights(labels, new Dictionary<int, double> { [0] = 0.25, [1] = 0.1, [2] = 4, [-1] = 9 });

        // np.round halves to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, -0.4 → 0; class 7 and class 3 have no entry (1, also beyond the largest key);
        // the weights are float32 (0.1 → 0.1f)
        Assert.Equal([0.25f, 4f, 4f, 0.25f, 0.1f, 1f, 9f, 1f], weights);

        // several columns: numpy's argmax (the first maximum; a NaN counts as the maximum)
        var onehot = new DenseMatrix([0.2f, 0.7f, 0.7f, 1f, 0f, 0f, 0f, float.NaN, 5f], 3, 3);
        Assert.Equal([2f, 3f, 2f], ClassWeights.ToSampleWeights(onehot, new Dictionary<int, double> { [0] = 3, [1] = 2 }));

        // an empty map weighs every row 1
        Assert.Equal([1f, 1f, 1f], ClassWeights.ToSampleWeights(onehot, new Dictionary<int, double>()));

        var error = Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(new DenseMatrix([1f, float.NaN], 2, 1), new Dictionary<int, double> { [1] = 2 }));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(new DenseMatrix([3e9f], 1, 1), new Dictionary<int, double> { [1] = 2 }));
        Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(labels, new Dictionary<int, double> { [1] = -0.5 }));
        Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(labels, new Dictionary<int, double> { [1] = double.NaN }));
        Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(labels, new Dictionary<int, double> { [1] = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>(() => ClassWeights.ToSampleWeights(labels, new Dictionary<int, double> { [1] = 1e300 })); // infinite as float32
    }

    [Fact]
    public void TheEpochLossIsTheWeightedSumOverTheRowsAndTheMetricAndPenaltyAreUnweighted()
    {
        const int Rows = 50;
        var (inputs, targets) = ModelHarness.RealValued(RegularizedRmsNet.Description, Rows, 4);
        var weights = Weights(Rows, 8);
        var data = new LabeledData(inputs, targets, weights);
        var model = RegularizedRmsNet.Create(3);
        var reference = new ReferenceNetwork(RegularizedRmsNet.Description, model.Parameters);
        int[] rows = ModelHarness.AllRows(Rows);
        var expected = reference.Evaluate(inputs, targets, rows, weights); // Σ wᵢℓᵢ + rows × penalty, Σ metric
        var unweighted = reference.Evaluate(inputs, targets, rows);
        Assert.True(Math.Abs(expected.LossSum - unweighted.LossSum) > 1e-3 * Math.Abs(unweighted.LossSum), "the weights should change the loss");

        using var trainer = new Trainer<RegularizedRmsNet>(model, threads: 2);
        var before = trainer.Evaluate(data);
        ModelHarness.AssertClose(expected.LossSum / Rows, before.Loss, 1e-6, 1e-5, "weighted evaluation loss (÷ rows, not ÷ Σw)");
        Assert.Equal(trainer.Evaluate(new LabeledData(inputs, targets)).Metric, before.Metric); // metrics stay unweighted
        ModelHarness.AssertClose(unweighted.MetricSum() / Rows, before.Metric, 1e-6, 1e-5, "metric");

        // one batch per epoch, no shuffle: the epoch loss is that batch's, before its step
        var history = trainer.Fit(data, data, new FitOptions { Epochs = 1, BatchSize = Rows, Shuffle = false });
        Assert.Equal(before.Loss, history.Loss[0], 12);
        Assert.Equal(before.Metric, history[RegularizedRmsNet.Description.MetricName!][0], 12);
        Assert.Equal(trainer.Evaluate(data).Loss, history.ValLoss[0]); // validation data with weights: a weighted val_loss
    }

    [Fact]
    public void ValidationSplitSplitsTheWeightsAndClassWeightsWeighOnlyTheTrainingRows()
    {
        const int Rows = 100;
        var (inputs, targets) = ModelHarness.RealValued(OddBinaryNet.Description, Rows, 5);
        var weights = Weights(Rows, 9);
        var withWeights = new LabeledData(inputs, targets, weights);
        var validation = withWeights.SliceRows(80, 20);
        Assert.Equal(weights.AsSpan(80, 20).ToArray(), validation.SampleWeights);

        var options = new FitOptions { Epochs = 2, BatchSize = 16, Seed = 4, ValidationSplit = 0.2 };
        var a = OddBinaryNet.Create(2);
        using (var trainer = new Trainer<OddBinaryNet>(a, threads: 2))
        {
            var history = trainer.Fit(withWeights, null, options);
            Assert.Equal(trainer.Evaluate(validation).Loss, history.ValLoss[^1]);
            Assert.NotEqual(trainer.Evaluate(validation with { SampleWeights = null }).Loss, history.ValLoss[^1]);
        }

        var b = OddBinaryNet.Create(2);
        using (var trainer = new Trainer<OddBinaryNet>(b, threads: 2))
        {
            var history = trainer.Fit(new LabeledData(inputs, targets), null, options with { ClassWeight = new Dictionary<int, double> { [0] = 0.2, [1] = 3 } });
            Assert.Equal(trainer.Evaluate(new LabeledData(inputs, targets).SliceRows(80, 20)).Loss, history.ValLoss[^1]);
        }

        var c = OddBinaryNet.Create(2);
        using (var trainer = new Trainer<OddBinaryNet>(c, threads: 2))
        {
            trainer.Fit(new LabeledData(inputs, targets), null, options);
        }

        Assert.NotEqual(c.Parameters, b.Parameters); // the class weights changed the training
    }

    [Fact]
    public void KFoldKeepsTheWeightsOfItsRows()
    {
        var (inputs, targets) = ModelHarness.RealValued(BostonNet.Description, 10, 1);
        var weights = Weights(10, 2);
        var (train, validation) = KFold.Split(new LabeledData(inputs, targets, weights), 5, 1);
        Assert.Equal(weights.AsSpan(2, 2).ToArray(), validation.SampleWeights);
        Assert.Equal([.. weights.AsSpan(0, 2), .. weights.AsSpan(4)], train.SampleWeights!);
    }

    [Fact]
    public void BadWeightsAreRefusedWithAClearMessage()
    {
        var (inputs, targets) = ModelHarness.RealValued(OddBinaryNet.Description, 10, 1);
        var data = new LabeledData(inputs, targets);
        float[] ones = [.. Enumerable.Repeat(1f, 10)];

        foreach (float bad in new[] { -0.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] weights = [.. ones];
            weights[3] = bad;
            Assert.Contains("sample weight 3", Assert.Throws<ArgumentException>(() => new LabeledData(inputs, targets, weights)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => data with { SampleWeights = weights });
        }

        // the wrong number of weights
        Assert.Contains("9 sample weights for 10 rows", Assert.Throws<ArgumentException>(() => new LabeledData(inputs, targets, new float[9])).Message, StringComparison.Ordinal);
        var shortWeights = data with { SampleWeights = new float[9] };
        var model = OddBinaryNet.Create(1);
        using var trainer = new Trainer<OddBinaryNet>(model);
        Assert.Contains("9 sample weights for 10 rows", Assert.Throws<ArgumentException>(() => trainer.Fit(shortWeights, null, new FitOptions())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, shortWeights, new FitOptions()));
        Assert.Throws<ArgumentException>(() => trainer.Evaluate(shortWeights));
        using (var context = new TrainingContext())
        {
            Assert.Throws<ArgumentException>(() => context.SetBatch(shortWeights, ModelHarness.AllRows(10), 0, 4));
        }

        var error = Assert.Throws<ArgumentException>(() => model.Backward(new Batch(inputs, targets, ModelHarness.AllRows(10), new float[9]), model.CreateWorkspace(10), model.Gradients));
        Assert.Contains("one sample weight per data-set row", error.Message, StringComparison.Ordinal);

        // a weight changed to NaN after it was attached is found before training
        float[] changed = [.. ones];
        var changedData = new LabeledData(inputs, targets, changed);
        changed[5] = float.NaN;
        Assert.Contains("sample weight 5", Assert.Throws<ArgumentException>(() => trainer.Fit(changedData, null, new FitOptions())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.Evaluate(changedData));

        // class weights and sample weights at once, as Keras refuses them; bad class weights
        var both = Assert.Throws<ArgumentException>(() => trainer.Fit(new LabeledData(inputs, targets, ones), null, new FitOptions { ClassWeight = new Dictionary<int, double> { [1] = 2 } }));
        Assert.Contains("ClassWeight", both.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.Fit(new LabeledData(inputs, targets, ones), null, new FitOptions { ClassWeight = new Dictionary<int, double> { [1] = 2 }, ValidationSplit = 0.2 }));
        Assert.Contains("class 1", Assert.Throws<ArgumentException>(() => trainer.Fit(data, null, new FitOptions { ClassWeight = new Dictionary<int, double> { [1] = -2 } })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, null, new FitOptions { ClassWeight = new Dictionary<int, double> { [0] = double.NaN } }));
        Assert.Equal(0, model.Iterations); // nothing trained
    }

    internal static void AssertThreadIndependent<T>(int batchSize, bool sparse)
        where T : class, IModelGradients<T>
    {
        int count = batchSize == 1 ? 40 : 700;
        var (inputs, targets) = Data(T.Description, count, sparse, 7);
        var data = new LabeledData(inputs, targets, Weights(count, 3));
        var validation = data.SliceRows(0, Math.Min(count, 100));
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 3 };
        ModelHarness.AssertFitIsThreadIndependent<T>(data, validation, options, $"{T.Description.Name}, batch {batchSize}");

        // TrainBatch (whichever path it takes) = Backward with the weights + Step
        int n = Math.Min(batchSize, count);
        var a = T.Create(9);
        var b = T.Create(9);
        int[] rows = [.. ModelHarness.AllRows(count).Reverse()];
        BatchStats trained;
        using (var context = new TrainingContext(threads: 2) { Seed = 3, Epoch = 1 })
        {
            context.SetBatch(data, rows, 0, n);
            trained = a.TrainBatch(context);
        }

        var stats = b.Backward(new Batch(inputs, targets, rows.AsSpan(0, n), data.SampleWeights), b.CreateWorkspace(TrainingContext.ChunkRows), b.Gradients);
        b.Step(1f / n);
        Assert.Equal(stats, trained);
        Assert.True(b.Parameters.AsSpan().SequenceEqual(a.Parameters), $"{T.Description.Name}, batch {batchSize}: weighted TrainBatch differs from Backward + Step");
    }

    private static void AssertOnesAreNoWeights<T>(int batchSize, int threads, bool sparse)
        where T : class, IModelGradients<T>
    {
        int count = batchSize == 1 ? 40 : 600;
        var (inputs, targets) = Data(T.Description, count, sparse, 12);
        float[] ones = [.. Enumerable.Repeat(1f, count)];
        var plain = new LabeledData(inputs, targets);
        var weighted = new LabeledData(inputs, targets, ones);
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 6 };

        var a = T.Create(3);
        var b = T.Create(3);
        History ha, hb;
        using (var trainer = new Trainer<T>(a, threads))
        {
            ha = trainer.Fit(plain, plain.SliceRows(0, 30), options);
        }

        using (var trainer = new Trainer<T>(b, threads))
        {
            hb = trainer.Fit(weighted, weighted.SliceRows(0, 30), options);
        }

        Assert.NotEqual(T.Create(3).Parameters, a.Parameters);
        Assert.True(a.Parameters.AsSpan().SequenceEqual(b.Parameters), $"{T.Description.Name}, batch {batchSize}: weights of 1 give other weights than none");
        foreach (string key in ha.Keys)
        {
            Assert.Equal(ha[key], hb[key]);
        }
    }

    private static void AssertClassWeightsAreSampleWeights<T>(IReadOnlyDictionary<int, double> classWeight, bool sparse, Func<float[], float> weightOf)
        where T : class, IModelGradients<T>
    {
        const int Count = 400;
        var (inputs, targets) = Data(T.Description, Count, sparse, 14);
        var weights = new float[Count];
        for (int r = 0; r < Count; r++)
        {
            weights[r] = weightOf(targets.Row(r).ToArray());
        }

        Assert.True(weights.Distinct().Count() > 1, "the class weights should weigh the rows differently");
        var validation = new LabeledData(inputs, targets).SliceRows(0, 80); // unweighted in both fits
        var options = new FitOptions { Epochs = 2, BatchSize = 64, Seed = 8 };
        var a = T.Create(4);
        var b = T.Create(4);
        var c = T.Create(4);
        History ha, hb;
        using (var trainer = new Trainer<T>(a, threads: 2))
        {
            ha = trainer.Fit(new LabeledData(inputs, targets), validation, options with { ClassWeight = classWeight });
        }

        using (var trainer = new Trainer<T>(b, threads: 2))
        {
            hb = trainer.Fit(new LabeledData(inputs, targets, weights), validation, options);
        }

        using (var trainer = new Trainer<T>(c, threads: 2))
        {
            trainer.Fit(new LabeledData(inputs, targets), validation, options);
        }

        Assert.True(a.Parameters.AsSpan().SequenceEqual(b.Parameters), $"{T.Description.Name}: class weights give other weights than the equivalent sample weights");
        foreach (string key in ha.Keys)
        {
            Assert.Equal(hb[key], ha[key]);
        }

        Assert.False(a.Parameters.AsSpan().SequenceEqual(c.Parameters), $"{T.Description.Name}: the class weights changed nothing");
    }

    /// <summary>Training steps through TrainBatch (the trainer's paths) with sample weights, against the reference's weighted gradient and step.</summary>
    private sealed class ReferenceCheck(bool sparse, int batchSize) : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            const int Rows = 23;
            var description = T.Description;
            var (inputs, targets) = Data(description, Rows, sparse, 5);
            var weights = Weights(Rows, 11);
            var data = new LabeledData(inputs, targets, weights);
            var model = T.Create(17);
            var reference = new ReferenceNetwork(description, model.Parameters, legacyEpsilon, momentum);
            int[] rows = [.. ModelHarness.AllRows(Rows).Reverse()]; // not in storage order

            // evaluation: Σ wᵢℓᵢ (+ the unweighted penalty), the metric unweighted
            var workspace = model.CreateWorkspace(8); // in blocks of 8 rows
            var stats = model.Evaluate(new Batch(inputs, targets, rows, weights), workspace);
            var expected = reference.Evaluate(inputs, targets, rows, weights);
            ModelHarness.AssertClose(expected.LossSum, stats.LossSum, 1e-5, 1e-5, "weighted loss");
            Assert.Equal(model.Evaluate(new Batch(inputs, targets, rows), workspace).MetricSum(), stats.MetricSum());
            ModelHarness.AssertClose(expected.MetricSum(), stats.MetricSum(), 1e-5, 1e-5, "metric");

            int steps = batchSize == 1 ? 8 : 4;
            using var context = new TrainingContext(threads: 1);
            for (int step = 0; step < steps; step++)
            {
                int start = batchSize == 1 ? step : 0;
                context.SetBatch(data, rows, start, batchSize);
                var trained = model.TrainBatch(context);
                var gradient = new double[description.ParameterCount];
                var referenceStats = reference.Backward(inputs, targets, rows.AsSpan(start, batchSize), gradient, weights);
                reference.Step(gradient, 1.0 / batchSize);
                string what = $"{description.Name}, batch {batchSize}, step {step + 1} (weight {(batchSize == 1 ? weights[rows[start]] : double.NaN)})";
                ModelHarness.AssertClose(referenceStats.LossSum, trained.LossSum, 1e-5, 2e-5, what + " loss");
                ModelHarness.AssertClose(referenceStats.MetricSum(), trained.MetricSum(), 1e-5, 1e-5, what + " metric");
                ModelHarness.AssertClose(reference.Parameters, model.Parameters, 4e-6, 2e-5, what + " parameters");
            }
        }
    }

    /// <summary>The reference's weighted gradient against central differences of its weighted loss (double).</summary>
    private sealed class ReferenceFiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            const int Rows = 9;
            var (inputs, targets) = Data(description, Rows, sparse: false, 21);
            var weights = Weights(Rows, 13);
            int[] rows = ModelHarness.AllRows(Rows);
            var reference = new ReferenceNetwork(description, T.Create(2).Parameters);
            var gradient = new double[description.ParameterCount];
            reference.Backward(inputs, targets, rows, gradient, weights);
            var unweighted = new double[description.ParameterCount];
            reference.Backward(inputs, targets, rows, unweighted);
            Assert.False(gradient.SequenceEqual(unweighted), "the weights should change the gradient");
            var penalty = reference.RegularizationGradient();
            var random = new DeterministicRandom(3);
            const double H = 1e-6;
            foreach (var layer in description.Layers)
            {
                for (int k = 0; k < 6; k++)
                {
                    foreach (int p in new[] { layer.KernelOffset + random.NextInt(layer.KernelLength), layer.BiasOffset + random.NextInt(layer.Units) })
                    {
                        double saved = reference.Parameters[p];
                        if (Math.Abs(saved) < 1e-5 && layer.IsRegularized)
                        {
                            continue; // |w| has a kink at 0 (a zero bias, before any step)
                        }

                        reference.Parameters[p] = saved + H;
                        double plus = reference.Evaluate(inputs, targets, rows, weights).LossSum;
                        reference.Parameters[p] = saved - H;
                        double minus = reference.Evaluate(inputs, targets, rows, weights).LossSum;
                        reference.Parameters[p] = saved;
                        ModelHarness.AssertClose((plus - minus) / (2 * H), gradient[p] + (Rows * penalty[p]), 1e-6, 1e-5, $"{description.Name}: d (Σ wℓ + rows x penalty) / d parameter {p}");
                    }
                }
            }
        }
    }

    /// <summary>The generated model's weighted gradient against central differences of its weighted loss (float).</summary>
    private sealed class GeneratedFiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            var (inputs, targets) = Data(description, 7, sparse: false, 21);
            var weights = Weights(7, 13);
            int[] rows = ModelHarness.AllRows(7);
            var model = T.Create(2);
            var workspace = model.CreateWorkspace(rows.Length);
            var gradient = new float[description.ParameterCount];
            model.Backward(new Batch(inputs, targets, rows, weights), workspace, gradient);
            const float H = 5e-4f;
            var random = new DeterministicRandom(3);
            foreach (var layer in description.Layers)
            {
                for (int k = 0; k < 4; k++)
                {
                    foreach (int p in new[] { layer.KernelOffset + random.NextInt(layer.KernelLength), layer.BiasOffset + random.NextInt(layer.Units) })
                    {
                        float saved = model.Parameters[p];
                        model.Parameters[p] = saved + H;
                        double plus = model.Evaluate(new Batch(inputs, targets, rows, weights), workspace).LossSum;
                        model.Parameters[p] = saved - H;
                        double minus = model.Evaluate(new Batch(inputs, targets, rows, weights), workspace).LossSum;
                        model.Parameters[p] = saved;
                        double step = (double)(saved + H) - (saved - H);
                        ModelHarness.AssertClose((plus - minus) / step, gradient[p], 2e-3, 2e-2, $"{description.Name}: generated d Σ wℓ / d parameter {p}");
                    }
                }
            }
        }
    }
}

/// <summary>Weighted training allocates nothing after the first epoch (run alone, as every allocation measurement).</summary>
[Collection(AllocationMeasurements.Name)]
public class SampleWeightAllocationTests
{
    [Fact]
    public void WeightedTrainingAllocatesNothingAfterTheFirstEpoch()
    {
        // the fused one-row step with sample weights, a weighted validation set
        var (inputs, targets) = ModelHarness.RealValued(BostonNet.Description, 60, 2);
        var boston = new LabeledData(inputs, targets, SampleWeightTests.Weights(60, 1));
        using (var trainer = new Trainer<BostonNet>(BostonNet.Create(1), threads: 2))
        {
            Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(boston, boston.SliceRows(0, 20), new FitOptions { Epochs = 3, BatchSize = 1, Seed = 1 })));
        }

        // class weights on multi-hot rows (the row-wise first kernel, chunks on two workers)
        var (sparse, labels) = ModelHarness.MultiHot(ImdbNet.Description, 700, 0.01, 2);
        var imdb = new LabeledData(sparse, labels);
        using (var trainer = new Trainer<ImdbNet>(ImdbNet.Create(1), threads: 2))
        {
            Assert.Equal(0, AllocationMeasurements.LeastAfterFirstEpoch(() => trainer.Fit(imdb, imdb.SliceRows(0, 100), new FitOptions { Epochs = 3, BatchSize = 256, Seed = 1, ClassWeight = new Dictionary<int, double> { [0] = 0.5, [1] = 2 } })));
        }
    }
}

/// <summary>The models here declare one additive metric (accuracy or MAE): its sum.</summary>
internal static class BatchStatsMetricSum
{
    public static double MetricSum(this AotNet.Training.BatchStats stats) => stats.Hits + stats.AbsoluteErrors + stats.SquaredErrors;
}
