using AotNet.Data.Numpy;

namespace AotNet.Data.Keras;

/// <summary>
/// The IMDB movie-review sentiment dataset exactly as <c>keras.datasets.imdb.load_data</c> returns it
/// (keras/src/datasets/imdb.py): 25,000 training and 25,000 test reviews as word-id sequences, labels 1 = positive.
/// </summary>
public static class Imdb
{
    /// <summary>The data file name (in the Keras datasets folder).</summary>
    public const string FileName = "imdb.npz";

    /// <summary>The word-index file name.</summary>
    public const string WordIndexFileName = "imdb_word_index.json";

    /// <summary>
    /// The largest uncompressed npz member read (Keras's largest, x_train, has 14.4 MB): a file that inflates to more
    /// is not Keras's and is refused before it is decoded.
    /// </summary>
    public const long MaxMemberBytes = 32L << 20;

    /// <summary>The most reviews a split may hold (Keras's have 25,000 each).</summary>
    public const int MaxReviews = 100_000;

    /// <summary>
    /// Loads <c>imdb.npz</c> from <paramref name="directory"/> and applies Keras's processing: shuffle train then test
    /// with one <c>RandomState(seed)</c>, prepend <paramref name="startChar"/>, add <paramref name="indexFrom"/>,
    /// drop sequences with <c>len ≥ maxLen</c> (when given), and replace ids outside
    /// <c>[skipTop, numWords)</c> with <paramref name="oovChar"/> (or drop them when it is null).
    /// <paramref name="numWords"/> defaults to 10000 as in the tutorial; null or 0 keeps every word (Keras's default).
    /// </summary>
    /// <exception cref="DataFormatException">The file is missing or not the expected npz.</exception>
    public static TextDataset Load(
        string directory,
        int? numWords = 10000,
        int skipTop = 0,
        int? maxLen = null,
        int? startChar = 1,
        int? oovChar = 2,
        int indexFrom = 3,
        uint seed = 113)
    {
        string path = Path.Combine(directory, FileName);

        // the two splits are independent members: inflate and decode the test split on a second thread
        // (each thread opens its own view of the archive; the result does not depend on the order)
        var testSplit = Task.Run(() => ReadSplit(path, "x_test", "y_test"));
        (IntSequences xTrain, long[] yTrain) = ReadSplit(path, "x_train", "y_train");
        (IntSequences xTest, long[] yTest) = testSplit.GetAwaiter().GetResult();

        if (xTrain.Count != yTrain.Length || xTest.Count != yTest.Length)
        {
            throw new DataFormatException($"{path}: sequence and label counts differ");
        }

        var rng = new NumpyRandomState(seed);
        int[] trainOrder = rng.ShuffledRange(xTrain.Count);
        int[] testOrder = rng.ShuffledRange(xTest.Count);

        IntSequences train = KerasSequenceRules.ReorderAndShift(xTrain, trainOrder, startChar, indexFrom, path);
        IntSequences test = KerasSequenceRules.ReorderAndShift(xTest, testOrder, startChar, indexFrom, path);
        int[] trainLabels = KerasSequenceRules.Labels(Array.ConvertAll(trainOrder, i => yTrain[i]), path);
        int[] testLabels = KerasSequenceRules.Labels(Array.ConvertAll(testOrder, i => yTest[i]), path);

        if (maxLen is int max && max != 0)
        {
            (train, trainLabels) = KerasSequenceRules.RemoveLongSequences(train, trainLabels, max);
            (test, testLabels) = KerasSequenceRules.RemoveLongSequences(test, testLabels, max);
            if (train.Count == 0 || test.Count == 0)
            {
                throw new ArgumentException($"After filtering for sequences shorter than maxlen={max}, no sequence was kept. Increase maxlen.", nameof(maxLen));
            }
        }

        int words = numWords is int n && n != 0 ? n : KerasSequenceRules.MaxId(train, test);
        train = KerasSequenceRules.LimitVocabulary(train, words, skipTop, oovChar);
        test = KerasSequenceRules.LimitVocabulary(test, words, skipTop, oovChar);
        return new TextDataset(new TextSplit(train, trainLabels), new TextSplit(test, testLabels));
    }

    /// <summary>
    /// <see cref="Load"/> followed by the tutorial's multi-hot encoding (<c>vectorize_sequences</c>, width
    /// <paramref name="numWords"/>), with the first <paramref name="validationRows"/> rows of the training split returned
    /// apart — exactly <c>MultiHot.Encode</c> of <see cref="Load"/>'s sequences, sliced — but without ever holding the
    /// sequences: each npz member is inflated and decoded in one streaming pass, every review becomes its multi-hot row
    /// at once (16-bit columns), and the rows are put in Keras's shuffled order at the end. The two splits are read on
    /// two threads. <paramref name="numWords"/> must be in [1, 65536]; the other parameters mean what they mean in <see cref="Load"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The file is missing or not the expected npz.</exception>
    public static MultiHotDataset LoadMultiHot(
        string directory,
        int numWords = 10000,
        int validationRows = 0,
        int skipTop = 0,
        int? startChar = 1,
        int? oovChar = 2,
        int indexFrom = 3,
        uint seed = 113)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(validationRows);
        string path = Path.Combine(directory, FileName);
        var rules = new KerasIdRules(numWords, skipTop, startChar, oovChar, indexFrom);
        _ = new MultiHotRows(rules, 0, path); // argument checks before any thread starts

        var testSplit = Task.Run(() => MultiHotTextLoader.ReadSplit(path, "x_test", "y_test", rules, MaxMemberBytes, MaxReviews));
        (MultiHotRows trainRows, long[] trainLabels) = MultiHotTextLoader.ReadSplit(path, "x_train", "y_train", rules, MaxMemberBytes, MaxReviews);
        (MultiHotRows testRows, long[] testLabels) = testSplit.GetAwaiter().GetResult();

        var rng = new NumpyRandomState(seed);
        int[] trainOrder = rng.ShuffledRange(trainRows.Count);
        int[] testOrder = rng.ShuffledRange(testRows.Count);
        if (validationRows > trainOrder.Length)
        {
            throw new DataFormatException(
                $"{path}: the training split has {trainOrder.Length} reviews, fewer than the {validationRows} to hold out for validation; it is not the Keras file: delete it to download it again, or point --data-dir at a good copy");
        }

        int[] trainY = KerasSequenceRules.Labels(Array.ConvertAll(trainOrder, i => trainLabels[i]), path);
        int[] testY = KerasSequenceRules.Labels(Array.ConvertAll(testOrder, i => testLabels[i]), path);
        var validation = new MultiHotSplit(trainRows.Gather(trainOrder.AsSpan(0, validationRows)), trainY[..validationRows]);
        var train = new MultiHotSplit(trainRows.Gather(trainOrder.AsSpan(validationRows)), trainY[validationRows..]);
        var test = new MultiHotSplit(testRows.Gather(testOrder), testY);
        return new MultiHotDataset(validation, train, test);
    }

    private static (IntSequences Sequences, long[] Labels) ReadSplit(string path, string x, string y)
    {
        using NpzArchive npz = NpzArchive.Open(path, MaxMemberBytes, maxMembers: 16);
        NpyArray sequences = npz.Read(x), labels = npz.Read(y);
        KerasSequenceRules.RequireVector(sequences);
        KerasSequenceRules.RequireVector(labels);
        return (sequences.ToSequences(), labels.ToInt64Array());
    }
}
