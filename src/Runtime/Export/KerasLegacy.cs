using System.Globalization;

namespace AotNet.Export;

/// <summary>
/// Keras 2's HDF5 weights (tf.keras <c>model.save("m.h5")</c> or <c>save_weights("w.h5")</c>): the layers in the
/// <c>layer_names</c> attribute of <c>model_weights</c> (or of the root group), each layer's group with a
/// <c>weight_names</c> attribute (<c>dense/kernel:0</c>, <c>dense/bias:0</c>, …) naming its datasets under that group,
/// in the layer's order of weights (Dense kernel, bias; BatchNormalization gamma, beta, moving_mean, moving_variance;
/// LayerNormalization gamma, beta; Normalization mean, variance, count; Embedding embeddings). Read only; the layers
/// with weights must be, in order, the declared model's, with the declared shapes. The model config (a JSON
/// attribute) is not read: the layer order and every weight's shape are checked instead.
/// </summary>
internal static class KerasLegacy
{
    /// <summary>Whether <paramref name="root"/> is a Keras 2 file rather than Keras 3's layout.</summary>
    public static bool Is(Hdf5Group root) =>
        root.Find("layers") is not Hdf5Group && (root.Find("model_weights") is Hdf5Group || root.StringAttributes.ContainsKey("layer_names"));

    public static void Read(Hdf5Group root, List<KerasConfig.KerasLayer> layers, string source, float[] parameters, float[] state)
    {
        var weights = root.Find("model_weights") as Hdf5Group ?? root;
        if (!weights.StringAttributes.TryGetValue("layer_names", out var names))
        {
            throw new InvalidDataException($"{source}: a Keras 2 file without the layer_names attribute");
        }

        // the file's layers that hold weights, in the model's order
        var stored = new List<(string Layer, string[] Weights)>();
        foreach (string name in names)
        {
            if (weights.Find(name) is not Hdf5Group group)
            {
                throw new InvalidDataException($"{source}: layer '{name}' of layer_names has no group");
            }

            if (group.StringAttributes.TryGetValue("weight_names", out var weightNames) && weightNames.Length > 0)
            {
                stored.Add((name, weightNames));
            }
        }

        var wanted = layers.Where(l => l.Vars.Count > 0).ToList();
        for (int i = 0; i < Math.Max(wanted.Count, stored.Count); i++)
        {
            if (i >= stored.Count)
            {
                throw new InvalidDataException($"{source} holds another topology: its layers with weights end after {stored.Count}; the model's next is {wanted[i].ClassName} '{wanted[i].Name}'");
            }

            var (layerName, weightNames) = stored[i];
            if (i >= wanted.Count)
            {
                throw new InvalidDataException($"{source} holds another topology: layer '{layerName}' has weights the model has no layer for");
            }

            var layer = wanted[i];
            int expected = layer.Vars.Count + (layer.HasCount ? 1 : 0);
            if (weightNames.Length != expected && !(layer.HasCount && weightNames.Length == layer.Vars.Count))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{source} holds another topology: layer '{layerName}' has {weightNames.Length} weights ({string.Join(", ", weightNames)}), the model's {layer.ClassName} '{layer.Name}' has {expected}"));
            }

            for (int v = 0; v < layer.Vars.Count; v++)
            {
                var tensor = layer.Vars[v];
                string path = $"model_weights/{layerName}/{weightNames[v]}";
                if (ReferenceEquals(weights, root))
                {
                    path = path["model_weights/".Length..];
                }

                Copy(root.Find(path), tensor, (tensor.IsState ? state : parameters).AsSpan(tensor.Offset, tensor.Length), path, source);
            }
        }
    }

    private static void Copy(object? node, Training.WeightTensor tensor, Span<float> target, string path, string source)
    {
        if (node is not Hdf5Dataset dataset)
        {
            throw new InvalidDataException($"{source}: no dataset {path}");
        }

        if (!dataset.Dims.SequenceEqual(tensor.Shape.Select(d => (ulong)d)))
        {
            throw new InvalidDataException($"{source}: {path} has shape [{string.Join(", ", dataset.Dims)}], the model needs [{string.Join(", ", tensor.Shape)}] ({tensor.Name})");
        }

        if (dataset.Values is null)
        {
            throw new InvalidDataException($"{source}: {path} is {dataset.Unsupported}");
        }

        dataset.Values.CopyTo(target);
    }
}
