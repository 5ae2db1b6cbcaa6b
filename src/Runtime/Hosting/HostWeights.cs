using System.Text;
using System.Text.Json;
using AotNet.Data.Csv;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Hosting;

/// <summary>
/// What <see cref="ModelApp"/> keeps with a model's weights so that <c>evaluate</c> and <c>predict</c> need nothing
/// else: the feature columns, the label column(s) and the class names (safetensors metadata keys <c>features</c>,
/// <c>labels</c>, <c>classes</c>, each a JSON array of strings).
/// </summary>
public sealed record HostWeights(IReadOnlyList<string> Features, IReadOnlyList<string> Labels, IReadOnlyList<string>? Classes)
{
    public const string FeaturesKey = "features", LabelsKey = "labels", ClassesKey = "classes";

    /// <summary>The metadata entries of this record.</summary>
    public Dictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FeaturesKey] = Json(Features),
            [LabelsKey] = Json(Labels),
        };
        if (Classes is not null)
        {
            metadata[ClassesKey] = Json(Classes);
        }

        return metadata;
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="parameters"/> and the non-trainable <paramref name="state"/> (the model's State: normalisation statistics; refusing another model's weights) and reads the record.</summary>
    public static HostWeights Load(string path, ModelDescription description, float[] parameters, float[]? state = null)
    {
        var metadata = ModelWeights.Load(path, description, parameters, state: state);
        string[]? features = Strings(metadata, FeaturesKey, path);
        string[]? labels = Strings(metadata, LabelsKey, path);
        if (features is null || labels is null)
        {
            throw new InvalidDataException($"{path}: the weights do not name their feature and label columns; save them with the fit command (--save-weights)");
        }

        if (features.Length != description.Inputs)
        {
            throw new InvalidDataException($"{path}: the weights name {features.Length} feature columns for a model of {description.Inputs} inputs");
        }

        string[]? classes = Strings(metadata, ClassesKey, path);
        var kind = TargetKinds.For(description);
        if (kind.IsClasses() && (classes is null || classes.Length != TargetKinds.Classes(kind, description)))
        {
            throw new InvalidDataException($"{path}: the weights do not name the model's {TargetKinds.Classes(kind, description)} classes; save them with the fit command (--save-weights)");
        }

        return new HostWeights(features, labels, classes);
    }

    private static string Json(IReadOnlyList<string> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (string v in values)
            {
                writer.WriteStringValue(v);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string[]? Strings(Dictionary<string, string> metadata, string key, string path)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new InvalidDataException($"{path}: metadata '{key}' is not a JSON array of strings");
            }

            return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata '{key}' is not JSON ({e.Message})", e);
        }
    }
}
