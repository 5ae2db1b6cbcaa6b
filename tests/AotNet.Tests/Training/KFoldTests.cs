using AotNet.Data;
using AotNet.Training;

namespace AotNet.Tests.Training;

public class KFoldTests
{
    private static LabeledData Numbered(int n)
    {
        var x = new DenseMatrix(n, 2);
        var y = new DenseMatrix(n, 1);
        for (int i = 0; i < n; i++)
        {
            x.Row(i)[0] = i;
            x.Row(i)[1] = -i;
            y.Row(i)[0] = i;
        }

        return new LabeledData(x, y);
    }

    [Fact]
    public void SplitsLikeTheSeed()
    {
        // 404 // 5 = 80: fold 2 validates on 160..239 and trains on 0..159 then 240..403 (324 samples)
        var (train, validation) = KFold.Split(Numbered(404), 5, 2);
        Assert.Equal(80, validation.Count);
        Assert.Equal(324, train.Count);
        Assert.Equal(Enumerable.Range(160, 80).Select(i => (float)i), validation.Targets.Data);
        Assert.Equal(Enumerable.Range(0, 160).Concat(Enumerable.Range(240, 164)).Select(i => (float)i), train.Targets.Data);
        Assert.Equal(-239f, validation.Inputs.Dense!.Row(79)[1]);
    }

    [Fact]
    public void TheLastFoldLeavesTheRemainderInTraining()
    {
        var (train, validation) = KFold.Split(Numbered(404), 5, 4);
        Assert.Equal(320f, validation.Targets.Data[0]);
        Assert.Equal(399f, validation.Targets.Data[^1]);
        Assert.Equal([400f, 401f, 402f, 403f], train.Targets.Data[^4..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    public void RefusesImpossibleFoldCounts(int folds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KFold.Split(Numbered(10), folds, 0));
    }
}
