using System.Globalization;

namespace AotNet.Reporting;

/// <summary>
/// The tutorial's six figures as ready <see cref="LineChart"/>s: training series as red dots (<c>'bo', color='r'</c>),
/// validation series as a cyan line (<c>'b', color='c'</c>), <c>figsize=(10, 8)</c>, title at 14 pt. Epochs are 1-based
/// (Keras' <c>range(1, len(loss) + 1)</c>); the Boston curves use epochs 1…500 and the smoothed one 11…500.
/// Epoch axes get whole-number ticks only, and the fonts are larger than matplotlib's 10 pt so that tick labels stay
/// readable when a browser shows the 1000×800 figure at half its size.
/// </summary>
public static class TutorialCharts
{
    /// <summary>Tick label, axis label and legend size (points) of the tutorial charts.</summary>
    public const double FontSize = 16;

    /// <summary>Title size (points) of the tutorial charts.</summary>
    public const double TitleFontSize = 19;

    /// <summary>matplotlib's default colour cycle (tab10), for one line per fold.</summary>
    public static readonly string[] FoldColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>
    /// "Training and validation loss", marked at the epoch of the lowest validation loss (labelled so).
    /// </summary>
    public static LineChart Loss(IReadOnlyList<double> loss, IReadOnlyList<double> valLoss)
    {
        int? best = BestEpoch(Series.Epochs(valLoss.Count), valLoss, lowerIsBetter: true);
        return History("Training and validation loss", "Loss", "Training loss", loss, "Validation loss", valLoss, best, best is int e ? $"lowest val_loss: epoch {e}" : null);
    }

    /// <summary>
    /// "Training and validation accuracy", marked at the epoch of the highest validation accuracy (labelled so).
    /// </summary>
    public static LineChart Accuracy(IReadOnlyList<double> accuracy, IReadOnlyList<double> valAccuracy)
    {
        int? best = BestEpoch(Series.Epochs(valAccuracy.Count), valAccuracy, lowerIsBetter: false);
        return History("Training and validation accuracy", "Accuracy", "Training accuracy", accuracy, "Validation accuracy", valAccuracy, best, best is int e ? $"highest val_accuracy: epoch {e}" : null);
    }

    /// <summary>
    /// "Training and validation loss" / "… accuracy": <paramref name="train"/> as dots, <paramref name="validation"/> as a line,
    /// against epochs 1…n; a dashed marker at <paramref name="bestEpoch"/> when given.
    /// </summary>
    /// <param name="title">e.g. "Training and validation loss".</param>
    /// <param name="yLabel">e.g. "Loss" or "accuracy".</param>
    /// <param name="trainLabel">Legend text of the dots, e.g. "Training loss".</param>
    /// <param name="train">Per-epoch training values.</param>
    /// <param name="validationLabel">Legend text of the line, e.g. "Validation loss".</param>
    /// <param name="validation">Per-epoch validation values (may be shorter or empty).</param>
    /// <param name="bestEpoch">1-based epoch to mark, or null.</param>
    /// <param name="markerLabel">The marker's text (default "best epoch N"): say what the epoch is best at.</param>
    public static LineChart History(
        string title, string yLabel,
        string trainLabel, IReadOnlyList<double> train,
        string validationLabel, IReadOnlyList<double> validation,
        int? bestEpoch = null, string? markerLabel = null) => new()
        {
            Title = title,
            XLabel = "Epochs",
            YLabel = yLabel,
            Series =
            [
                Series.Markers(trainLabel, Series.Epochs(train.Count), train, MatplotlibColors.Red),
                Series.Line(validationLabel, Series.Epochs(validation.Count), validation, MatplotlibColors.Cyan),
            ],
            Markers = BestEpochMarker(bestEpoch, markerLabel),
            IntegerXTicks = true,
            FontSize = FontSize,
            TitleFontSize = TitleFontSize,
        };

    /// <summary>
    /// Boston: the mean over folds of the validation MAE per epoch, as a cyan line. With <paramref name="clipAfter"/>
    /// epochs given, the y axis covers the curve from epoch <c>clipAfter + 1</c> on (the book's view without its first
    /// epochs), so the steep start does not squash the range that matters; the title says when points run off the top.
    /// </summary>
    public static LineChart MeanValidationMae(IReadOnlyList<double> meanMae, int? bestEpoch = null, int clipAfter = 0, string? markerLabel = null)
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
            Markers = BestEpochMarker(bestEpoch, markerLabel),
            IntegerXTicks = true,
            FontSize = FontSize,
            TitleFontSize = TitleFontSize,
            YMin = yMin,
            YMax = yMax,
        };
    }

    /// <summary>
    /// Boston: every fold's validation MAE per epoch (one colour each) and their mean (black), the y axis clipped as in
    /// <see cref="MeanValidationMae"/>.
    /// </summary>
    public static LineChart FoldValidationMae(IReadOnlyList<IReadOnlyList<double>> folds, IReadOnlyList<double> meanMae, int clipAfter = 0)
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
            FontSize = FontSize,
            TitleFontSize = TitleFontSize,
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
    public static LineChart SmoothedMae(IReadOnlyList<double> meanMae, SmoothingKind kind, int skip = 10, double? factor = null)
    {
        var curve = Smoothing.ApplyPerEpoch(kind, meanMae, skip, factor);
        int? best = BestEpoch(curve.X, curve.Y, lowerIsBetter: true);
        string weight = (factor ?? Smoothing.DefaultFactor(kind)).ToString(CultureInfo.InvariantCulture);
        string how = kind == SmoothingKind.BookEma ? $"book EMA, factor {weight}" : $"seed, alpha {weight}";
        return new LineChart
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Smoothed validation MAE (epochs {skip + 1}+)"),
            XLabel = "Epochs",
            YLabel = "Smoothed validation MAE",
            Series = [Series.Line($"Smoothed MAE ({how})", curve.X, curve.Y, MatplotlibColors.Cyan)],
            Markers = BestEpochMarker(best, best is int e ? $"lowest smoothed MAE: epoch {e}" : null),
            IntegerXTicks = true,
            FontSize = FontSize,
            TitleFontSize = TitleFontSize,
        };
    }

    /// <summary>
    /// The x of the best finite value (lowest when <paramref name="lowerIsBetter"/>, else highest; the first on ties),
    /// or null when there is none; e.g. <c>BestEpoch(Series.Epochs(n), valAccuracy, false)</c>.
    /// </summary>
    public static int? BestEpoch(IReadOnlyList<double> epochs, IReadOnlyList<double> values, bool lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(values);
        int best = -1;
        for (int i = 0; i < Math.Min(epochs.Count, values.Count); i++)
        {
            if (double.IsFinite(values[i]) && (best < 0 || (lowerIsBetter ? values[i] < values[best] : values[i] > values[best])))
            {
                best = i;
            }
        }

        return best < 0 ? null : (int)epochs[best];
    }

    private static VerticalMarker[] BestEpochMarker(int? epoch, string? label = null) =>
        epoch is int e ? [new VerticalMarker(e, label ?? string.Create(CultureInfo.InvariantCulture, $"best epoch {e}"))] : [];
}
