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
