using System.Diagnostics;
using System.Globalization;
using AotNet.App.Terminal;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;

namespace AotNet.App.Experiments;

/// <summary>From the Keras files to model inputs, as the seed prepares them (num_words = 10000, multi-hot, normalised Boston).</summary>
internal static class DataSources
{
    public const int NumWords = 10000;

    public static TextData Imdb(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        var data = Data.Keras.Imdb.Load(Path.GetDirectoryName(Ensure(cache, Data.Keras.Imdb.FileName, reporter, cancellation))!, NumWords);
        var testTask = Task.Run(() => KerasTensors.Binary(data.Test, NumWords)); // independent of the training split
        var train = KerasTensors.Binary(data.Train, NumWords);
        var test = testTask.GetAwaiter().GetResult();
        return new TextData("imdb", train, test, 10000, clock.Elapsed.TotalSeconds);
    }

    public static TextData Reuters(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        var data = Data.Keras.Reuters.Load(Path.GetDirectoryName(Ensure(cache, Data.Keras.Reuters.FileName, reporter, cancellation))!, NumWords);
        var train = KerasTensors.Categorical(data.Train, NumWords, ReutersNet.Description.Outputs);
        var test = KerasTensors.Categorical(data.Test, NumWords, ReutersNet.Description.Outputs);
        return new TextData("reuters", train, test, 1000, clock.Elapsed.TotalSeconds);
    }

    public static BostonData Boston(RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var cache = Cache(settings);
        var data = BostonHousing.Load(Path.GetDirectoryName(Ensure(cache, BostonHousing.FileName, reporter, cancellation))!);
        var (train, test, normalizer) = KerasTensors.Standardized(data);
        return new BostonData(train, test, normalizer.Mean.Select(v => (float)v).ToArray(), normalizer.Std.Select(v => (float)v).ToArray(), clock.Elapsed.TotalSeconds);
    }

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
