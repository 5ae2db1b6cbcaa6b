using AotNet.Data;
using AotNet.Training;

namespace AotNet.Tests.Training;

[Collection(AllocationMeasurements.Name)]
public class TrainerTests
{
    private static LabeledData MakeData(int n, ulong seed = 3) => LinearTestModel.MakeData(n, seed);

    private static (History History, float[] Weights) Train(int threads, FitOptions options, int n = 103)
    {
        var model = LinearTestModel.Create(11);
        using var trainer = new Trainer<LinearTestModel>(model, threads);
        var data = MakeData(n);
        var history = trainer.Fit(data.SliceRows(20, n - 20), data.SliceRows(0, 20), options);
        return (history, model.Parameters.ToArray());
    }

    [Fact]
    public void LearnsALinearFunction()
    {
        var (history, weights) = Train(1, new FitOptions { Epochs = 60, BatchSize = 10, Seed = 1 });
        Assert.True(history.Loss[^1] < 0.01 * history.Loss[0], $"loss {history.Loss[0]} -> {history.Loss[^1]}");
        Assert.Equal(2f, weights[0], 0.1f);
        Assert.Equal(-1f, weights[1], 0.1f);
        Assert.Equal(1f, weights[3], 0.1f);
        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], history.Keys);
        Assert.Equal(60, history["val_mae"].Count);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AnyThreadCountGivesBitIdenticalResults(int threads)
    {
        var options = new FitOptions { Epochs = 5, BatchSize = 17, Seed = 9 };
        var (h1, w1) = Train(1, options, n: 1100);
        var (hn, wn) = Train(threads, options, n: 1100);
        Assert.Equal(w1, wn);
        foreach (string key in h1.Keys)
        {
            Assert.Equal(h1[key], hn[key]);
        }
    }

    [Fact]
    public void KeepsTheLastPartialBatchAndStepsOncePerBatch()
    {
        var model = LinearTestModel.Create(1);
        using var trainer = new Trainer<LinearTestModel>(model, 1);
        trainer.Fit(MakeData(70), null, new FitOptions { Epochs = 3, BatchSize = 32 });
        Assert.Equal(3 * 3, model.Steps); // 32 + 32 + 6
    }

    [Fact]
    public void EpochLossIsTheSampleWeightedMeanOfBatchLosses()
    {
        // with a zero learning rate the weights never move, so the epoch loss must equal evaluate() on the same rows
        float saved = LinearTestModel.LearningRate;
        LinearTestModel.LearningRate = 0;
        try
        {
            var model = LinearTestModel.Create(5);
            using var trainer = new Trainer<LinearTestModel>(model, 1);
            var data = MakeData(75);
            var history = trainer.Fit(data, null, new FitOptions { Epochs = 1, BatchSize = 32 });
            var evaluation = trainer.Evaluate(data);
            Assert.Equal(evaluation.Loss, history.Loss[0], 1e-9);
            Assert.Equal(evaluation.Metric, history["mae"][0], 1e-9);
        }
        finally
        {
            LinearTestModel.LearningRate = saved;
        }
    }

    [Fact]
    public void ShufflesEveryEpochUnlessToldNot()
    {
        var model = LinearTestModel.Create(1);
        model.RowsSeen = [];
        using var trainer = new Trainer<LinearTestModel>(model, 1);
        trainer.Fit(MakeData(20), null, new FitOptions { Epochs = 2, BatchSize = 8, Seed = 4 });
        var first = model.RowsSeen.Take(20).ToArray();
        var second = model.RowsSeen.Skip(20).ToArray();
        Assert.Equal(Enumerable.Range(0, 20), first.Order());
        Assert.Equal(Enumerable.Range(0, 20), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 20), first);

        model.RowsSeen = [];
        trainer.Fit(MakeData(20), null, new FitOptions { Epochs = 2, BatchSize = 8, Shuffle = false });
        Assert.Equal(Enumerable.Range(0, 20).Concat(Enumerable.Range(0, 20)), model.RowsSeen);
    }

    [Fact]
    public void AllocatesNothingAfterTheFirstEpoch()
    {
        var (history, _) = Train(2, new FitOptions { Epochs = 4, BatchSize = 16, Seed = 2 });
        Assert.Equal(0, history.AllocatedBytesAfterFirstEpoch);
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        // a learning rate far too high makes the validation loss grow from the first epoch on
        float saved = LinearTestModel.LearningRate;
        LinearTestModel.LearningRate = 1.2f;
        try
        {
            var options = new FitOptions
            {
                Epochs = 50,
                BatchSize = 8,
                TerminateOnNaN = false,
                EarlyStopping = new EarlyStopping { Monitor = "val_loss", Patience = 2, RestoreBestWeights = true },
            };
            var model = LinearTestModel.Create(11);
            using var trainer = new Trainer<LinearTestModel>(model, 1);
            var data = MakeData(60);
            var history = trainer.Fit(data.SliceRows(10, 50), data.SliceRows(0, 10), options);
            Assert.True(history.Epochs < 50);
            int best = history.BestEpoch("val_loss");
            Assert.Equal(best, history.RestoredEpoch);
            Assert.Equal(best + 3, history.Epochs);
            Assert.Equal(history.ValLoss[best - 1], trainer.Evaluate(data.SliceRows(0, 10)).Loss, 1e-6);
        }
        finally
        {
            LinearTestModel.LearningRate = saved;
        }
    }

    [Fact]
    public void EarlyStoppingWithoutRestoreKeepsTheLastWeights()
    {
        // the same run as above without RestoreBestWeights: it stops at the same epoch and keeps the last epoch's weights
        float saved = LinearTestModel.LearningRate;
        LinearTestModel.LearningRate = 1.2f;
        try
        {
            var options = new FitOptions
            {
                Epochs = 50,
                BatchSize = 8,
                TerminateOnNaN = false,
                EarlyStopping = new EarlyStopping { Monitor = "val_loss", Patience = 2 },
            };
            var model = LinearTestModel.Create(11);
            using var trainer = new Trainer<LinearTestModel>(model, 1);
            var data = MakeData(60);
            var history = trainer.Fit(data.SliceRows(10, 50), data.SliceRows(0, 10), options);
            int best = history.BestEpoch("val_loss");
            Assert.Equal(best + 3, history.Epochs);
            Assert.Equal(0, history.RestoredEpoch);
            Assert.Equal(history.ValLoss[^1], trainer.Evaluate(data.SliceRows(0, 10)).Loss, 1e-6);
        }
        finally
        {
            LinearTestModel.LearningRate = saved;
        }
    }

    [Fact]
    public void ADivergingLossStopsTraining()
    {
        float saved = LinearTestModel.LearningRate;
        LinearTestModel.LearningRate = 50f;
        try
        {
            var ex = Assert.Throws<TrainingDivergedException>(() => Train(1, new FitOptions { Epochs = 200, BatchSize = 4 }));
            Assert.Contains("loss", ex.Message);
        }
        finally
        {
            LinearTestModel.LearningRate = saved;
        }
    }

    [Fact]
    public void RefusesDataOfTheWrongShape()
    {
        var model = LinearTestModel.Create(1);
        using var trainer = new Trainer<LinearTestModel>(model);
        var wrong = new LabeledData(new DenseMatrix(4, 5), new DenseMatrix(4, 1));
        Assert.Throws<ArgumentException>(() => trainer.Fit(wrong, null, new FitOptions()));
    }
}
