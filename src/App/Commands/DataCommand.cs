using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Hosting;

namespace AotNet.App.Commands;

/// <summary>
/// <c>aotnet data &lt;imdb|reuters|boston&gt; [--split train|test] [--index N] [--json] [--data-dir DIR] [--no-verify]</c>:
/// shows one sample exactly as Keras's <c>load_data</c> returns it (IMDB and Reuters with <c>num_words=10000</c>, as
/// in the tutorial), decoded like the tutorial does.
/// </summary>
public static class DataCommand
{
    /// <summary>The datasets the command knows.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["imdb", "reuters", "boston"];

    // readable text in the JSON (apostrophes etc. unescaped); still valid JSON
    private static readonly DataCommandJsonContext JsonContext = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>The tutorial's vocabulary size for IMDB and Reuters.</summary>
    public const int NumWords = 10000;

    /// <summary>Builds the System.CommandLine command.</summary>
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "imdb, reuters or boston" };
        var split = new Option<string>("--split") { Description = "train or test", DefaultValueFactory = _ => "train" };
        var index = new Option<int>("--index") { Description = "sample index within the split", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of text" };
        var dataDir = DataOptions.DataDir();
        var noVerify = new Option<bool>("--no-verify") { Description = "do not hash-check dataset files already present (npz sha256, word-index md5)" };

        var command = new Command("data", "Show one sample of a Keras dataset exactly as keras.datasets.*.load_data returns it");
        command.Arguments.Add(dataset);
        command.Options.Add(split);
        command.Options.Add(index);
        command.Options.Add(json);
        command.Options.Add(dataDir);
        command.Options.Add(noVerify);
        command.SetAction(parseResult =>
        {
            var request = new DataRequest(
                parseResult.GetValue(dataset) ?? string.Empty,
                parseResult.GetValue(split) ?? "train",
                parseResult.GetValue(index),
                parseResult.GetValue(json),
                parseResult.GetValue(dataDir),
                !parseResult.GetValue(noVerify));
            using var interrupts = new Interrupts("aotnet data");
            int code = Run(request, Console.Out, Console.Error, null, interrupts.Token);
            return interrupts.Signalled ? interrupts.ExitCode : code;
        });
        return command;
    }

    /// <summary>Runs the command: writes the sample to <paramref name="output"/>, errors and download progress to <paramref name="error"/>; returns the exit code.</summary>
    public static int Run(DataRequest request, TextWriter output, TextWriter error, DatasetCache? cache = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            if (!Datasets.Contains(request.Dataset))
            {
                string hint = AotNet.Hosting.DidYouMean.Closest(request.Dataset, Datasets) is { } close ? $"; did you mean '{close}'?" : " (expected imdb, reuters or boston)";
                return Fail(error, $"unknown dataset '{request.Dataset}'{hint}");
            }

            if (request.Split is not ("train" or "test"))
            {
                return Fail(error, $"unknown split '{request.Split}' (expected train or test)");
            }

            cache ??= DatasetCache.FromEnvironment(request.DataDirectory, request.Verify);
            var progress = new ProgressLines(error);
            DataSample sample = request.Dataset == "boston"
                ? BostonSample(request, cache, progress, cancellation)
                : TextSample(request, cache, progress, cancellation);
            if (request.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(sample, JsonContext.DataSample));
            }
            else
            {
                WriteText(sample, output);
            }

            return 0;
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && e is OperationCanceledException or IOException or AggregateException)
        {
            error.WriteLine("aotnet data: interrupted; nothing was left in the datasets folder");
            return Cli.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (Cli.Hint(e) is { } hint)
            {
                error.WriteLine($"aotnet data: {e.Message}");
                return Fail(error, hint);
            }

            return Fail(error, e.Message);
        }
        catch (Exception e)
        {
            return Fail(error, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static DataSample TextSample(DataRequest request, DatasetCache cache, ProgressLines progress, CancellationToken cancellation)
    {
        bool imdb = request.Dataset == "imdb";
        string npz = cache.EnsureAsync(imdb ? Imdb.FileName : Reuters.FileName, progress.Report, cancellation).GetAwaiter().GetResult();
        string words = cache.EnsureAsync(imdb ? Imdb.WordIndexFileName : Reuters.WordIndexFileName, progress.Report, cancellation).GetAwaiter().GetResult();
        string folder = Path.GetDirectoryName(npz)!;
        TextDataset data = imdb ? Imdb.Load(folder, NumWords) : Reuters.Load(folder, NumWords);
        TextSplit split = request.Split == "train" ? data.Train : data.Test;
        CheckIndex(request, split.Count);

        ReadOnlySpan<int> ids = split.Sequences[request.Index];
        int label = split.Labels[request.Index];
        return new DataSample
        {
            Dataset = request.Dataset,
            Split = request.Split,
            Index = request.Index,
            TrainCount = data.Train.Count,
            TestCount = data.Test.Count,
            Ids = ids.ToArray(),
            Label = label,
            LabelName = imdb ? (label == 1 ? "positive" : "negative") : Reuters.LabelNames.ElementAtOrDefault(label),

            // the tutorial: ' '.join([reverse_word_index.get(i - 3, '') for i in train_data[0]])
            Text = WordIndex.Load(words).Decode(ids, offset: 3, unknown: string.Empty),
        };
    }

    private static DataSample BostonSample(DataRequest request, DatasetCache cache, ProgressLines progress, CancellationToken cancellation)
    {
        string npz = cache.EnsureAsync(BostonHousing.FileName, progress.Report, cancellation).GetAwaiter().GetResult();
        BostonDataset data = BostonHousing.Load(Path.GetDirectoryName(npz)!);
        BostonSplit split = request.Split == "train" ? data.Train : data.Test;
        CheckIndex(request, split.Count);
        return new DataSample
        {
            Dataset = request.Dataset,
            Split = request.Split,
            Index = request.Index,
            TrainCount = data.Train.Count,
            TestCount = data.Test.Count,
            Features = split.Row(request.Index).ToArray(),
            Label = split.Targets[request.Index],
        };
    }

    private static void CheckIndex(DataRequest request, int count)
    {
        if (request.Index < 0 || request.Index >= count)
        {
            throw new ArgumentException($"index {request.Index} is outside the {request.Split} split (0..{count - 1})");
        }
    }

    private static void WriteText(DataSample s, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{s.Dataset} {s.Split}[{s.Index}]  (train {s.TrainCount}, test {s.TestCount})"));
        if (s.Features is { } features)
        {
            for (int c = 0; c < features.Length; c++)
            {
                output.WriteLine(string.Create(inv, $"  {BostonHousing.ColumnNames[c],-8} {features[c],10}"));
            }

            output.WriteLine(string.Create(inv, $"  price    {s.Label,10} (k$)"));
            return;
        }

        output.WriteLine(string.Create(inv, $"label: {s.Label} ({s.LabelName})"));
        output.WriteLine(string.Create(inv, $"words: {s.Ids!.Length}"));
        output.WriteLine(s.Text);
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"aotnet data: {message}");
        return 1;
    }

    /// <summary>Plain progress lines on stderr (every 10 %), so stdout stays clean for --json.</summary>
    private sealed class ProgressLines(TextWriter error)
    {
        private int _lastDecile = -1;

        public void Report(DownloadProgress p)
        {
            if (p.BytesReceived == 0)
            {
                _lastDecile = -1;
                error.WriteLine($"downloading {p.FileName} ...");
                return;
            }

            if (p.TotalBytes is long total && total > 0)
            {
                int decile = (int)(p.BytesReceived * 10 / total);
                if (decile != _lastDecile)
                {
                    _lastDecile = decile;
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {p.FileName}: {decile * 10,3}% ({p.BytesReceived / 1e6:F1} of {total / 1e6:F1} MB)"));
                }
            }
        }
    }
}

