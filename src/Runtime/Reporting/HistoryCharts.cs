using System.Globalization;

namespace AotNet.Reporting;

/// <summary>
/// A training history as ready <see cref="LineChart"/>s, for any model: training series as red dots (<c>'bo', color='r'</c>),
/// validation series as a cyan line (<c>'b', color='c'</c>), as the Keras tutorial draws them; <c>figsize=(10, 8)</c>.
/// Epochs are 1-based (Keras' <c>range(1, len(loss) + 1)</c>). Epoch axes get whole-number ticks only, and the fonts are
/// larger than matplotlib's 10 pt so that tick labels stay readable when a browser shows the 1000×800 figure at half its size.
/// (The tutorial's Boston figures, built on these, are the App's <c>TutorialCharts</c>.)
/// </summary>
public static class HistoryCharts
{
    /// <summary>Tick label, axis label and legend size (points) of the tutorial charts.</summary>
    public const double FontSize = 16;

    /// <summary>Title size (points) of the tutorial charts.</summary>
    public const double TitleFontSize = 19;

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

    /// <summary>A dashed marker at <paramref name="epoch"/> (labelled "best epoch N" unless <paramref name="label"/> says what it is best at), or none.</summary>
    public static VerticalMarker[] BestEpochMarker(int? epoch, string? label = null) =>
        epoch is int e ? [new VerticalMarker(e, label ?? string.Create(CultureInfo.InvariantCulture, $"best epoch {e}"))] : [];
}
