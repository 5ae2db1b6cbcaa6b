using System.Xml.Linq;
using AotNet.App.Results;
using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

public class TutorialChartsTests
{
    [Fact]
    public void HistoryIsRedDotsAndCyanLineOverOneBasedEpochs()
    {
        var chart = HistoryCharts.History("Training and validation loss", "Loss", "Training loss", [0.5, 0.3, 0.2], "Validation loss", [0.4, 0.35, 0.38], bestEpoch: 2);
        Assert.Equal("Epochs", chart.XLabel);
        Assert.Equal(SeriesStyle.Markers, chart.Series[0].Style);
        Assert.Equal(MatplotlibColors.Red, chart.Series[0].Color);
        Assert.Equal(SeriesStyle.Line, chart.Series[1].Style);
        Assert.Equal("#00bfbf", chart.Series[1].Color);
        Assert.Equal([1.0, 2, 3], chart.Series[0].X);
        Assert.Equal("best epoch 2", Assert.Single(chart.Markers).Label);
        Assert.NotNull(XDocument.Parse(SvgLineChart.Render(chart)).Root);
    }

    [Fact]
    public void SmoothedMaeStartsAfterSkippedEpochsAndMarksItsMinimum()
    {
        double[] mae = [.. Enumerable.Range(1, 100).Select(e => 2 + Math.Abs(e - 40) / 50.0)];
        var chart = TutorialCharts.SmoothedMae(mae, SmoothingKind.Seed);
        var s = Assert.Single(chart.Series);
        Assert.Equal(11, s.X[0]);
        Assert.Equal(100, s.X[^1]);
        Assert.Equal(mae[10], s.Y[0]);
        // seed smoothing of a V: minimum where 0.1·x[i−1] + 0.9·x[i] is least, i.e. epoch 40 (2.002) vs 41 (2.018)
        Assert.Equal("lowest smoothed MAE: epoch 40", Assert.Single(chart.Markers).Label);
        Assert.Contains("seed, alpha 0.1", s.Name);
        Assert.Contains("book EMA, factor 0.9", Assert.Single(TutorialCharts.SmoothedMae(mae, SmoothingKind.BookEma).Series).Name);
    }

    [Fact]
    public void BestEpochSkipsNonFiniteAndKeepsTheFirstOfTies()
    {
        double[] epochs = [1, 2, 3, 4];
        Assert.Equal(3, HistoryCharts.BestEpoch(epochs, [0.5, double.NaN, 0.2, 0.2], lowerIsBetter: true));
        Assert.Equal(1, HistoryCharts.BestEpoch(epochs, [0.9, 0.8, double.PositiveInfinity, 0.9], lowerIsBetter: false));
        Assert.Null(HistoryCharts.BestEpoch(epochs, [double.NaN, double.NaN, double.NaN, double.NaN], lowerIsBetter: true));
    }
}
