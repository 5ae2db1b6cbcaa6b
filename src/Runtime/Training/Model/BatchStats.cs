namespace AotNet.Training;

/// <summary>
/// Sums over the rows of a batch: the per-sample loss and the additive parts of the declared metrics (the others stay 0).
/// Models add them in row order (and chunk sums in chunk order), so any thread count gives the same bits; the epoch
/// values are formed from them by <see cref="MetricValues.Compute"/>.
/// </summary>
/// <param name="LossSum">Σ per-sample loss (times its sample weight, where there are weights).</param>
/// <param name="Hits">Accuracy: rows predicted right.</param>
/// <param name="AbsoluteErrors">MAE: Σ per-row <c>mean_j |p_j − y_j|</c>.</param>
/// <param name="SquaredErrors">MSE: Σ per-row <c>mean_j (p_j − y_j)²</c>.</param>
/// <param name="TruePositives">Precision and recall at threshold 0.5: rows with <c>p &gt; 0.5</c> and a positive target.</param>
/// <param name="FalsePositives">Rows with <c>p &gt; 0.5</c> and a zero target.</param>
/// <param name="FalseNegatives">Rows with <c>p ≤ 0.5</c> and a positive target.</param>
public readonly record struct BatchStats(
    double LossSum,
    double Hits = 0,
    double AbsoluteErrors = 0,
    double SquaredErrors = 0,
    long TruePositives = 0,
    long FalsePositives = 0,
    long FalseNegatives = 0)
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static BatchStats operator +(BatchStats a, BatchStats b) => new(
        a.LossSum + b.LossSum,
        a.Hits + b.Hits,
        a.AbsoluteErrors + b.AbsoluteErrors,
        a.SquaredErrors + b.SquaredErrors,
        a.TruePositives + b.TruePositives,
        a.FalsePositives + b.FalsePositives,
        a.FalseNegatives + b.FalseNegatives);

    /// <summary>The same metric sums with another loss sum (e.g. with the regularisers' penalty added).</summary>
    public BatchStats WithLoss(double lossSum) => this with { LossSum = lossSum };
}
