using AotNet.IO;
using AotNet.Training;

namespace AotNet.App.Experiments;

/// <summary>Creates a seed model: random glorot_uniform weights, or the weights of <c>--initial-weights</c>.</summary>
internal static class ModelFactory
{
    public static TModel Create<TModel>(RunSettings settings, ulong index = 0)
        where TModel : class, IModel<TModel>
    {
        var model = TModel.Create(Seeds.Derive(settings.Seed, Seeds.Weights, index));
        if (settings.InitialWeights is { } path)
        {
            var (tensors, _) = SafeTensors.Deserialize(ReadFile(path), path);
            SafeTensors.ToModel(TModel.Description, tensors, model.Parameters, path);
        }

        return model;
    }

    public static void Save<TModel>(TModel model, string path, IReadOnlyDictionary<string, string> metadata)
        where TModel : class, IModel<TModel>
    {
        var all = new Dictionary<string, string>(metadata, StringComparer.Ordinal)
        {
            ["format"] = "aotnet",
            ["aotnet_version"] = typeof(ModelFactory).Assembly.GetName().Version?.ToString(3) ?? "0",
            ["model"] = TModel.Description.Name,
            ["topology"] = TModel.Description.Topology,
            ["loss"] = TModel.Description.Loss.ToString(),
        };
        AtomicFile.WriteAllBytes(path, SafeTensors.Serialize(SafeTensors.FromModel(TModel.Description, model.Parameters), all));
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeTensorsException($"{path}: cannot read the initial weights ({e.Message})");
        }
    }
}
