using AotNet.Kernels;

namespace AotNet.Training;

/// <summary>
/// The metrics a model declares: their Keras names, which way is better, and their values from the sums of
/// <see cref="BatchStats"/> (and, for AUC, the bucket counts a model keeps in <see cref="Workspace.Counters"/>).
/// </summary>
public static class MetricValues
{
    /// <summary>Thresholds of Keras's <c>AUC()</c> (its default <c>num_thresholds</c>).</summary>
    public const int AucThresholds = 200;

    /// <summary>Counters of AUC: per threshold bucket, rows with a positive target, then rows with a zero target.</summary>
    public const int AucCounterCount = 2 * AucThresholds;

    private static readonly (Metric Metric, string Name)[] All =
    [
        (Metric.Accuracy, "accuracy"),
        (Metric.MeanAbsoluteError, "mae"),
        (Metric.MeanSquaredError, "mse"),
        (Metric.Auc, "auc"),
        (Metric.Precision, "precision"),
        (Metric.Recall, "recall"),
    ];

    /// <summary>The Keras history names of <paramref name="metrics"/>, in <see cref="Metric"/>'s order.</summary>
    public static string[] Names(Metric metrics)
    {
        var names = new List<string>(All.Length);
        foreach (var (metric, name) in All)
        {
            if ((metrics & metric) != 0)
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    /// <summary>
    /// Keras's "auto" mode for a history key (<c>val_</c> prefix ignored): accuracy, AUC, precision and recall are
    /// maximised, the loss and the error metrics minimised.
    /// </summary>
    public static bool Maximise(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ReadOnlySpan<char> name = key.StartsWith("val_", StringComparison.Ordinal) ? key.AsSpan(4) : key; // no allocation: monitors ask every epoch
        return name.EndsWith("accuracy", StringComparison.Ordinal) || name.SequenceEqual("auc") || name.SequenceEqual("precision") || name.SequenceEqual("recall");
    }

    /// <summary>
    /// The values of the declared metrics over <paramref name="rows"/> rows, in <see cref="Names"/>'s order:
    /// accuracy, MAE and MSE as means, AUC from <paramref name="aucCounters"/>, precision and recall from the counts.
    /// </summary>
    public static void Compute(Metric metrics, in BatchStats sums, long rows, ReadOnlySpan<long> aucCounters, Span<double> values)
    {
        int k = 0;
        foreach (var (metric, _) in All)
        {
            if ((metrics & metric) != 0)
            {
                values[k++] = Value(metric, sums, rows, aucCounters);
            }
        }
    }

    /// <summary>The value of one metric (a single flag) over <paramref name="rows"/> rows; NaN for <see cref="Metric.None"/>.</summary>
    public static double Value(Metric metric, in BatchStats sums, long rows, ReadOnlySpan<long> aucCounters) => metric switch
    {
        Metric.Accuracy => sums.Hits / rows,
        Metric.MeanAbsoluteError => sums.AbsoluteErrors / rows,
        Metric.MeanSquaredError => sums.SquaredErrors / rows,
        Metric.Auc => Auc(aucCounters),
        Metric.Precision => DivideNoNan(sums.TruePositives, sums.TruePositives + sums.FalsePositives),
        Metric.Recall => DivideNoNan(sums.TruePositives, sums.TruePositives + sums.FalseNegatives),
        Metric.None => double.NaN,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "one metric flag"),
    };

    /// <summary>
    /// Keras's <c>AUC(num_thresholds=200, curve="ROC", summation_method="interpolation")</c> from bucket counts: with
    /// <c>TP_i</c>, <c>FP_i</c> the rows whose bucket is at least <c>i</c> (prediction above threshold <c>i</c>),
    /// <c>Σ_i (FPR_i − FPR_{i+1}) (TPR_i + TPR_{i+1}) / 2</c> over the 200 thresholds (rates 0 when a class is absent).
    /// </summary>
    /// <param name="counters"><see cref="AucCounterCount"/> counts: positives per bucket, then negatives per bucket.</param>
    public static double Auc(ReadOnlySpan<long> counters)
    {
        if (counters.Length < AucCounterCount)
        {
            throw new ArgumentException($"AUC needs {AucCounterCount} counters", nameof(counters));
        }

        ReadOnlySpan<long> positives = counters[..AucThresholds], negatives = counters.Slice(AucThresholds, AucThresholds);
        long totalPositives = 0, totalNegatives = 0;
        for (int i = 0; i < AucThresholds; i++)
        {
            totalPositives += positives[i];
            totalNegatives += negatives[i];
        }

        // threshold i: TP_i = rows of buckets ≥ i; walk from the top threshold (TP = FP = 0) down
        double area = 0;
        long tp = 0, fp = 0;
        double upperTpr = 0, upperFpr = 0;
        for (int i = AucThresholds - 1; i >= 0; i--)
        {
            tp += positives[i];
            fp += negatives[i];
            double tpr = DivideNoNan(tp, totalPositives), fpr = DivideNoNan(fp, totalNegatives);
            if (i < AucThresholds - 1)
            {
                area += (fpr - upperFpr) * ((tpr + upperTpr) / 2);
            }

            upperTpr = tpr;
            upperFpr = fpr;
        }

        return area;
    }

    private static double DivideNoNan(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
