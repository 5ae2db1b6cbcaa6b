namespace AotNet.Data.Keras;

/// <summary>One split of a text dataset: word-id sequences (as Keras's <c>load_data</c> returns them) and integer labels.</summary>
public sealed class TextSplit
{
    /// <summary>Pairs sequences with their labels (same count).</summary>
    public TextSplit(IntSequences sequences, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(labels);
        if (sequences.Count != labels.Length)
        {
            throw new ArgumentException($"{sequences.Count} sequences but {labels.Length} labels", nameof(labels));
        }

        Sequences = sequences;
        Labels = labels;
    }

    /// <summary>The word-id sequences (start char, shifted ids, out-of-vocabulary char).</summary>
    public IntSequences Sequences { get; }

    /// <summary>The labels: 0/1 for IMDB, topic 0..45 for Reuters.</summary>
    public int[] Labels { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;
}

/// <summary>A text dataset as Keras's <c>imdb.load_data</c> / <c>reuters.load_data</c> return it: <c>(train, test)</c>.</summary>
public sealed record TextDataset(TextSplit Train, TextSplit Test);
