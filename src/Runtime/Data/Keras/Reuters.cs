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

    /// <summary>The largest uncompressed npz member read (Keras's x has 4 MB): a file that inflates to more is refused.</summary>
    public const long MaxMemberBytes = 16L << 20;

    /// <summary>The most newswires the file may hold (Keras's has 11,228).</summary>
    public const int MaxWires = 50_000;

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
        CheckTestSplit(testSplit);

        string path = Path.Combine(directory, FileName);
        IntSequences xs;
        long[] ys;
        using (NpzArchive npz = NpzArchive.Open(path, MaxMemberBytes, maxMembers: 16))
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

    /// <summary>
    /// <see cref="Load"/> straight into multi-hot rows (the tutorial's <c>vectorize_sequences</c>) without building the
    /// sequences: the same matrices and labels as <see cref="Load"/> followed by <c>MultiHot.Encode</c>, with the first
    /// <paramref name="validationRows"/> training rows split off as in the tutorial. <paramref name="numWords"/> must be
    /// 1–65536 (no maxlen filter on this path).
    /// </summary>
    /// <exception cref="DataFormatException">The file is missing or not the expected npz.</exception>
    public static MultiHotDataset LoadMultiHot(
        string directory,
        int numWords = 10000,
        int validationRows = 0,
        double testSplit = 0.2,
        int skipTop = 0,
        int? startChar = 1,
        int? oovChar = 2,
        int indexFrom = 3,
        uint seed = 113)
    {
        CheckTestSplit(testSplit);

        ArgumentOutOfRangeException.ThrowIfNegative(validationRows);
        string path = Path.Combine(directory, FileName);
        var rules = new KerasIdRules(numWords, skipTop, startChar, oovChar, indexFrom);
        _ = new MultiHotRows(rules, 0, path); // argument checks before reading
        (MultiHotRows rows, long[] ys) = MultiHotTextLoader.ReadSplit(path, "x", "y", rules, MaxMemberBytes, MaxWires);

        int[] order = new NumpyRandomState(seed).ShuffledRange(rows.Count);
        int[] labels = KerasSequenceRules.Labels(Array.ConvertAll(order, i => ys[i]), path);
        int split = (int)(rows.Count * (1 - testSplit));
        if (validationRows > split)
        {
            throw new DataFormatException(
                $"{path}: the training split has {split} newswires, fewer than the {validationRows} to hold out for validation; it is not the Keras file: delete it to download it again, or point --data-dir at a good copy");
        }

        return new MultiHotDataset(
            new MultiHotSplit(rows.Gather(order.AsSpan(0, validationRows)), labels[..validationRows]),
            new MultiHotSplit(rows.Gather(order.AsSpan(validationRows, split - validationRows)), labels[validationRows..split]),
            new MultiHotSplit(rows.Gather(order.AsSpan(split)), labels[split..]));
    }

    private static void CheckTestSplit(double testSplit)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, "must be in [0, 1)");
        }
    }
}
