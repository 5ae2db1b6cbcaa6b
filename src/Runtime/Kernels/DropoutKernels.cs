namespace AotNet.Kernels;

/// <summary>
/// Inverted dropout with masks from a counter-based hash: whether unit <c>u</c> of data-set row <c>r</c> is kept at a
/// training step depends only on (seed, epoch, step, r, u), never on the thread, the chunk, the tile or the vector width
/// that computes it. The hash is SplitMix64's finaliser over the key and the counters; a unit is kept when the top 24
/// bits of its hash, read as a uniform number in [0, 1), are at least the rate (Keras keeps with probability 1 − rate),
/// and kept units are multiplied by <c>1 / (1 − rate)</c>.
/// </summary>
public static class DropoutKernels
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The key of one training step: seed, epoch and step mixed into 64 bits.</summary>
    public static ulong Key(ulong seed, long epoch, long step) =>
        Mix(Mix(seed ^ 0x6A09E667F3BCC909UL) ^ Mix(((ulong)epoch * 0xD1B54A32D192ED03UL) ^ ((ulong)step * Golden)));

    /// <summary>The key of one row within a step.</summary>
    public static ulong RowKey(ulong key, int row) => Mix(key ^ ((ulong)(uint)row * 0xBF58476D1CE4E5B9UL));

    /// <summary>Units whose 24-bit draw is below this are dropped: <c>ceil(rate · 2^24)</c>.</summary>
    public static uint Threshold(double rate)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "a dropout rate is in [0, 1)");
        }

        return (uint)Math.Ceiling(rate * (1 << 24));
    }

    /// <summary>Whether unit <paramref name="unit"/> of the row with key <paramref name="rowKey"/> is kept.</summary>
    public static bool Keeps(ulong rowKey, int unit, uint threshold) => Draw(rowKey, unit) >= threshold;

    /// <summary>The unit's uniform 24-bit draw.</summary>
    public static uint Draw(ulong rowKey, int unit) => (uint)(Mix(rowKey + ((ulong)(uint)(unit + 1) * Golden)) >> 40);

    /// <summary>
    /// Rows [<paramref name="rowFrom"/>, <paramref name="rowTo"/>), units [<paramref name="unitFrom"/>, <paramref name="unitTo"/>) of
    /// blocks of <paramref name="units"/> floats per row: <c>mask = kept ? scale : 0</c> and <c>dropped = kept ? a · scale : 0</c>;
    /// block row <c>r</c> is data-set row <c>rows[r]</c>.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> activations,
        Span<float> mask,
        Span<float> dropped,
        int units,
        ReadOnlySpan<int> rows,
        int rowFrom,
        int rowTo,
        int unitFrom,
        int unitTo,
        ulong key,
        uint threshold,
        float scale)
    {
        for (int r = rowFrom; r < rowTo; r++)
        {
            ulong rowKey = RowKey(key, rows[r]);
            int o = r * units;
            for (int u = unitFrom; u < unitTo; u++)
            {
                bool keep = Draw(rowKey, u) >= threshold;
                mask[o + u] = keep ? scale : 0f;
                dropped[o + u] = keep ? activations[o + u] * scale : 0f;
            }
        }
    }

    /// <summary>Evaluation and prediction: the same ranges of <paramref name="activations"/> copied to <paramref name="dropped"/> unchanged.</summary>
    public static void PassThrough(ReadOnlySpan<float> activations, Span<float> dropped, int units, int rowFrom, int rowTo, int unitFrom, int unitTo)
    {
        for (int r = rowFrom; r < rowTo; r++)
        {
            int o = (r * units) + unitFrom;
            activations.Slice(o, unitTo - unitFrom).CopyTo(dropped.Slice(o, unitTo - unitFrom));
        }
    }

    /// <summary>The backward of <see cref="Forward"/>: <c>delta *= mask</c> over rows [0, n), units [unitFrom, unitTo).</summary>
    public static void Backward(ReadOnlySpan<float> mask, Span<float> delta, int units, int n, int unitFrom, int unitTo)
    {
        for (int r = 0; r < n; r++)
        {
            int o = r * units;
            for (int u = unitFrom; u < unitTo; u++)
            {
                delta[o + u] *= mask[o + u];
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
