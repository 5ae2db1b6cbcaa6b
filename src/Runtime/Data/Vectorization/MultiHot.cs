using System.Numerics;

namespace AotNet.Data.Vectorization;

/// <summary>
/// The tutorial's <c>vectorize_sequences</c> (<c>results[i, sequence] = 1.</c>) as a sparse matrix: row <c>i</c> has a one
/// at every distinct id of sequence <c>i</c>, columns ascending.
/// </summary>
public static class MultiHot
{
    /// <summary>
    /// Encodes every sequence as a multi-hot row of width <paramref name="dimension"/>. An id outside
    /// <c>[0, dimension)</c> is refused (numpy would raise IndexError; with <c>num_words = dimension</c> it cannot occur).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <paramref name="dimension"/>.</exception>
    public static CsrMatrix Encode(IntSequences sequences, int dimension)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);

        // One bit per column: set the row's ids, then read the set bits back in ascending order (this sorts and
        // collapses duplicates in O(ids + dimension / 64) per row).
        var bits = new ulong[(dimension + 63) >> 6];
        var offsets = new int[sequences.Count + 1];
        var columns = new int[sequences.Values.Length];
        int written = 0;
        for (int row = 0; row < sequences.Count; row++)
        {
            ReadOnlySpan<int> ids = sequences[row];
            int lowWord = int.MaxValue, highWord = -1;
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)dimension)
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(sequences), id, $"sequence {row} has id {id}, outside the multi-hot dimension [0, {dimension})");
                }

                int word = id >> 6;
                bits[word] |= 1UL << id;
                lowWord = Math.Min(lowWord, word);
                highWord = Math.Max(highWord, word);
            }

            for (int word = lowWord; word <= highWord; word++)
            {
                ulong w = bits[word];
                bits[word] = 0;
                while (w != 0)
                {
                    columns[written++] = (word << 6) + BitOperations.TrailingZeroCount(w);
                    w &= w - 1;
                }
            }

            offsets[row + 1] = written;
        }

        Array.Resize(ref columns, written);
        return new CsrMatrix(offsets, columns, dimension, trusted: true);
    }
}
