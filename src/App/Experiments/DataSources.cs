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

    public static TextData Imdb(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        // straight from the npz to multi-hot rows (the same matrices as Imdb.Load + KerasTensors.Binary, far less memory)
        string path = Ensure(cache, Data.Keras.Imdb.FileName, reporter, cancellation);
        var data = Data.Keras.Imdb.LoadMultiHot(Path.GetDirectoryName(path)!, NumWords, validationRows: 10000);
        CheckLabels(path, 2, "reviews are labelled 0 (negative) or 1 (positive)", data.Validation, data.Train, data.Test);
        CheckTrainingRows(path, data.Train.Count, 10000, "reviews");
        return new TextData("imdb", Binary(data.Validation), Binary(data.Train), Binary(data.Test), clock.Elapsed.TotalSeconds);
    }

    public static TextData Reuters(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        // straight from the npz to multi-hot rows (the same matrices as Reuters.Load + KerasTensors.Categorical)
        string path = Ensure(cache, Data.Keras.Reuters.FileName, reporter, cancellation);
        var data = Data.Keras.Reuters.LoadMultiHot(Path.GetDirectoryName(path)!, NumWords, validationRows: 1000);
        CheckLabels(path, ReutersNet.Description.Outputs, "newswires are labelled with one of the 46 topics 0-45", data.Validation, data.Train, data.Test);
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
    private static void CheckLabels(string path, int classes, string rule, params MultiHotSplit[] splits)
    {
        foreach (var split in splits)
        {
            foreach (int label in split.Labels)
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
