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
    [property: JsonPropertyName("allocated_bytes_after_first_epoch")] long AllocatedBytesAfterFirstEpoch);

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
    [property: JsonPropertyName("allocated_bytes_after_first_epoch")] long AllocatedBytesAfterFirstEpoch);

/// <summary>results.json: one object per experiment run, keyed by experiment name.</summary>
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
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ResultsFile))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
