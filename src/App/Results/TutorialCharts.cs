using System.Globalization;
using AotNet.Reporting;

namespace AotNet.App.Results;

/// <summary>
/// The tutorial's Boston figures (the loss and accuracy figures are <see cref="HistoryCharts"/>'): the mean validation
/// MAE over epochs 1…500, every fold's curve, and the smoothed curve over epochs 11…500, in the same style.
/// </summary>
internal static class TutorialCharts
{
    /// <summary>matplotlib's default colour cycle (tab10), for one line per fold.</summary>
    internal static readonly string[] FoldColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>
    /// Boston: the mean over folds of the validation MAE per epoch, as a cyan line. With <paramref name="clipAfter"/>
    /// epochs given, the y axis covers the curve from epoch <c>clipAfter + 1</c> on (the book's view without its first
    /// epochs), so the steep start does not squash the range that matters; the title says when points run off the top.
    /// </summary>
    internal static LineChart MeanValidationMae(IReadOnlyList<double> meanMae, int? bestEpoch = null, int clipAfter = 0, string? markerLabel = null)
    {
        var (yMin, yMax, above) = ClippedRange([meanMae], clipAfter);
        return new LineChart
        {
            Title = above > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Mean validation MAE per epoch (y axis clipped: {above} early epoch{(above == 1 ? "" : "s")} above it)")
                : "Mean validation MAE per epoch",
            XLabel = "Epochs",
            YLabel = "Validation MAE",
            Series = [Series.Line("Validation MAE", Series.Epochs(meanMae.Count), meanMae, MatplotlibColors.Cyan)],
            Markers = HistoryCharts.BestEpochMarker(bestEpoch, markerLabel),
            IntegerXTicks = true,
            FontSize = HistoryCharts.FontSize,
            TitleFontSize = HistoryCharts.TitleFontSize,
            YMin = yMin,
            YMax = yMax,
        };
    }

    /// <summary>
    /// Boston: every fold's validation MAE per epoch (one colour each) and their mean (black), the y axis clipped as in
    /// <see cref="MeanValidationMae"/>.
    /// </summary>
    internal static LineChart FoldValidationMae(IReadOnlyList<IReadOnlyList<double>> folds, IReadOnlyList<double> meanMae, int clipAfter = 0)
    {
        ArgumentNullException.ThrowIfNull(folds);
        var (yMin, yMax, above) = ClippedRange([.. folds, meanMae], clipAfter);
        var series = folds.Select((f, i) => new Series(string.Create(CultureInfo.InvariantCulture, $"fold {i + 1}"), Series.Epochs(f.Count), f, SeriesStyle.Line, FoldColors[i % FoldColors.Length]) { LineWidth = 1 }).ToList();
        series.Add(new Series("mean", Series.Epochs(meanMae.Count), meanMae, SeriesStyle.Line, MatplotlibColors.Black) { LineWidth = 2 });
        return new LineChart
        {
            Title = above > 0 ? "Validation MAE per fold (y axis clipped at the first epochs)" : "Validation MAE per fold",
            XLabel = "Epochs",
            YLabel = "Validation MAE",
            Series = series,
            IntegerXTicks = true,
            FontSize = HistoryCharts.FontSize,
            TitleFontSize = HistoryCharts.TitleFontSize,
            YMin = yMin,
            YMax = yMax,
        };
    }

    /// <summary>
    /// The y range of <paramref name="curves"/> from epoch <c>skip + 1</c> on, with matplotlib's 5 % margins, and how
    /// many epochs of the first curves' last one (the mean) lie above it; null limits (automatic) when nothing is cut.
    /// </summary>
    internal static (double? Min, double? Max, int Above) ClippedRange(IReadOnlyList<IReadOnlyList<double>> curves, int skip)
    {
        if (skip <= 0 || curves.All(c => c.Count <= skip))
        {
            return (null, null, 0);
        }

        var all = curves.SelectMany(c => c).Where(double.IsFinite).ToList();
        var kept = curves.SelectMany(c => c.Skip(skip)).Where(double.IsFinite).ToList();
        if (kept.Count == 0 || all.Max() <= kept.Max())
        {
            return (null, null, 0);
        }

        double lo = all.Min(), hi = kept.Max(), margin = (hi - lo) * 0.05;
        double top = hi + (margin > 0 ? margin : 0.5);
        return (lo - (margin > 0 ? margin : 0.5), top, curves[^1].Count(v => v > top));
    }

    /// <summary>
    /// Boston: the smoothed mean validation MAE without the first <paramref name="skip"/> epochs, marked at its minimum
    /// (the epoch where overfitting starts, as the tutorial reads it off the figure).
    /// </summary>
    internal static LineChart SmoothedMae(IReadOnlyList<double> meanMae, SmoothingKind kind, int skip = 10, double? factor = null)
    {
        var curve = Smoothing.ApplyPerEpoch(kind, meanMae, skip, factor);
        int? best = HistoryCharts.BestEpoch(curve.X, curve.Y, lowerIsBetter: true);
        string weight = (factor ?? Smoothing.DefaultFactor(kind)).ToString(CultureInfo.InvariantCulture);
        string how = kind == SmoothingKind.BookEma ? $"book EMA, factor {weight}" : $"seed, alpha {weight}";
        return new LineChart
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Smoothed validation MAE (epochs {skip + 1}+)"),
            XLabel = "Epochs",
            YLabel = "Smoothed validation MAE",
            Series = [Series.Line($"Smoothed MAE ({how})", curve.X, curve.Y, MatplotlibColors.Cyan)],
            Markers = HistoryCharts.BestEpochMarker(best, best is int e ? $"lowest smoothed MAE: epoch {e}" : null),
            IntegerXTicks = true,
            FontSize = HistoryCharts.FontSize,
            TitleFontSize = HistoryCharts.TitleFontSize,
        };
    }
}
