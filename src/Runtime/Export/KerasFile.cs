using System.Globalization;
using System.IO.Compression;
using System.Text;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>
/// Keras 3's files for a declared model: <c>.keras</c> (a zip of metadata.json, config.json and model.weights.h5, as
/// <c>keras.saving.save_model</c> writes it) and <c>.weights.h5</c> (as <c>model.save_weights</c> writes it), read
/// and written. The weights sit
/// where Keras 3's H5IOStore puts them: <c>layers/{name}/vars/{i}</c>, names dense, dense_1, dropout, … as Keras
/// names the layers of a Sequential, Dense <c>vars/0</c> the kernel [in, out] and <c>vars/1</c> the bias, the other
/// layers' variables in Keras's order (<see cref="KerasConfig.Layers"/>: Normalization, BatchNormalization,
/// LayerNormalization, Embedding; the state block's tensors too), plus an empty root <c>vars</c> group (the model's
/// own, which Keras's loader opens). HDF5 through <see cref="Hdf5"/>. See docs/export.md.
/// </summary>
public static class KerasFile
{
    private const string ConfigName = "config.json", MetadataName = "metadata.json", WeightsName = "model.weights.h5";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically): a .keras archive or a .weights.h5 file, by its name.</summary>
    public static void Save<TModel>(TModel model, string path)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var description = TModel.Description;
        byte[] image = path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase)
            ? Archive(description, model.Parameters, model.State)
            : path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase)
                ? Weights(description, model.Parameters, model.State)
                : throw new ArgumentException($"{path}: a Keras file name ends in .keras or .weights.h5");
        AtomicFile.WriteAllBytes(path, image);
    }

    /// <summary>
    /// Reads the weights of <paramref name="path"/> (.keras, .weights.h5, or a Keras 2 .h5) into
    /// <paramref name="model"/>. A .keras archive's config.json must describe the declared topology; any difference,
    /// a missing or misshapen weight, or a file that is not what its name says is an <see cref="InvalidDataException"/>
    /// with one line naming the first problem. The model is left unchanged when anything is wrong.
    /// </summary>
    public static void Load<TModel>(TModel model, string path)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var description = TModel.Description;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file");
        }

        var parameters = new float[description.ParameterCount];
        var state = new float[description.StateCount];
        if (path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            ReadArchive(description, path, parameters, state);
        }
        else if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
        {
            ReadWeights(KerasConfig.Layers(description), File.ReadAllBytes(path), path, parameters, state);
        }
        else
        {
            throw new ArgumentException($"{path}: a Keras file name ends in .keras, .weights.h5 or .h5");
        }

        parameters.CopyTo(model.Parameters, 0);
        state.CopyTo(model.State, 0);
    }

    /// <summary>The .keras archive of a model without state: metadata.json, config.json, model.weights.h5 (in Keras's order).</summary>
    public static byte[] Archive(ModelDescription description, ReadOnlySpan<float> parameters) => Archive(description, parameters, []);

    /// <summary>The .keras archive of a model with its non-trainable <paramref name="state"/> (Normalization's mean and variance, BatchNormalization's moving statistics).</summary>
    public static byte[] Archive(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        byte[] weights = Weights(description, parameters, state);
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, MetadataName, Encoding.UTF8.GetBytes(
                $"{{\"keras_version\": \"3.0.0\", \"date_saved\": \"{DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture)}\", \"producer\": \"AotNet\"}}"));
            Entry(zip, ConfigName, KerasConfig.Write(description));
            Entry(zip, WeightsName, weights);
        }

        return buffer.ToArray();
    }

    /// <summary>The weights of a model without state as Keras 3's H5IOStore writes them.</summary>
    public static byte[] Weights(ModelDescription description, ReadOnlySpan<float> parameters) => Weights(description, parameters, []);

    /// <summary>
    /// The weights as Keras 3's H5IOStore writes them: <c>layers/{name}/vars/{i}</c> for every layer (an empty
    /// <c>vars</c> group for a layer without variables), each variable with its Keras shape, trainable ones first.
    /// </summary>
    public static byte[] Weights(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (parameters.Length != description.ParameterCount || state.Length != description.StateCount)
        {
            throw new ArgumentException($"Keras export of {description.Name}: {parameters.Length} parameters and {state.Length} state values given, the model has {description.ParameterCount} and {description.StateCount}");
        }

        var layers = new Hdf5Group();
        foreach (var layer in KerasConfig.Layers(description))
        {
            var vars = new Hdf5Group();
            for (int i = 0; i < layer.Vars.Count; i++)
            {
                var tensor = layer.Vars[i];
                var block = tensor.IsState ? state : parameters;
                vars.Children[Index(i)] = new Hdf5Dataset([.. tensor.Shape.Select(d => (ulong)d)], block.Slice(tensor.Offset, tensor.Length).ToArray());
            }

            if (layer.HasCount)
            {
                vars.Children[Index(layer.Vars.Count)] = new Hdf5Dataset([], null) { Int64Values = [0] };
            }

            var group = new Hdf5Group();
            group.Children["vars"] = vars;
            layers.Children[layer.Name] = group;
        }

        var root = new Hdf5Group();
        root.Children["layers"] = layers;
        root.Children["vars"] = new Hdf5Group();
        return Hdf5.Write(root);
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static void Entry(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    private static void ReadArchive(ModelDescription description, string path, float[] parameters, float[] state)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a .keras archive (not a zip: {e.Message})");
        }

        using (zip)
        {
            byte[] config = ReadEntry(zip, ConfigName, path);
            var layers = KerasConfig.Check(config, description, path);
            ReadWeights(layers, ReadEntry(zip, WeightsName, path), $"{path}:{WeightsName}", parameters, state);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: no {name} in the archive (not a Keras 3 .keras file)");
        if (entry.Length > int.MaxValue)
        {
            throw new InvalidDataException($"{path}: {name} is too large");
        }

        var buffer = new MemoryStream((int)entry.Length);
        using (var stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Each layer's variables from <c>layers/{name}/vars/{i}</c>, where Keras 3's saving_lib puts them (the name is the
    /// snake_case class name numbered per class, whatever the layer's own name in config.json).
    /// </summary>
    private static void ReadWeights(List<KerasConfig.KerasLayer> layers, byte[] image, string source, float[] parameters, float[] state)
    {
        var root = Hdf5.Read(image, source);
        if (KerasLegacy.Is(root))
        {
            KerasLegacy.Read(root, layers, source, parameters, state);
            return;
        }

        foreach (var layer in layers)
        {
            if (layer.Vars.Count == 0)
            {
                continue;
            }

            string vars = $"layers/{layer.Name}/vars";
            if (root.Find(vars) is not Hdf5Group)
            {
                throw new InvalidDataException($"{source}: no {vars} group (the weights of layer '{layer.Name}'): not Keras 3's layout for this model");
            }

            for (int i = 0; i < layer.Vars.Count; i++)
            {
                var tensor = layer.Vars[i];
                string what = $"{vars}/{Index(i)} ({tensor.Name[(tensor.Name.IndexOf('.') + 1)..]})";
                Copy(root.Find($"{vars}/{Index(i)}"), [.. tensor.Shape.Select(d => (ulong)d)], (tensor.IsState ? state : parameters).AsSpan(tensor.Offset, tensor.Length), what, source);
            }
        }
    }

    private static void Copy(object? node, ulong[] shape, Span<float> target, string what, string source)
    {
        if (node is not Hdf5Dataset dataset)
        {
            throw new InvalidDataException($"{source}: no dataset {what}");
        }

        if (!dataset.Dims.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{source}: {what} has shape [{string.Join(", ", dataset.Dims)}], the model needs [{string.Join(", ", shape)}]");
        }

        if (dataset.Values is null)
        {
            throw new InvalidDataException($"{source}: {what} is {dataset.Unsupported}");
        }

        dataset.Values.CopyTo(target);
    }
}
