using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// A batch is a list of row indices into a data set: the trainer shuffles indices, never rows.
/// Generated models read input row <c>Rows[i]</c> of <see cref="Inputs"/>, target row <c>Rows[i]</c> of <see cref="Targets"/>
/// and, when there are sample weights, weight <c>SampleWeights[Rows[i]]</c>.
/// </summary>
public readonly ref struct Batch
{
    public Batch(Features inputs, DenseMatrix? targets, ReadOnlySpan<int> rows)
        : this(inputs, targets, rows, null)
    {
    }

    public Batch(Features inputs, DenseMatrix? targets, ReadOnlySpan<int> rows, float[]? sampleWeights)
    {
        Inputs = inputs;
        Targets = targets;
        Rows = rows;
        SampleWeights = sampleWeights;
    }

    public Features Inputs { get; }

    /// <summary>Targets, or null for prediction.</summary>
    public DenseMatrix? Targets { get; }

    public ReadOnlySpan<int> Rows { get; }

    /// <summary>
    /// One weight per row of the data set (indexed like <see cref="Targets"/>, by <c>Rows[i]</c>), or null: every row
    /// weighs 1. Each row's loss and its gradient are multiplied by its weight (Keras's <c>sample_weight</c>); metrics are not.
    /// </summary>
    public float[]? SampleWeights { get; }

    public int Count => Rows.Length;

    public Batch Slice(int start, int count) => new(Inputs, Targets, Rows.Slice(start, count), SampleWeights);
}

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
