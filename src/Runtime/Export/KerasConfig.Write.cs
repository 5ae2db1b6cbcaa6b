using System.Text.Json;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>The writing half of <see cref="KerasConfig"/>: each layer's <c>get_config</c> keys as Keras 3 writes them.</summary>
public static partial class KerasConfig
{
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
            json.WriteString("dtype", description.Embedding is null ? "float32" : "int32"); // token ids
            json.WriteBoolean("sparse", false);
            json.WriteString("name", "input_layer");
            json.WriteEndObject();
            json.WriteNull("registered_name");
            json.WriteEndObject();
            foreach (var layer in layers)
            {
                WriteLayer(json, layer, description);
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

    private static void WriteLayer(Utf8JsonWriter json, KerasLayer layer, ModelDescription description)
    {
        json.WriteStartObject();
        json.WriteString("module", "keras.layers");
        json.WriteString("class_name", layer.ClassName);
        json.WriteStartObject("config");
        json.WriteString("name", layer.Name);
        json.WriteBoolean("trainable", true);
        DType(json);
        int[] inputShape;
        switch (layer.ClassName)
        {
            case "Dense":
                var dense = layer.Dense;
                json.WriteNumber("units", dense.Units);
                json.WriteString("activation", ActivationName(dense.Activation));
                json.WriteBoolean("use_bias", true);
                Initializer(json, "kernel_initializer", "GlorotUniform", seed: true);
                Initializer(json, "bias_initializer", "Zeros", seed: false);
                Regularizer(json, "kernel_regularizer", dense.KernelL1, dense.KernelL2);
                Regularizer(json, "bias_regularizer", dense.BiasL1, dense.BiasL2);
                json.WriteNull("kernel_constraint");
                json.WriteNull("bias_constraint");
                inputShape = [dense.Inputs];
                break;
            case "Dropout":
                json.WriteNumber("rate", layer.Dense.DropoutRate);
                json.WriteNull("seed");
                json.WriteNull("noise_shape");
                inputShape = [layer.Dense.Units];
                break;
            case "Activation":
                json.WriteString("activation", ActivationName(layer.Dense.NormalizationActivation));
                inputShape = [layer.Dense.Units];
                break;
            case "BatchNormalization":
                json.WriteNumber("axis", -1);
                json.WriteNumber("momentum", layer.Dense.NormalizationMomentum);
                json.WriteNumber("epsilon", layer.Dense.NormalizationEpsilon);
                NormalizationOptions(json, batch: true);
                inputShape = [layer.Dense.Units];
                break;
            case "LayerNormalization":
                Axis(json);
                json.WriteNumber("epsilon", layer.Dense.NormalizationEpsilon);
                NormalizationOptions(json, batch: false);
                inputShape = [layer.Dense.Units];
                break;
            case "Normalization":
                Axis(json);
                json.WriteBoolean("invert", false);
                json.WriteNull("mean"); // adapted: the mean and variance are the layer's variables
                json.WriteNull("variance");
                inputShape = [description.Inputs];
                break;
            case "Embedding":
                var e = layer.Embedding!;
                json.WriteNumber("input_dim", e.InputDim);
                json.WriteNumber("output_dim", e.OutputDim);
                json.WriteStartObject("embeddings_initializer");
                json.WriteString("module", "keras.initializers");
                json.WriteString("class_name", "RandomUniform");
                json.WriteStartObject("config");
                json.WriteNumber("minval", -0.05);
                json.WriteNumber("maxval", 0.05);
                json.WriteNull("seed");
                json.WriteEndObject();
                json.WriteNull("registered_name");
                json.WriteEndObject();
                json.WriteNull("embeddings_regularizer");
                json.WriteNull("activity_regularizer");
                json.WriteNull("embeddings_constraint");
                json.WriteBoolean("mask_zero", e.MaskZero);
                inputShape = [description.Inputs];
                break;
            case "GlobalAveragePooling1D":
                json.WriteString("data_format", "channels_last");
                json.WriteBoolean("keepdims", false);
                inputShape = [description.Inputs, layer.Embedding!.OutputDim];
                break;
            default:
                throw new InvalidOperationException($"Keras format: no config for {layer.ClassName}");
        }

        json.WriteEndObject();
        json.WriteNull("registered_name");
        json.WriteStartObject("build_config");
        Shape(json, "input_shape", inputShape);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>BatchNormalization's and LayerNormalization's shared keys after axis/momentum/epsilon.</summary>
    private static void NormalizationOptions(Utf8JsonWriter json, bool batch)
    {
        json.WriteBoolean("center", true);
        json.WriteBoolean("scale", true);
        if (!batch)
        {
            json.WriteBoolean("rms_scaling", false);
        }

        Initializer(json, "beta_initializer", "Zeros", seed: false);
        Initializer(json, "gamma_initializer", "Ones", seed: false);
        if (batch)
        {
            Initializer(json, "moving_mean_initializer", "Zeros", seed: false);
            Initializer(json, "moving_variance_initializer", "Ones", seed: false);
        }

        json.WriteNull("beta_regularizer");
        json.WriteNull("gamma_regularizer");
        json.WriteNull("beta_constraint");
        json.WriteNull("gamma_constraint");
        if (batch)
        {
            json.WriteBoolean("synchronized", false);
        }
    }

    /// <summary><c>"axis": [-1]</c>, as LayerNormalization (after build) and Normalization (a tuple) serialise it.</summary>
    private static void Axis(Utf8JsonWriter json)
    {
        json.WriteStartArray("axis");
        json.WriteNumberValue(-1);
        json.WriteEndArray();
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

    private static void Shape(Utf8JsonWriter json, string name, params int[] dims)
    {
        json.WriteStartArray(name);
        json.WriteNullValue();
        foreach (int d in dims)
        {
            json.WriteNumberValue(d);
        }

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
}
