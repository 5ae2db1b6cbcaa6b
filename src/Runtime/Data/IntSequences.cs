namespace AotNet.Data;

/// <summary>
/// A list of integer sequences stored compactly (CSR-like): sequence <c>i</c> is
/// <c>Values[Offsets[i] .. Offsets[i + 1])</c>. Used for the ragged word-index lists of IMDB and Reuters.
/// </summary>
public sealed class IntSequences
{
    /// <summary>Wraps offsets (<c>Count + 1</c> entries, starting at 0, non-decreasing, ending at <c>Values.Length</c>) and values.</summary>
    public IntSequences(int[] offsets, int[] values)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(values);
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != values.Length)
        {
            throw new ArgumentException("offsets must start at 0 and end at the number of values", nameof(offsets));
        }

        for (int i = 1; i < offsets.Length; i++)
        {
            if (offsets[i] < offsets[i - 1])
            {
                throw new ArgumentException($"offsets must not decrease (index {i})", nameof(offsets));
            }
        }

        Offsets = offsets;
        Values = values;
    }

    /// <summary>Start of each sequence in <see cref="Values"/>, plus the end of the last one.</summary>
    public int[] Offsets { get; }

    /// <summary>All sequences' values, one after another.</summary>
    public int[] Values { get; }

    /// <summary>The number of sequences.</summary>
    public int Count => Offsets.Length - 1;

    /// <summary>Sequence <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {Count} sequences");
            }

            return Values.AsSpan(Offsets[index], Offsets[index + 1] - Offsets[index]);
        }
    }

    /// <summary>Builds sequences from nested arrays (convenient in tests and small examples).</summary>
    public static IntSequences FromArrays(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var offsets = new int[sequences.Count + 1];
        long total = 0;
        for (int i = 0; i < sequences.Count; i++)
        {
            total += sequences[i].Length;
            offsets[i + 1] = checked((int)total);
        }

        var values = new int[total];
        for (int i = 0; i < sequences.Count; i++)
        {
            sequences[i].CopyTo(values, offsets[i]);
        }

        return new IntSequences(offsets, values);
    }

    /// <summary>The sequences in the order given by <paramref name="order"/> (a permutation or any selection of indices).</summary>
    public IntSequences Select(ReadOnlySpan<int> order)
    {
        var offsets = new int[order.Length + 1];
        long total = 0;
        for (int i = 0; i < order.Length; i++)
        {
            int k = order[i];
            if ((uint)k >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(order), k, $"there are {Count} sequences");
            }

            total += Offsets[k + 1] - Offsets[k];
            offsets[i + 1] = checked((int)total);
        }

        var values = new int[total];
        for (int i = 0; i < order.Length; i++)
        {
            this[order[i]].CopyTo(values.AsSpan(offsets[i]));
        }

        return new IntSequences(offsets, values);
    }

    /// <summary>The sequences [start, start + count) as a new object.</summary>
    public IntSequences Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        int from = Offsets[start];
        var offsets = new int[count + 1];
        for (int i = 0; i <= count; i++)
        {
            offsets[i] = Offsets[start + i] - from;
        }

        return new IntSequences(offsets, Values.AsSpan(from, offsets[count]).ToArray());
    }
}
