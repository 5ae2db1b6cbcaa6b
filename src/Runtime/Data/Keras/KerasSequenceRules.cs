namespace AotNet.Data.Keras;

/// <summary>
/// The sequence processing shared by Keras's <c>imdb.load_data</c> and <c>reuters.load_data</c>
/// (keras/src/datasets/imdb.py, reuters.py), on compact <see cref="IntSequences"/>.
/// </summary>
internal static class KerasSequenceRules
{
    /// <summary>
    /// <c>x = [[start_char] + [w + index_from for w in x] for x in xs[order]]</c> (no start char when
    /// <paramref name="startChar"/> is null), in one pass.
    /// </summary>
    public static IntSequences ReorderAndShift(IntSequences raw, int[] order, int? startChar, int indexFrom, string source)
    {
        int extra = startChar is null ? 0 : 1;
        var offsets = new int[order.Length + 1];
        long total = 0;
        for (int i = 0; i < order.Length; i++)
        {
            total += raw[order[i]].Length + extra;
            if (total > int.MaxValue)
            {
                throw new DataFormatException($"{source}: more than 2^31-1 word ids");
            }

            offsets[i + 1] = (int)total;
        }

        var values = new int[total];
        for (int i = 0; i < order.Length; i++)
        {
            Span<int> target = values.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            if (startChar is int start)
            {
                target[0] = start;
                target = target[1..];
            }

            ReadOnlySpan<int> words = raw[order[i]];
            for (int k = 0; k < words.Length; k++)
            {
                long shifted = (long)words[k] + indexFrom;
                if (shifted is > int.MaxValue or < int.MinValue)
                {
                    throw new DataFormatException($"{source}: word id {words[k]} + index_from {indexFrom} overflows int32");
                }

                target[k] = (int)shifted;
            }
        }

        return new IntSequences(offsets, values);
    }

    /// <summary>Keras's <c>remove_long_seq</c>: keeps the sequences with <c>len(x) &lt; maxlen</c> and their labels.</summary>
    public static (IntSequences Sequences, int[] Labels) RemoveLongSequences(IntSequences sequences, int[] labels, int maxLen)
    {
        var keep = new List<int>(sequences.Count);
        for (int i = 0; i < sequences.Count; i++)
        {
            if (sequences[i].Length < maxLen)
            {
                keep.Add(i);
            }
        }

        int[] kept = keep.ToArray();
        return (sequences.Select(kept), Array.ConvertAll(kept, i => labels[i]));
    }

    /// <summary>Keras's default <c>num_words</c>: the largest id in any sequence of any split.</summary>
    public static int MaxId(params IntSequences[] all)
    {
        int max = 0;
        foreach (IntSequences s in all)
        {
            foreach (int v in s.Values)
            {
                max = Math.Max(max, v);
            }
        }

        return max;
    }

    /// <summary>
    /// <c>[w if skip_top &lt;= w &lt; num_words else oov_char for w in x]</c>, or with <paramref name="oovChar"/> null
    /// <c>[w for w in x if skip_top &lt;= w &lt; num_words]</c>. With an <paramref name="oovChar"/> the ids are replaced in place
    /// (<paramref name="sequences"/> is returned).
    /// </summary>
    public static IntSequences LimitVocabulary(IntSequences sequences, int numWords, int skipTop, int? oovChar)
    {
        if (oovChar is int oov)
        {
            // in place: the callers pass the fresh sequences of ReorderAndShift (saves two copies of every id)
            int[] values = sequences.Values;
            for (int i = 0; i < values.Length; i++)
            {
                int w = values[i];
                if (w < skipTop || w >= numWords)
                {
                    values[i] = oov;
                }
            }

            return sequences;
        }

        var offsets = new int[sequences.Offsets.Length];
        var kept = new List<int>(sequences.Values.Length);
        for (int i = 0; i < sequences.Count; i++)
        {
            foreach (int w in sequences[i])
            {
                if (w >= skipTop && w < numWords)
                {
                    kept.Add(w);
                }
            }

            offsets[i + 1] = kept.Count;
        }

        return new IntSequences(offsets, kept.ToArray());
    }

    /// <summary>Converts int64 labels to int32, refusing values out of range.</summary>
    public static int[] Labels(long[] labels, string source)
    {
        var result = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is < int.MinValue or > int.MaxValue)
            {
                throw new DataFormatException($"{source}: label {labels[i]} at index {i} does not fit in int32");
            }

            result[i] = (int)labels[i];
        }

        return result;
    }

    /// <summary>Refuses arrays that are not one-dimensional.</summary>
    public static void RequireVector(Numpy.NpyArray array)
    {
        if (array.Shape.Length != 1)
        {
            throw new DataFormatException($"{array.Source}: expected a 1-D array, found shape ({string.Join(", ", array.Shape)})");
        }
    }
}
