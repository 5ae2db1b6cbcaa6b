using AotNet.Data;
using AotNet.Kernels;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>
/// Several metrics per model: Keras's names and order in History, values against an independent computation from the
/// predictions of the weights each batch saw (AUC by Keras's threshold definition, not its bucket shortcut), every
/// training strategy (fused row, chunks, tiles, multi-hot row-wise), thread counts, no allocation.
/// </summary>
public class MetricTests
{
    [Fact]
    public void AucPrecisionAndRecallGiveKerasDocstringValues()
    {
        // keras.metrics.AUC: update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]) -> 0.75 (also with 200 thresholds: no two in a bucket)
        Assert.Equal(0.75, Confusion([0, 0, 1, 1], [0f, 0.5f, 0.3f, 0.9f]).Auc, 12);

        // keras.metrics.Precision / Recall: update_state([0, 1, 1, 1], [1, 0, 1, 1]) -> 0.6666667 each
        var (_, precision, recall) = Confusion([0, 1, 1, 1], [1f, 0f, 1f, 1f]);
        Assert.Equal(2.0 / 3, precision, 12);
        Assert.Equal(2.0 / 3, recall, 12);

        // no predicted positive: precision 0 (divide_no_nan); no positive target: recall 0
        Assert.Equal(0, Confusion([1, 0], [0.2f, 0.4f]).Precision);
        Assert.Equal(0, Confusion([0, 0], [0.9f, 0.4f]).Recall);

        // a perfect ranking, a reversed one, one constant prediction
        Assert.Equal(1, Confusion([0, 0, 1, 1], [0.1f, 0.2f, 0.7f, 0.8f]).Auc, 12);
        Assert.Equal(0, Confusion([1, 1, 0, 0], [0.1f, 0.2f, 0.7f, 0.8f]).Auc, 12);
        Assert.Equal(0.5, Confusion([1, 0, 1, 0], [0.3f, 0.3f, 0.3f, 0.3f]).Auc, 12);
    }

