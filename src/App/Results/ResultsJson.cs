using System.Text.Json;
using System.Text.Json.Serialization;

namespace AotNet.App.Results;

/// <summary>Wall-clock seconds of an experiment's phases.</summary>
public sealed record Seconds(
    [property: JsonPropertyName("load")] double Load,
    [property: JsonPropertyName("train")] double Train,
    [property: JsonPropertyName("test")] double Test,
    [property: JsonPropertyName("total")] double Total);

/// <summary>results.json entry of imdb and reuters.</summary>
public sealed record TextResult(
    [property: JsonPropertyName("history")] Dictionary<string, double[]> History,
    [property: JsonPropertyName("test")] Dictionary<string, double> Test,
    [property: JsonPropertyName("best_epoch")] int BestEpoch,
    [property: JsonPropertyName("seconds")] Seconds Seconds,
    [property: JsonPropertyName("allocated_bytes_after_first_epoch")] long AllocatedBytesAfterFirstEpoch)
{
    /// <summary>When and how this entry was produced; null in files written before AotNet recorded it.</summary>
    [JsonPropertyName("run")]
    public RunRecord? Run { get; init; }
}

/// <summary>One fold of the Boston k-fold run.</summary>
public sealed record FoldCurves(
    [property: JsonPropertyName("val_mae")] double[] ValMae,
    [property: JsonPropertyName("val_loss")] double[] ValLoss);

/// <summary>results.json entry of boston.</summary>
public sealed record BostonResult(
    [property: JsonPropertyName("folds")] FoldCurves[] Folds,
    [property: JsonPropertyName("mean_val_mae")] double[] MeanValMae,
    [property: JsonPropertyName("smoothed_val_mae")] double[] SmoothedValMae,
    [property: JsonPropertyName("smoothing")] string Smoothing,
    [property: JsonPropertyName("best_epoch")] int BestEpoch,
    [property: JsonPropertyName("test")] Dictionary<string, double> Test,
    [property: JsonPropertyName("seconds")] Seconds Seconds,
    [property: JsonPropertyName("allocated_bytes_after_first_epoch")] long AllocatedBytesAfterFirstEpoch)
{
    /// <summary>When and how this entry was produced; null in files written before AotNet recorded it.</summary>
    [JsonPropertyName("run")]
    public RunRecord? Run { get; init; }
}

/// <summary>The settings an experiment ran with, as effective values (the tutorial's defaults filled in).</summary>
public sealed record RunSettingsRecord
{
    [JsonPropertyName("epochs")]
    public int Epochs { get; init; }

    [JsonPropertyName("batch_size")]
    public int BatchSize { get; init; }

    [JsonPropertyName("seed")]
    public ulong Seed { get; init; }

    [JsonPropertyName("threads")]
    public int Threads { get; init; }

    [JsonPropertyName("shuffle")]
    public bool Shuffle { get; init; }

    /// <summary>Boston only.</summary>
    [JsonPropertyName("folds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Folds { get; init; }

    /// <summary>Boston only: book or seed.</summary>
    [JsonPropertyName("smoothing")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Smoothing { get; init; }

    [JsonPropertyName("initial_weights")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InitialWeights { get; init; }

    [JsonPropertyName("save_weights")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SaveWeights { get; init; }
}

/// <summary>The machine an experiment ran on.</summary>
public sealed record MachineRecord
{
    [JsonPropertyName("os")]
    public string Os { get; init; } = string.Empty;

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = string.Empty;

    [JsonPropertyName("cpu")]
    public string Cpu { get; init; } = string.Empty;

    [JsonPropertyName("cores")]
    public int Cores { get; init; }

    [JsonPropertyName("runtime")]
    public string Runtime { get; init; } = string.Empty;

    /// <summary>One line: "AMD EPYC 7B13, 2 cores, x64, Debian GNU/Linux 12, .NET 10.0.0".</summary>
    public string Describe() => string.Join(", ", new[] { Cpu, Cores > 0 ? $"{Cores} cores" : string.Empty, Architecture, Os, Runtime }.Where(p => p.Length > 0));
}

/// <summary>When and how one results.json entry was produced.</summary>
public sealed record RunRecord
{
    /// <summary>UTC time the experiment finished, ISO 8601.</summary>
    [JsonPropertyName("finished_at")]
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The command line of the run.</summary>
    [JsonPropertyName("command")]
    public string Command { get; init; } = string.Empty;

    /// <summary>AotNet's informational version (with the commit).</summary>
    [JsonPropertyName("version")]
    public string Version { get; init; } = string.Empty;

    [JsonPropertyName("settings")]
    public RunSettingsRecord Settings { get; init; } = new();

    [JsonPropertyName("machine")]
    public MachineRecord Machine { get; init; } = new();
}

/// <summary>results.json: one object per experiment, keyed by experiment name; each run replaces only its own.</summary>
public sealed class ResultsFile
{
    [JsonPropertyName("imdb")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TextResult? Imdb { get; set; }

    /// <summary>The book's over-fitting variants of the IMDB model (<c>--variant</c>), by name: small, large, l2, dropout.</summary>
    [JsonPropertyName("imdb_variants")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, TextResult>? ImdbVariants { get; set; }

    [JsonPropertyName("reuters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TextResult? Reuters { get; set; }

    [JsonPropertyName("boston")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BostonResult? Boston { get; set; }

    /// <summary>Entries this version does not know (e.g. written by a newer AotNet): kept as they are.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }

    /// <summary>The experiments present, in the tutorial's order.</summary>
    [JsonIgnore]
    public IEnumerable<string> Experiments =>
        new[] { ("imdb", Imdb is not null), ("reuters", Reuters is not null), ("boston", Boston is not null) }.Where(e => e.Item2).Select(e => e.Item1);

    /// <summary>
    /// <paramref name="kept"/>'s entries with this run's replacing those of the same experiments: a single-experiment
    /// run never drops the others' results.
    /// </summary>
    public ResultsFile MergedOver(ResultsFile? kept) => new()
    {
        Imdb = Imdb ?? kept?.Imdb,
        ImdbVariants = MergedVariants(ImdbVariants, kept?.ImdbVariants),
        Reuters = Reuters ?? kept?.Reuters,
        Boston = Boston ?? kept?.Boston,
        Other = kept?.Other,
    };

    // this run's variants replace those of the same name; the others stay (each records its own run)
    private static Dictionary<string, TextResult>? MergedVariants(Dictionary<string, TextResult>? run, Dictionary<string, TextResult>? kept)
    {
        if (run is null || kept is null)
        {
            return run ?? kept;
        }

        var merged = new Dictionary<string, TextResult>(kept, StringComparer.Ordinal);
        foreach (var (name, result) in run)
        {
            merged[name] = result;
        }

        return merged;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ResultsFile))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
