using System.Globalization;
using System.Text.Json;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>
/// The config.json of a Keras 3 <c>Sequential</c> for a declared model, and the check of a config.json against one.
/// The layout is what Keras 3's <c>serialize_keras_object</c> writes (module/class_name/config/registered_name per
/// object; an InputLayer with <c>batch_shape</c>; Dense with units, activation, use_bias, initializers; Dropout with
/// rate; <c>build_config</c> with the input shape). <c>compile_config</c> is null: Keras's <c>load_model</c> then
/// returns the model uncompiled (compile it to train on), the state a C# declaration does not carry anyway.
/// </summary>
public static class KerasConfig
{
    /// <summary>The Keras names of the activations (strings Dense accepts).</summary>
    public static string ActivationName(Activation activation) => activation switch
    {
        Activation.Linear => "linear",
        Activation.Relu => "relu",
        Activation.Sigmoid => "sigmoid",
        Activation.Softmax => "softmax",
        Activation.Tanh => "tanh",
        Activation.Gelu => "gelu",
        Activation.Elu => "elu",
        Activation.Selu => "selu",
        Activation.LeakyRelu => "leaky_relu",
        Activation.Softplus => "softplus",
        Activation.Silu => "silu",
        _ => throw new NotSupportedException($"activation {activation} has no Keras name"),
    };

    /// <summary>One Keras layer of the model: its class, its Keras name (dense, dense_1, dropout, …) and what it comes from.</summary>
    public sealed record KerasLayer(string ClassName, string Name, LayerDescription Source);

    /// <summary>The Keras layers of a declared model, named as Keras names them (snake_case class name, then _1, _2, …).</summary>
    public static List<KerasLayer> Layers(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.StateCount != 0 || description.Layers.Any(l => l.NormalizationName is not null))
        {
            // the layer's weights would be dropped silently: Keras would load a model that predicts something else
            throw new ArgumentException($"Keras format of {description.Name}: Normalization, BatchNormalization and LayerNormalization layers are not exported to .keras/.weights.h5 yet (ONNX export takes them) ({description.Topology})");
        }

        if (description.Layers.Sum(l => (long)l.KernelLength + l.Units) != description.ParameterCount)
        {
            throw new ArgumentException($"Keras format of {description.Name}: the model has parameters outside its Dense layers, a layer kind this export does not support yet ({description.Topology})");
        }

        var layers = new List<KerasLayer>();
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        string Name(string snake)
        {
            int n = used.TryGetValue(snake, out int seen) ? seen + 1 : 0;
            used[snake] = n;
            return n == 0 ? snake : string.Create(CultureInfo.InvariantCulture, $"{snake}_{n}");
        }

        foreach (var layer in description.Layers)
        {
            if (layer.Activation == Activation.LeakyRelu && layer.NegativeSlope != 0.2)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Keras format: dense_{layer.Index} has leaky_relu with slope {layer.NegativeSlope}; Keras's activation string \"leaky_relu\" has slope 0.2"));
            }

