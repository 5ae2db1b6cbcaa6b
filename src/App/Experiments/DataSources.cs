using System.Diagnostics;
using System.Globalization;
using AotNet.App.Terminal;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;
using AotNet.Reporting;

namespace AotNet.App.Experiments;

/// <summary>From the Keras files to model inputs, as the seed prepares them (num_words = 10000, multi-hot, normalised Boston).</summary>
internal static class DataSources
{
    public const int NumWords = 10000;

    /// <summary>The Embedding model's review length: pad_sequences(maxlen=256), as the Keras/TensorFlow text tutorials pad IMDB.</summary>
    public const int SequenceLength = 256;

    public static TextData Imdb(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        // straight from the npz to multi-hot rows (the same matrices as Imdb.Load + KerasTensors.Binary, far less memory)
        string path = Ensure(cache, Data.Keras.Imdb.FileName, reporter, cancellation);
        var data = Data.Keras.Imdb.LoadMultiHot(Path.GetDirectoryName(path)!, NumWords, validationRows: 10000);
        CheckLabels(path, 2, "reviews are labelled 0 (negative) or 1 (positive)", data.Validation.Labels, data.Train.Labels, data.Test.Labels);
        CheckTrainingRows(path, data.Train.Count, 10000, "reviews");
        return new TextData("imdb", Binary(data.Validation), Binary(data.Train), Binary(data.Test), clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// IMDB for the Embedding model: the same reviews, labels and splits as <see cref="Imdb"/> (Keras's
    /// <c>load_data(num_words=10000)</c>, the first 10000 training reviews for validation), each review as its word ids
    /// padded or cut to <see cref="SequenceLength"/> with Keras's <c>pad_sequences</c> defaults (pre-padding with 0,
    /// pre-truncating: a long review keeps its last words).
    /// </summary>
    public static TextData ImdbTokens(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string path = Ensure(Cache(settings), Data.Keras.Imdb.FileName, reporter, cancellation);
        var data = Data.Keras.Imdb.Load(Path.GetDirectoryName(path)!, NumWords);
        const int validationRows = 10000;
        if (data.Train.Count < validationRows)
        {
            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the training split has {data.Train.Count} reviews, fewer than the {validationRows} to hold out for validation; it is not the Keras file: delete it to download it again, or point --data-dir at a good copy"));
        }

        CheckLabels(path, 2, "reviews are labelled 0 (negative) or 1 (positive)", data.Train.Labels, data.Test.Labels);
        CheckTrainingRows(path, data.Train.Count - validationRows, validationRows, "reviews");

        var train = TokenMatrix.Pad(data.Train.Sequences, SequenceLength);
        var test = TokenMatrix.Pad(data.Test.Sequences, SequenceLength);
        var labels = Labels.ToColumn(data.Train.Labels);
        var all = new LabeledData(train, labels);
        return new TextData(
            "imdb",
            all.SliceRows(0, validationRows),
            all.SliceRows(validationRows, train.Rows - validationRows),
            new LabeledData(test, Labels.ToColumn(data.Test.Labels)),
            clock.Elapsed.TotalSeconds);
    }

    public static TextData Reuters(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        // straight from the npz to multi-hot rows (the same matrices as Reuters.Load + KerasTensors.Categorical)
        string path = Ensure(cache, Data.Keras.Reuters.FileName, reporter, cancellation);
        var data = Data.Keras.Reuters.LoadMultiHot(Path.GetDirectoryName(path)!, NumWords, validationRows: 1000);
        CheckLabels(path, ReutersNet.Description.Outputs, "newswires are labelled with one of the 46 topics 0-45", data.Validation.Labels, data.Train.Labels, data.Test.Labels);
        CheckTrainingRows(path, data.Train.Count, 1000, "newswires");
        return new TextData("reuters", Categorical(data.Validation), Categorical(data.Train), Categorical(data.Test), clock.Elapsed.TotalSeconds);
    }

    public static BostonData Boston(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        string path = Ensure(cache, BostonHousing.FileName, reporter, cancellation);
        var data = BostonHousing.Load(Path.GetDirectoryName(path)!);
        var (train, test, normalizer) = KerasTensors.Standardized(data);
        return new BostonData(train, test, normalizer.Mean.Select(v => (float)v).ToArray(), normalizer.Std.Select(v => (float)v).ToArray(), clock.Elapsed.TotalSeconds) { File = path };
    }

    /// <summary>The tutorial holds out the first rows for validation: some must be left to train on.</summary>
    private static void CheckTrainingRows(string path, int left, int heldOut, string what)
    {
        if (left == 0)
        {
            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the training split has only the {heldOut} {what} held out for validation, none to train on; it is not the Keras file: delete it to download it again, or point --data-dir at a good copy"));
        }
    }

    /// <summary>Every label must be in [0, <paramref name="classes"/>): the file's name and the first bad label otherwise.</summary>
    private static void CheckLabels(string path, int classes, string rule, params int[][] splits)
    {
        foreach (int[] labels in splits)
        {
            foreach (int label in labels)
            {
                if ((uint)label >= (uint)classes)
                {
                    throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                        $"{path}: label {label} is not valid ({rule}); it is not the Keras file: delete it to download it again, or point --data-dir at a good copy"));
                }
            }
        }
    }

    private static LabeledData Binary(MultiHotSplit split) => new(split.Inputs, Labels.ToColumn(split.Labels));

    private static LabeledData Categorical(MultiHotSplit split) => new(split.Inputs, Labels.ToCategorical(split.Labels, ReutersNet.Description.Outputs));

    /// <summary>The file's path, downloading it first if needed; Ctrl+C stops a download (and leaves nothing in the cache).</summary>
    private static string Ensure(DatasetCache cache, string fileName, ConsoleReporter reporter, CancellationToken cancellation) =>
        cache.EnsureAsync(fileName, Progress(reporter), cancellation).GetAwaiter().GetResult();

    private static DatasetCache Cache(RunSettings settings) => DatasetCache.FromEnvironment(settings.DataDir, !settings.NoVerify);

    private static Action<DownloadProgress> Progress(ConsoleReporter reporter)
    {
        long lastReported = -1;
        return p =>
        {
            long mb = p.BytesReceived >> 20;
            if (mb != lastReported && (p.TotalBytes is null || p.BytesReceived == p.TotalBytes || mb % 2 == 0))
            {
                lastReported = mb;
                string total = p.TotalBytes is long t ? string.Create(CultureInfo.InvariantCulture, $" of {t / 1048576.0:0.0} MB") : string.Empty;
                reporter.Line(string.Create(CultureInfo.InvariantCulture, $"downloading {p.FileName}: {p.BytesReceived / 1048576.0:0.0} MB{total}"));
            }
        };
    }
}
