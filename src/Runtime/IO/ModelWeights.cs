using AotNet.Training;

namespace AotNet.IO;

/// <summary>
/// A model's weights as a safetensors file that says which model it belongs to: the tensors of
/// <c>SafeTensors.FromModel</c> plus <c>__metadata__</c> keys <c>format</c>, <c>aotnet_version</c>, <c>model</c>,
/// <c>topology</c>, <c>loss</c> and whatever the caller adds (class names, feature names, a dataset). Loading refuses a
/// file saved for another model, and (through <c>SafeTensors.ReadFile</c>) missing, extra or misshapen tensors.
/// </summary>
public static class ModelWeights
{
    /// <summary>Writes the file atomically (temp and rename): a reader never sees half a file.</summary>
    public static void Save(string path, ModelDescription description, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null, float[]? state = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                all[key] = value;
            }
        }

        all["format"] = "aotnet";
        all["aotnet_version"] = typeof(ModelWeights).Assembly.GetName().Version?.ToString(3) ?? "0";
        all["model"] = description.Name;
        all["topology"] = description.Topology;
        all["loss"] = description.Loss.ToString();
        AtomicFile.WriteAllBytes(path, SafeTensors.Serialize(SafeTensors.FromModel(description, parameters, state ?? []), all));
    }

    /// <summary>
    /// Reads <paramref name="path"/> into <paramref name="parameters"/> and returns its metadata. A file whose
    /// <c>model</c> (or, when given, <c>dataset</c>) metadata names another model is refused before anything is copied.
    /// </summary>
    /// <exception cref="InvalidDataException">The weights belong to another model.</exception>
    public static Dictionary<string, string> Load(string path, ModelDescription description, float[] parameters, string? dataset = null, float[]? state = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        return SafeTensors.ReadFile(path, description, parameters, state ?? [], saved =>
        {
            saved.TryGetValue("dataset", out string? savedDataset);
            saved.TryGetValue("model", out string? savedModel);
            if ((dataset is not null && savedDataset is not null && savedDataset != dataset) || (savedModel is not null && savedModel != description.Name))
            {
                saved.TryGetValue("topology", out string? topology);
                throw new InvalidDataException(
                    $"{path} holds weights of {savedModel ?? "another model"} ({topology ?? "unknown topology"}){(savedDataset is null ? string.Empty : $" trained on {savedDataset}")}, " +
                    $"not of {description.Name} ({description.Topology}){(dataset is null ? string.Empty : $" for {dataset}")}");
            }
        });
    }
}
