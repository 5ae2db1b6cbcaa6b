namespace AotNet.Training;

/// <summary>
/// Per-thread scratch memory for a generated model: blocks of up to <see cref="MaxRows"/> rows (row-major, one block per
/// layer's activations and deltas), plus a block for dense input rows, allocated when first asked for.
/// </summary>
public sealed class Workspace
{
    private float[]? _inputs;

    public Workspace(int maxRows, int floatsPerRow)
        : this(maxRows, floatsPerRow, 0)
    {
    }

    /// <summary>A workspace that also keeps <paramref name="counters"/> integer counters (a model's AUC buckets).</summary>
    public Workspace(int maxRows, int floatsPerRow, int counters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(counters);
        Counters = counters == 0 ? [] : new long[counters];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        ArgumentOutOfRangeException.ThrowIfNegative(floatsPerRow);
        MaxRows = maxRows;
        FloatsPerRow = floatsPerRow;
        Buffer = GC.AllocateArray<float>(checked(maxRows * floatsPerRow), pinned: true);
    }

    public int MaxRows { get; }

    /// <summary>
    /// Counts the model's passes add to (the AUC buckets of <see cref="MetricValues"/>, when the model declares AUC;
    /// else empty). Whoever reads them clears them; integer sums, so the order of the passes does not matter.
    /// </summary>
    public long[] Counters { get; }

    /// <summary>Adds <see cref="Counters"/> to <paramref name="total"/> and clears them (integer sums: any order of workspaces).</summary>
    public void MoveCounters(Span<long> total)
    {
        long[] counters = Counters;
        for (int i = 0; i < counters.Length; i++)
        {
            total[i] += counters[i];
        }

        Array.Clear(counters);
    }

    public int FloatsPerRow { get; }

    /// <summary>Scratch floats (<see cref="MaxRows"/> × <see cref="FloatsPerRow"/>); the model decides the layout.</summary>
    public float[] Buffer { get; }

    /// <summary>A block of <see cref="MaxRows"/> × <paramref name="inputs"/> floats for gathering dense input rows.</summary>
    public float[] InputBlock(int inputs)
    {
        long floats = (long)MaxRows * inputs;
        if (_inputs is null || _inputs.Length < floats)
        {
            _inputs = GC.AllocateArray<float>(checked((int)floats), pinned: true);
        }

        return _inputs;
    }
}
