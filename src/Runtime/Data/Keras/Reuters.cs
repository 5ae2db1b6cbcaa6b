using AotNet.Data.Numpy;

namespace AotNet.Data.Keras;

/// <summary>
/// The Reuters newswire topic dataset exactly as <c>keras.datasets.reuters.load_data</c> returns it
/// (keras/src/datasets/reuters.py): 11,228 newswires in 46 topics, shuffled once and split 8,982 / 2,246.
/// </summary>
public static class Reuters
{
    /// <summary>The data file name (in the Keras datasets folder).</summary>
    public const string FileName = "reuters.npz";

    /// <summary>The word-index file name.</summary>
    public const string WordIndexFileName = "reuters_word_index.json";

    /// <summary>The 46 topic names, indexed like the labels (Keras's <c>reuters.get_label_names()</c>).</summary>
    public static IReadOnlyList<string> LabelNames { get; } =
    [
        "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee",
        "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx",
        "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail",
        "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
        "dlr", "gas", "silver", "wpi", "hog", "lead",
    ];

    /// <summary>
    /// Loads <c>reuters.npz</c> from <paramref name="directory"/> and applies Keras's processing: one
    /// <c>RandomState(seed)</c> shuffle of all wires, start char, index shift, optional <c>maxLen</c> filter,
    /// vocabulary limit, then the split at <c>int(n * (1 - testSplit))</c>.
    /// <paramref name="numWords"/> defaults to 10000 as in the tutorial; null or 0 keeps every word.
    /// </summary>
    /// <exception cref="DataFormatException">The file is missing or not the expected npz.</exception>
    public static TextDataset Load(
        string directory,
        int? numWords = 10000,
        int skipTop = 0,
        int? maxLen = null,
        double testSplit = 0.2,
        int? startChar = 1,
        int? oovChar = 2,
        int indexFrom = 3,
        uint seed = 113)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, "must be in [0, 1)");
        }

        string path = Path.Combine(directory, FileName);
        IntSequences xs;
        long[] ys;
        using (NpzArchive npz = NpzArchive.Open(path))
        {
            NpyArray x = npz.Read("x"), y = npz.Read("y");
            KerasSequenceRules.RequireVector(x);
            KerasSequenceRules.RequireVector(y);
            (xs, ys) = (x.ToSequences(), y.ToInt64Array());
        }

        if (xs.Count != ys.Length)
        {
            throw new DataFormatException($"{path}: {xs.Count} sequences but {ys.Length} labels");
        }

        int[] order = new NumpyRandomState(seed).ShuffledRange(xs.Count);
        IntSequences all = KerasSequenceRules.ReorderAndShift(xs, order, startChar, indexFrom, path);
        int[] labels = KerasSequenceRules.Labels(Array.ConvertAll(order, i => ys[i]), path);
        if (maxLen is int max && max != 0)
        {
            (all, labels) = KerasSequenceRules.RemoveLongSequences(all, labels, max);
        }

        int words = numWords is int n && n != 0 ? n : KerasSequenceRules.MaxId(all);
        all = KerasSequenceRules.LimitVocabulary(all, words, skipTop, oovChar);

        int split = (int)(all.Count * (1 - testSplit));
        return new TextDataset(
            new TextSplit(all.Slice(0, split), labels[..split]),
            new TextSplit(all.Slice(split, all.Count - split), labels[split..]));
    }
}