    [Fact]
    public void AucBucketsAgreeWithKerasThresholdDefinition()
    {
        var random = new DeterministicRandom(11);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 1 + random.NextInt(600);
            var labels = new float[n];
            var predictions = new float[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = random.NextSingle() < 0.4f ? 1f : 0f;
                float p = random.NextSingle();
                predictions[i] = (i % 17) switch
                {
                    0 => 0f,
                    1 => 1f,
                    2 => 0.5f,
                    3 => -0.25f, // clipped to 0
                    4 => 1.5f, // clipped to 1
                    _ => Math.Clamp(p + (labels[i] * 0.3f * random.NextSingle()), 0f, 1f),
                };
            }

            Assert.Equal(KerasAuc(labels, predictions), Confusion(labels, predictions).Auc, 12);
        }
    }

    [Fact]
    public void AucBucketIsKerasCeilMinusOne()
    {
        Assert.Equal(0, MetricKernels.AucBucket(0f));
        Assert.Equal(0, MetricKernels.AucBucket(-3f));
        Assert.Equal(0, MetricKernels.AucBucket(float.NaN));
        Assert.Equal(0, MetricKernels.AucBucket(1e-9f));
        Assert.Equal(198, MetricKernels.AucBucket(1f));
        Assert.Equal(198, MetricKernels.AucBucket(7f));
        Assert.Equal(99, MetricKernels.AucBucket(0.5f)); // 99.5 -> 100 - 1
        Assert.Equal(1, MetricKernels.AucBucket(1.5f / 199));
    }

    [Fact]
    public void HistoryHasEveryMetricUnderItsKerasNameInOrder()
    {
        var (inputs, targets) = ModelHarness.RealValued(AllMetricsNet.Description, 60, 1);
        var data = new LabeledData(inputs, targets);
        using var trainer = new Trainer<AllMetricsNet>(AllMetricsNet.Create(1));
        var history = trainer.Fit(data, data, new FitOptions { Epochs = 2, BatchSize = 16 });
        Assert.Equal(
            ["loss", "accuracy", "mae", "mse", "auc", "precision", "recall", "val_loss", "val_accuracy", "val_mae", "val_mse", "val_auc", "val_precision", "val_recall"],
            history.Keys);
        Assert.Equal(["accuracy", "mae", "mse", "auc", "precision", "recall"], AllMetricsNet.Description.MetricNames);
        Assert.Equal("accuracy", history.MetricName);
        foreach (string key in history.Keys)
        {
            Assert.Equal(2, history[key].Count);
            Assert.All(history[key], v => Assert.True(double.IsFinite(v), key));
        }

        var evaluation = trainer.Evaluate(data);
        Assert.Equal(AllMetricsNet.Description.MetricNames, evaluation.MetricNames);
        foreach (string name in evaluation.MetricNames)
        {
            Assert.Equal(history["val_" + name][^1], evaluation[name]);
        }

        Assert.Equal(history.ValLoss[^1], evaluation["loss"]);
        Assert.Equal(evaluation["accuracy"], evaluation.Metric);
        Assert.Throws<KeyNotFoundException>(() => evaluation["f1"]);
        Assert.Throws<KeyNotFoundException>(() => history["val_f1"]);
    }

    public static TheoryData<string, int, int> Strategies => new()
    {
        { nameof(AllMetricsNet), 300, 1 }, // two chunks on one thread
        { nameof(AllMetricsNet), 300, 2 }, // two chunks on two workers
        { nameof(WideMetricsNet), 200, 2 }, // one chunk split into tiles
        { nameof(SparseMetricsNet), 300, 2 }, // multi-hot: the first kernel row-wise
        { nameof(CategoricalMetricsNet), 300, 2 },
        { nameof(RegressionMetricsNet), 300, 1 },
    };

    /// <summary>
    /// One batch per epoch: epoch e's training metrics are those of the predictions before step e, its validation metrics
    /// those after it; each computed here from <c>Predict</c> of a twin model trained alongside.
    /// </summary>
    [Theory]
    [MemberData(nameof(Strategies))]
    public void EpochMetricsAreThoseOfThePredictionsEachBatchSaw(string model, int rows, int threads)
    {
        switch (model)
        {
            case nameof(AllMetricsNet): CheckOneBatchPerEpoch<AllMetricsNet>(rows, threads, sparse: false); break;
            case nameof(WideMetricsNet): CheckOneBatchPerEpoch<WideMetricsNet>(rows, threads, sparse: false); break;
            case nameof(SparseMetricsNet): CheckOneBatchPerEpoch<SparseMetricsNet>(rows, threads, sparse: true); break;
            case nameof(CategoricalMetricsNet): CheckOneBatchPerEpoch<CategoricalMetricsNet>(rows, threads, sparse: false); break;
            default: CheckOneBatchPerEpoch<RegressionMetricsNet>(rows, threads, sparse: false); break;
        }
    }

    [Fact]
    public void TheFusedOneRowStepCountsEachRowBeforeItsOwnStep()
    {
        const int Rows = 40;
        var (inputs, targets) = ModelHarness.RealValued(AllMetricsNet.Description, Rows, 5);
        var data = new LabeledData(inputs, targets);
        var model = AllMetricsNet.Create(2);
        using var trainer = new Trainer<AllMetricsNet>(model);
        var history = trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 1, Shuffle = false });

        // the same steps through Backward + Step, predicting each row just before its step
        var twin = AllMetricsNet.Create(2);
        var workspace = twin.CreateWorkspace(1);
        var predictions = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            var batch = new Batch(inputs, targets, new[] { r });
            twin.Predict(batch, workspace, predictions.AsSpan(r, 1));
            Array.Clear(twin.Gradients);
            twin.Backward(batch, workspace, twin.Gradients);
            twin.Step(1f);
        }

        Assert.Equal(twin.Parameters, model.Parameters);
        AssertMetrics(AllMetricsNet.Description, predictions, targets, history, epoch: 0, prefix: string.Empty);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(700)]
    public void EveryMetricIsTheSameForAnyThreadCount(int batchSize)
    {
        AssertThreadIndependent<AllMetricsNet>(batchSize, sparse: false);
        AssertThreadIndependent<SparseMetricsNet>(batchSize, sparse: true);
        if (batchSize > 1)
        {
            AssertThreadIndependent<WideMetricsNet>(batchSize, sparse: false);
        }
    }

    [Fact]
    public void MonitorsMaximiseAccuracyAucPrecisionAndRecall()
    {
        foreach (string key in new[] { "accuracy", "val_accuracy", "auc", "val_auc", "precision", "val_precision", "recall", "val_recall" })
        {
            Assert.True(MetricValues.Maximise(key), key);
            Assert.True(new EarlyStopping { Monitor = key }.Maximise, key);
        }

        foreach (string key in new[] { "loss", "val_loss", "mae", "val_mae", "mse", "val_mse" })
        {
            Assert.False(MetricValues.Maximise(key), key);
        }

        // BestEpoch and EarlyStopping follow it: the epoch of the highest val_auc
        var (inputs, targets) = ModelHarness.RealValued(AllMetricsNet.Description, 80, 3);
        var data = new LabeledData(inputs, targets);
        using var trainer = new Trainer<AllMetricsNet>(AllMetricsNet.Create(3));
        var history = trainer.Fit(data, data.SliceRows(0, 30), new FitOptions { Epochs = 6, BatchSize = 8 });
        var auc = history["val_auc"];
        Assert.Equal(auc.ToList().IndexOf(auc.Max()) + 1, history.BestEpoch("val_auc"));
    }

    private static void CheckOneBatchPerEpoch<T>(int rows, int threads, bool sparse)
        where T : class, IModel<T>
    {
        var (data, targets) = MakeData<T>(rows, sparse, seed: 4);
        var model = T.Create(6);
        var twin = T.Create(6);
        using var trainer = new Trainer<T>(model, threads);
        using var twinTrainer = new Trainer<T>(twin, threads);
        const int Epochs = 3;
        var history = trainer.Fit(data, data, new FitOptions { Epochs = Epochs, BatchSize = rows, Shuffle = false });
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            AssertMetrics(T.Description, twinTrainer.Predict(data.Inputs).Data, targets, history, epoch, prefix: string.Empty);
            twinTrainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = rows, Shuffle = false });
            AssertMetrics(T.Description, twinTrainer.Predict(data.Inputs).Data, targets, history, epoch, prefix: "val_");
        }

        Assert.Equal(twin.Parameters, model.Parameters);
    }

    private static (LabeledData Data, DenseMatrix Targets) MakeData<T>(int rows, bool sparse, ulong seed)
        where T : class, IModel<T>
    {
        if (sparse)
        {
            var (csr, t) = ModelHarness.MultiHot(T.Description, rows, 0.05, seed);
            return (new LabeledData(csr, t), t);
        }

        var (dense, targets) = ModelHarness.RealValued(T.Description, rows, seed);
        return (new LabeledData(dense, targets), targets);
    }

    /// <summary>The history's metrics of one epoch against their definitions over <paramref name="predictions"/>.</summary>
    private static void AssertMetrics(ModelDescription description, float[] predictions, DenseMatrix targets, History history, int epoch, string prefix)
    {
        int n = targets.Rows, outputs = description.Outputs;
        foreach (string name in description.MetricNames)
        {
            double expected = 0;
            switch (name)
            {
                case "accuracy":
                    for (int r = 0; r < n; r++)
                    {
                        var p = predictions.AsSpan(r * outputs, outputs);
                        var y = targets.Row(r);
                        expected += outputs == 1 ? ((p[0] > 0.5f) == (y[0] > 0.5f) ? 1 : 0) : (ArgMax(p) == ArgMax(y) ? 1 : 0);
                    }

                    expected /= n;
                    break;
                case "mae":
                case "mse":
                    for (int r = 0; r < n; r++)
                    {
                        double row = 0;
                        for (int j = 0; j < outputs; j++)
                        {
                            double e = predictions[(r * outputs) + j] - (double)targets.Row(r)[j];
                            row += name == "mae" ? Math.Abs(e) : e * e;
                        }

                        expected += row / outputs;
                    }

                    expected /= n;
                    break;
                default:
                    var labels = new float[n];
                    var p1 = new float[n];
                    for (int r = 0; r < n; r++)
                    {
                        labels[r] = targets.Row(r)[0];
                        p1[r] = predictions[r];
                    }

                    var confusion = Confusion(labels, p1);
                    expected = name switch
                    {
                        "auc" => KerasAuc(labels, p1),
                        "precision" => confusion.Precision,
                        _ => confusion.Recall,
                    };
                    break;
            }

            double actual = history[prefix + name][epoch];
            Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{description.Name} epoch {epoch + 1} {prefix}{name}: expected {expected:R}, history has {actual:R}");
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values) => MetricKernels.ArgMax(values);

    /// <summary>AUC, precision and recall through the kernels the models use (CountConfusion, MetricValues).</summary>
    private static (double Auc, double Precision, double Recall) Confusion(float[] labels, float[] predictions)
    {
        var counters = new long[MetricValues.AucCounterCount];
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            MetricKernels.CountConfusion(predictions[i], labels[i], ref tp, ref fp, ref fn, counters);
        }

        var values = new double[3];
        MetricValues.Compute(Metric.Auc | Metric.Precision | Metric.Recall, new BatchStats(0, TruePositives: tp, FalsePositives: fp, FalseNegatives: fn), labels.Length, counters, values);
        return (values[0], values[1], values[2]);
    }

    /// <summary>
    /// Keras's AUC by its definition (the O(thresholds × rows) path of metrics_utils): thresholds −1e-7, 1/199, …, 198/199,
    /// 1 + 1e-7; TP_i and FP_i count predictions (clipped to [0, 1]) above threshold i; interpolated ROC area.
    /// </summary>
    private static double KerasAuc(float[] labels, float[] predictions)
    {
        const int T = 200;
        var thresholds = new double[T];
        thresholds[0] = -1e-7;
        thresholds[T - 1] = 1 + 1e-7;
        for (int i = 1; i < T - 1; i++)
        {
            thresholds[i] = i * 1.0 / (T - 1);
        }

        var tpr = new double[T];
        var fpr = new double[T];
        double positives = labels.Count(l => l != 0), negatives = labels.Length - positives;
        for (int i = 0; i < T; i++)
        {
            double tp = 0, fp = 0;
            for (int r = 0; r < labels.Length; r++)
            {
                // in float32, as Keras compares: the threshold rounded to float
                if (Math.Clamp(predictions[r], 0f, 1f) > (float)thresholds[i])
                {
                    tp += labels[r] != 0 ? 1 : 0;
                    fp += labels[r] != 0 ? 0 : 1;
                }
            }

            tpr[i] = positives == 0 ? 0 : tp / positives;
            fpr[i] = negatives == 0 ? 0 : fp / negatives;
        }

        double area = 0;
        for (int i = T - 2; i >= 0; i--)
        {
            area += (fpr[i] - fpr[i + 1]) * ((tpr[i] + tpr[i + 1]) / 2);
        }

        return area;
    }

    private static void AssertThreadIndependent<T>(int batchSize, bool sparse)
        where T : class, IModel<T>
    {
        int count = batchSize == 1 ? 40 : 700;
        var (data, _) = MakeData<T>(count, sparse, seed: 7);
        ModelHarness.AssertFitIsThreadIndependent<T>(data, data.SliceRows(0, Math.Min(count, 300)), new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = 3 }, $"{T.Description.Name}, batch {batchSize}");
    }
}

