using AotNet.Data;
using AotNet.Training;

namespace AotNet.Tests.Training;

public class CrossValidationTests
{
    private static LabeledData Data(int n) => LinearTestModel.MakeData(n, seed: 8);

    [Fact]
    public void FoldsAreIndependentOfTheThreadCount()
    {
        var options = new FitOptions { Epochs = 6, BatchSize = 1 };
        var one = CrossValidation.Run<LinearTestModel>(Data(52), 4, options, seed: 3, threads: 1);
        var three = CrossValidation.Run<LinearTestModel>(Data(52), 4, options, seed: 3, threads: 3);
        Assert.Equal(4, one.Length);
        for (int f = 0; f < 4; f++)
        {
            Assert.Equal(f, three[f].Fold);
            Assert.Equal(one[f].History["val_mae"], three[f].History["val_mae"]);
            Assert.Equal(one[f].Validation, three[f].Validation);
        }

        // different folds start from different weights and see different data
        Assert.NotEqual(one[0].History["val_mae"], one[1].History["val_mae"]);
    }

    [Fact]
    public void EachFoldReportsItsLiveProgressWhenItStarts()
    {
        var seen = new TrainingProgress?[3];
        var options = new FitOptions { Epochs = 4, BatchSize = 5 };
        CrossValidation.Run<LinearTestModel>(Data(30), 3, options, seed: 3, threads: 2, onFoldStart: (fold, progress) => seen[fold] = progress);
        Assert.All(seen, p =>
        {
            Assert.NotNull(p);
            Assert.Equal(4, p!.Epochs); // the fold's trainer filled it in as it trained: its last epoch and batch
            Assert.Equal(4, p.Epoch);
            Assert.Equal(p.Batches, p.Batch);
        });
        Assert.Equal(3, seen.Distinct().Count());
    }

    [Fact]
    public void MeanCurveAveragesEpochByEpoch()
    {
        var folds = CrossValidation.Run<LinearTestModel>(Data(40), 2, new FitOptions { Epochs = 3, BatchSize = 4 }, seed: 1);
        var mean = CrossValidation.MeanCurve(folds, "val_mae");
        Assert.Equal(3, mean.Length);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal((folds[0].History["val_mae"][e] + folds[1].History["val_mae"][e]) / 2, mean[e], 1e-12);
        }
    }

    [Fact]
    public void AFailingFoldSurfacesItsException()
    {
        var data = Data(20);
        data.Inputs.Dense!.Row(3)[0] = float.PositiveInfinity;
        Assert.Throws<TrainingDivergedException>(() =>
            CrossValidation.Run<LinearTestModel>(data, 2, new FitOptions { Epochs = 2, BatchSize = 2 }, seed: 1, threads: 2));
    }
}
