using System.Globalization;

namespace AotNet.Reporting;

/// <summary>
/// The tutorial's six figures as ready <see cref="LineChart"/>s: training series as red dots (<c>'bo', color='r'</c>),
/// validation series as a cyan line (<c>'b', color='c'</c>), <c>figsize=(10, 8)</c>, title at 14 pt. Epochs are 1-based
/// (Keras' <c>range(1, len(loss) + 1)</c>); the Boston curves use epochs 1…500 and the smoothed one 11…500.
/// </summary>
public static class TutorialCharts
{
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
    public static LineChart History(
        string title, string yLabel,
        string trainLabel, IReadOnlyList<double> train,
        string validationLabel, IReadOnlyList<double> validation,
        int? bestEpoch = null) => new()
        {
            Title = title,
            XLabel = "Epochs",
            YLabel = yLabel,
            Series =
            [
                Series.Markers(trainLabel, Series.Epochs(train.Count), train, MatplotlibColors.Red),
                Series.Line(validationLabel, Series.Epochs(validation.Count), validation, MatplotlibColors.Cyan),
            ],
            Markers = BestEpochMarker(bestEpoch),
        };

    /// <summary>Boston: the mean over folds of the validation MAE per epoch, as a cyan line.</summary>
    public static LineChart MeanValidationMae(IReadOnlyList<double> meanMae, int? bestEpoch = null) => new()
    {
        Title = "Mean validation MAE per epoch",
        XLabel = "Epochs",
        YLabel = "Validation MAE",
        Series = [Series.Line("Validation MAE", Series.Epochs(meanMae.Count), meanMae, MatplotlibColors.Cyan)],
        Markers = BestEpochMarker(bestEpoch),
    };

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
            Markers = BestEpochMarker(best),
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

    private static VerticalMarker[] BestEpochMarker(int? epoch) =>
        epoch is int e ? [new VerticalMarker(e, string.Create(CultureInfo.InvariantCulture, $"best epoch {e}"))] : [];
}