/// <summary>Metrics (AUC's counters, the confusion counts) allocate nothing after the first epoch.</summary>
[Collection(AllocationMeasurements.Name)]
public class MetricAllocationTests
{
    [Fact]
    public void MetricsAllocateNothingAfterTheFirstEpoch()
    {
        var (sparse, targets) = ModelHarness.MultiHot(SparseMetricsNet.Description, 700, 0.05, 2);
        using var sparseTrainer = new Trainer<SparseMetricsNet>(SparseMetricsNet.Create(1), threads: 2);
        var data = new LabeledData(sparse, targets);
        long allocated = AllocationMeasurements.LeastAfterFirstEpoch(() => sparseTrainer.Fit(data, data, new FitOptions { Epochs = 4, BatchSize = 128, Seed = 1 }));
        Assert.True(allocated == 0, $"multi-hot: {allocated} B");

        var (inputs, denseTargets) = ModelHarness.RealValued(AllMetricsNet.Description, 300, 2);
        var dense = new LabeledData(inputs, denseTargets);
        using var denseTrainer = new Trainer<AllMetricsNet>(AllMetricsNet.Create(1), threads: 2);
        allocated = AllocationMeasurements.LeastAfterFirstEpoch(() => denseTrainer.Fit(dense, dense, new FitOptions { Epochs = 3, BatchSize = 1, Seed = 1 }));
        Assert.True(allocated == 0, $"dense, batch 1: {allocated} B");
    }
}