            layers.Add(new KerasLayer("Dense", Name("dense"), layer));
            if (layer.DropoutRate > 0)
            {
                layers.Add(new KerasLayer("Dropout", Name("dropout"), layer));
            }
        }

        return layers;
    }

    /// <summary>config.json of the model (UTF-8 JSON).</summary>
    public static byte[] Write(ModelDescription description)
    {
        var layers = Layers(description);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("module", "keras");
            json.WriteString("class_name", "Sequential");
            json.WriteStartObject("config");
            json.WriteString("name", "sequential");
            json.WriteBoolean("trainable", true);
            DType(json);
            json.WriteStartArray("layers");
            json.WriteStartObject();
            json.WriteString("module", "keras.layers");
            json.WriteString("class_name", "InputLayer");
            json.WriteStartObject("config");
            Shape(json, "batch_shape", description.Inputs);
            json.WriteString("dtype", "float32");
            json.WriteBoolean("sparse", false);
            json.WriteString("name", "input_layer");
            json.WriteEndObject();
            json.WriteNull("registered_name");
            json.WriteEndObject();
            foreach (var layer in layers)
            {
                WriteLayer(json, layer);
            }

            json.WriteEndArray();
            Shape(json, "build_input_shape", description.Inputs);
            json.WriteEndObject();
            json.WriteNull("registered_name");
            json.WriteStartObject("build_config");
            Shape(json, "input_shape", description.Inputs);
            json.WriteEndObject();
            json.WriteNull("compile_config");
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteLayer(Utf8JsonWriter json, KerasLayer layer)
    {
        json.WriteStartObject();
        json.WriteString("module", "keras.layers");
        json.WriteString("class_name", layer.ClassName);
        json.WriteStartObject("config");
        json.WriteString("name", layer.Name);
        json.WriteBoolean("trainable", true);
        DType(json);
        if (layer.ClassName == "Dense")
        {
            json.WriteNumber("units", layer.Source.Units);
            json.WriteString("activation", ActivationName(layer.Source.Activation));
            json.WriteBoolean("use_bias", true);
            Initializer(json, "kernel_initializer", "GlorotUniform", seed: true);
            Initializer(json, "bias_initializer", "Zeros", seed: false);
            Regularizer(json, "kernel_regularizer", layer.Source.KernelL1, layer.Source.KernelL2);
            Regularizer(json, "bias_regularizer", layer.Source.BiasL1, layer.Source.BiasL2);
            json.WriteNull("kernel_constraint");
            json.WriteNull("bias_constraint");
        }
        else
        {
            json.WriteNumber("rate", layer.Source.DropoutRate);
            json.WriteNull("seed");
            json.WriteNull("noise_shape");
        }

        json.WriteEndObject();
        json.WriteNull("registered_name");
        json.WriteStartObject("build_config");
        Shape(json, "input_shape", layer.ClassName == "Dense" ? layer.Source.Inputs : layer.Source.Units);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void DType(Utf8JsonWriter json)
    {
        json.WriteStartObject("dtype");
        json.WriteString("module", "keras");
        json.WriteString("class_name", "DTypePolicy");
        json.WriteStartObject("config");
        json.WriteString("name", "float32");
        json.WriteEndObject();
        json.WriteNull("registered_name");
        json.WriteEndObject();
    }

    private static void Shape(Utf8JsonWriter json, string name, int columns)
    {
        json.WriteStartArray(name);
        json.WriteNullValue();
        json.WriteNumberValue(columns);
        json.WriteEndArray();
    }

    private static void Initializer(Utf8JsonWriter json, string name, string className, bool seed)
    {
        json.WriteStartObject(name);
        json.WriteString("module", "keras.initializers");
        json.WriteString("class_name", className);
        json.WriteStartObject("config");
        if (seed)
        {
            json.WriteNull("seed");
        }

        json.WriteEndObject();
        json.WriteNull("registered_name");
        json.WriteEndObject();
    }

    private static void Regularizer(Utf8JsonWriter json, string name, double l1, double l2)
    {
        if (l1 == 0 && l2 == 0)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("module", "keras.regularizers");
        json.WriteString("class_name", "L1L2");
        json.WriteStartObject("config");
        json.WriteNumber("l1", l1);
        json.WriteNumber("l2", l2);
        json.WriteEndObject();
        json.WriteNull("registered_name");
        json.WriteEndObject();
    }

    /// <summary>
    /// Checks a Keras config.json against the declared model: a Sequential whose layers (after the InputLayer) are,
    /// in order, the declared Dense (units, activation, use_bias) and Dropout (rate) layers, with the declared input
    /// width. Returns the Keras name of each layer (for the weights' paths); a difference is an
    /// <see cref="InvalidDataException"/> naming the first one.
    /// </summary>
    public static List<string> Check(ReadOnlySpan<byte> configJson, ModelDescription description, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(configJson.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: config.json is not JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            string cls = Str(root, "class_name");
            if (cls != "Sequential")
            {
                throw Mismatch(source, $"the model is a {cls}, not a Sequential");
            }

            if (!root.TryGetProperty("config", out var config) || !config.TryGetProperty("layers", out var layersElement) || layersElement.ValueKind != JsonValueKind.Array)
            {
                throw Mismatch(source, "config.json has no config.layers list");
            }

            var expected = Layers(description);
            var kerasLayers = layersElement.EnumerateArray().ToList();
            int? inputs = null;
            if (kerasLayers.Count > 0 && Str(kerasLayers[0], "class_name") == "InputLayer")
            {
                inputs = LastDim(kerasLayers[0].GetProperty("config"), "batch_shape") ?? LastDim(kerasLayers[0].GetProperty("config"), "batch_input_shape");
                kerasLayers.RemoveAt(0);
            }

            inputs ??= config.TryGetProperty("build_input_shape", out _) ? LastDim(config, "build_input_shape") : null;
            if (inputs is { } n && n != description.Inputs)
            {
                throw Mismatch(source, $"input shape: the file's model takes {n} inputs, {description.Name} takes {description.Inputs}");
            }

            var names = new List<string>();
            for (int i = 0; i < Math.Max(expected.Count, kerasLayers.Count); i++)
            {
                if (i >= kerasLayers.Count)
                {
                    throw Mismatch(source, $"layer {i + 1}: the file's model ends, {description.Name} has {Describe(expected[i])}");
                }

                var layer = kerasLayers[i];
                string kind = Str(layer, "class_name");
                var layerConfig = layer.TryGetProperty("config", out var c) ? c : default;
                string name = layerConfig.ValueKind == JsonValueKind.Object && layerConfig.TryGetProperty("name", out var nm) ? nm.GetString() ?? kind : kind;
                if (i >= expected.Count)
                {
                    throw Mismatch(source, $"layer {i + 1}: the file's model has one more layer, {kind} '{name}'");
                }

                var want = expected[i];
                if (kind != want.ClassName)
                {
                    throw Mismatch(source, $"layer {i + 1}: the file has {kind} '{name}', {description.Name} has {Describe(want)}");
                }

                if (kind == "Dense")
                {
                    int units = layerConfig.TryGetProperty("units", out var u) && u.TryGetInt32(out int un) ? un : -1;
                    if (units != want.Source.Units)
                    {
                        throw Mismatch(source, $"layer {i + 1} (Dense '{name}'): {units} units in the file, {want.Source.Units} declared");
                    }

                    string activation = layerConfig.TryGetProperty("activation", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "linear";
                    if (activation == "swish")
                    {
                        activation = "silu";
                    }

                    if (activation != ActivationName(want.Source.Activation))
                    {
                        throw Mismatch(source, $"layer {i + 1} (Dense '{name}'): activation {activation} in the file, {ActivationName(want.Source.Activation)} declared");
                    }

                    if (layerConfig.TryGetProperty("use_bias", out var b) && b.ValueKind == JsonValueKind.False)
                    {
                        throw Mismatch(source, $"layer {i + 1} (Dense '{name}'): use_bias is false in the file; AotNet's Dense always has a bias");
                    }
                }
                else if (layerConfig.TryGetProperty("rate", out var r) && r.TryGetDouble(out double rate) && rate != want.Source.DropoutRate)
                {
                    throw Mismatch(source, string.Create(CultureInfo.InvariantCulture, $"layer {i + 1} (Dropout '{name}'): rate {rate} in the file, {want.Source.DropoutRate} declared"));
                }

                names.Add(name);
            }

            return names;
        }
    }

    private static string Describe(KerasLayer layer) => layer.ClassName == "Dense"
        ? $"Dense({layer.Source.Units}, {ActivationName(layer.Source.Activation)})"
        : string.Create(CultureInfo.InvariantCulture, $"Dropout({layer.Source.DropoutRate})");

    private static InvalidDataException Mismatch(string source, string difference) =>
        new($"{source} holds another topology: {difference}");

    private static string Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "(none)";

    private static int? LastDim(JsonElement element, string name) =>
        element.TryGetProperty(name, out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0
        && shape[shape.GetArrayLength() - 1].TryGetInt32(out int n) ? n : null;
}