/// <summary>What <c>aotnet data</c> was asked for.</summary>
/// <param name="Dataset">imdb, reuters or boston.</param>
/// <param name="Split">train or test.</param>
/// <param name="Index">Sample index within the split.</param>
/// <param name="Json">Print JSON instead of text.</param>
/// <param name="DataDirectory">Explicit datasets folder, or null for Keras's default.</param>
/// <param name="Verify">sha256-check npz files already present.</param>
public sealed record DataRequest(string Dataset, string Split = "train", int Index = 0, bool Json = false, string? DataDirectory = null, bool Verify = true);

/// <summary>The JSON object <c>aotnet data --json</c> prints.</summary>
public sealed class DataSample
{
    /// <summary>imdb, reuters or boston.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>train or test.</summary>
    [JsonPropertyName("split")]
    public required string Split { get; init; }

    /// <summary>Index within the split.</summary>
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    /// <summary>Samples in the training split.</summary>
    [JsonPropertyName("train_count")]
    public required int TrainCount { get; init; }

    /// <summary>Samples in the test split.</summary>
    [JsonPropertyName("test_count")]
    public required int TestCount { get; init; }

    /// <summary>IMDB/Reuters: the word ids exactly as Keras's load_data(num_words=10000) returns them.</summary>
    [JsonPropertyName("ids")]
    public int[]? Ids { get; init; }

    /// <summary>Boston: the 13 raw (not normalised) features.</summary>
    [JsonPropertyName("features")]
    public double[]? Features { get; init; }

    /// <summary>IMDB: 0/1; Reuters: topic 0..45; Boston: the price in k$.</summary>
    [JsonPropertyName("label")]
    public required double Label { get; init; }

    /// <summary>IMDB: positive/negative; Reuters: the topic name.</summary>
    [JsonPropertyName("label_name")]
    public string? LabelName { get; init; }

    /// <summary>IMDB/Reuters: the decoded text, as the tutorial decodes it.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }
}

/// <summary>Source-generated (AOT-safe) serializer for <see cref="DataSample"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DataSample))]
internal sealed partial class DataCommandJsonContext : JsonSerializerContext
{
}
