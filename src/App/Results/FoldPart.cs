using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AotNet.App.Results;

/// <summary>
/// What decides a Boston fold's curves besides the fold index, recorded in its part so that <c>aotnet merge</c> can
/// refuse parts that do not belong together: the effective settings and the initial weights' SHA-256.
/// </summary>
public sealed record FoldPartSettings
{
    [JsonPropertyName("epochs")]
    public int Epochs { get; init; }

    [JsonPropertyName("batch_size")]
    public int BatchSize { get; init; }

    [JsonPropertyName("folds")]
    public int Folds { get; init; }

    [JsonPropertyName("seed")]
    public ulong Seed { get; init; }

    [JsonPropertyName("shuffle")]
    public bool Shuffle { get; init; }

    /// <summary>book or seed: the merge smooths the mean curve with it.</summary>
    [JsonPropertyName("smoothing")]
    public string Smoothing { get; init; } = string.Empty;

    /// <summary>SHA-256 of the --initial-weights file; null for random initial weights.</summary>
    [JsonPropertyName("initial_weights_sha256")]
    public string? InitialWeightsSha256 { get; init; }

    /// <summary>"20 epochs, batch 1, 5 folds, seed 0, shuffled, book smoothing, random initial weights".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Epochs} epochs, batch {BatchSize}, {Folds} folds, seed {Seed}, {(Shuffle ? "shuffled" : "no shuffle")}, {Smoothing} smoothing, {(InitialWeightsSha256 is { } w ? $"initial weights sha256 {w[..12]}…" : "random initial weights")}");
}

/// <summary>The data a fold was trained on: the Keras file's name and SHA-256.</summary>
public sealed record FoldPartData
{
    [JsonPropertyName("file")]
    public string File { get; init; } = string.Empty;

    [JsonPropertyName("sha256")]
    public string Sha256 { get; init; } = string.Empty;
}

/// <summary>
/// One fold of the Boston k-fold run, written by <c>aotnet boston --fold I</c> as <c>boston-fold-I.json</c>: the fold's
/// validation curves (full precision: JSON numbers round-trip every double), plus what the merge checks — the format,
/// the AotNet version (with its commit), the data's hash and the settings — and, for people, the run's record.
/// </summary>
public sealed record FoldPart
{
    /// <summary>The value of <see cref="Format"/> in every part.</summary>
    public const string FormatName = "aotnet-boston-fold-part/1";

    [JsonPropertyName("format")]
    public string Format { get; init; } = string.Empty;

    /// <summary>AotNet's informational version: the merge takes parts of its own version only (the same code, the same bits).</summary>
    [JsonPropertyName("version")]
    public string Version { get; init; } = string.Empty;

    /// <summary>The fold's index, 0 to folds - 1.</summary>
    [JsonPropertyName("fold")]
    public int Fold { get; init; }

    [JsonPropertyName("data")]
    public FoldPartData Data { get; init; } = new();

    [JsonPropertyName("settings")]
    public FoldPartSettings Settings { get; init; } = new();

    [JsonPropertyName("val_mae")]
    public double[] ValMae { get; init; } = [];

    [JsonPropertyName("val_loss")]
    public double[] ValLoss { get; init; } = [];

    /// <summary>Wall-clock seconds of the fold's training.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; init; }

    [JsonPropertyName("allocated_bytes_after_first_epoch")]
    public long AllocatedBytesAfterFirstEpoch { get; init; }

    /// <summary>When, how and where the fold ran.</summary>
    [JsonPropertyName("run")]
    public RunRecord? Run { get; init; }

    /// <summary>The output set's record (run id, file hash), written by the commit; not read.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }

    /// <summary>The part's file name in the --out folder.</summary>
    public static string FileName(int fold) => string.Create(CultureInfo.InvariantCulture, $"boston-fold-{fold}.json");

    public string ToJson() => JsonSerializer.Serialize(this with { Other = null }, FoldPartJsonContext.Default.FoldPart);

    /// <summary>The part in <paramref name="text"/>, or null with one line saying why it is not one (<paramref name="source"/> names it).</summary>
    public static (FoldPart? Part, string? Problem) Parse(string text, string source)
    {
        FoldPart? part;
        try
        {
            part = JsonSerializer.Deserialize(text, FoldPartJsonContext.Default.FoldPart);
        }
        catch (JsonException e)
        {
            return (null, $"{source} is not a fold part AotNet can read ({e.Message.Split('.')[0]})");
        }

        if (part is null || part.Format != FormatName)
        {
            return (null, $"{source} is not a fold part of aotnet boston --fold (its format is '{part?.Format}', not '{FormatName}')");
        }

        var s = part.Settings;
        if (s.Folds < 2 || part.Fold < 0 || part.Fold >= s.Folds || s.Epochs < 1 || !Reporting.Smoothing.TryParseKind(s.Smoothing, out _) || part.ValMae.Length != s.Epochs || part.ValLoss.Length != s.Epochs)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"{source} is damaged: fold {part.Fold} of {s.Folds}, {s.Epochs} epochs, {s.Smoothing} smoothing, {part.ValMae.Length} val_mae and {part.ValLoss.Length} val_loss values"));
        }

        return (part, null);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(FoldPart))]
internal sealed partial class FoldPartJsonContext : JsonSerializerContext;
