using System.Globalization;
using System.Text.Json;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>The checking half of <see cref="KerasConfig"/>: a config.json against the declared model, first difference named.</summary>
public static partial class KerasConfig
{
    /// <summary>
    /// Checks a Keras config.json against the declared model: a Sequential whose layers (after the InputLayer) are, in
    /// order, the declared model's Keras layers (<see cref="Layers"/>) with the declared sizes and options — Dense units,
    /// activation and use_bias, Dropout rate, Activation, BatchNormalization/LayerNormalization epsilon (and center, scale,
    /// rms_scaling), Normalization not inverted and adapted, Embedding input_dim/output_dim/mask_zero,
    /// GlobalAveragePooling1D without keepdims — and the declared input width. A difference is an
    /// <see cref="InvalidDataException"/> naming the first one. Returns the model's Keras layers.
    /// </summary>
    public static List<KerasLayer> Check(ReadOnlySpan<byte> configJson, ModelDescription description, string source)
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
                var inputConfig = kerasLayers[0].TryGetProperty("config", out var ic) ? ic : default;
                inputs = LastDim(inputConfig, "batch_shape") ?? LastDim(inputConfig, "batch_input_shape");
                kerasLayers.RemoveAt(0);
            }

            inputs ??= config.TryGetProperty("build_input_shape", out _) ? LastDim(config, "build_input_shape") : null;
            if (inputs is { } n && n != description.Inputs)
            {
                string what = description.Embedding is null ? "inputs" : "token ids per row";
                throw Mismatch(source, $"input shape: the file's model takes {n} {what}, {description.Name} takes {description.Inputs}");
            }

            for (int i = 0; i < Math.Max(expected.Count, kerasLayers.Count); i++)
            {
                if (i >= kerasLayers.Count)
                {
                    throw Mismatch(source, $"layer {i + 1}: the file's model ends, {description.Name} has {Describe(expected[i])}");
                }

                var layer = kerasLayers[i];
                string kind = Str(layer, "class_name");
                var layerConfig = layer.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
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

                if (Difference(layerConfig, want) is { } difference)
                {
                    throw Mismatch(source, $"layer {i + 1} ({kind} '{name}'): {difference}");
                }
            }

            return expected;
        }
    }

    /// <summary>The first difference between a layer's config and the declared layer, or null.</summary>
    private static string? Difference(JsonElement config, KerasLayer want)
    {
        switch (want.ClassName)
        {
            case "Dense":
                int units = Int(config, "units") ?? -1;
                if (units != want.Dense.Units)
                {
                    return $"{units} units in the file, {want.Dense.Units} declared";
                }

                if (Bool(config, "use_bias") == false)
                {
                    return "use_bias is false in the file; AotNet's Dense always has a bias";
                }

                return ActivationDifference(config, want);
            case "Activation":
                return ActivationDifference(config, want);
            case "Dropout":
                return Double(config, "rate") is { } rate && rate != want.Dense.DropoutRate
                    ? string.Create(CultureInfo.InvariantCulture, $"rate {rate} in the file, {want.Dense.DropoutRate} declared") : null;
            case "BatchNormalization" or "LayerNormalization":
                if (Double(config, "epsilon") is { } epsilon && (float)epsilon != (float)want.Dense.NormalizationEpsilon)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"epsilon {epsilon} in the file, {want.Dense.NormalizationEpsilon} declared");
                }

                if (want.ClassName == "BatchNormalization" && Double(config, "momentum") is { } momentum && (float)momentum != (float)want.Dense.NormalizationMomentum)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"momentum {momentum} in the file, {want.Dense.NormalizationMomentum} declared");
                }

                if (!AxisIsLast(config))
                {
                    return "axis is not the last one (-1)";
                }

                return Bool(config, "center") == false ? "center is false in the file; AotNet's normalisation layers have beta"
                    : Bool(config, "scale") == false ? "scale is false in the file; AotNet's normalisation layers have gamma"
                    : Bool(config, "rms_scaling") == true ? "rms_scaling is true in the file; AotNet's LayerNormalization subtracts the mean"
                    : null;
            case "Normalization":
                return Bool(config, "invert") == true ? "invert is true in the file (a de-normalising layer)"
                    : !AxisIsLast(config) ? "axis is not the last one (-1): AotNet's Normalization keeps a mean and variance per input column"
                    : config.TryGetProperty("mean", out var mean) && mean.ValueKind != JsonValueKind.Null
                        ? "its mean and variance are given in the config (not adapted): the weights file holds none, which AotNet reads"
                        : null;
            case "Embedding":
                var e = want.Embedding!;
                int inputDim = Int(config, "input_dim") ?? -1, outputDim = Int(config, "output_dim") ?? -1;
                bool mask = Bool(config, "mask_zero") ?? false;
                return inputDim != e.InputDim ? $"input_dim {inputDim} in the file, {e.InputDim} declared"
                    : outputDim != e.OutputDim ? $"output_dim {outputDim} in the file, {e.OutputDim} declared"
                    : mask != e.MaskZero ? $"mask_zero {(mask ? "true" : "false")} in the file, {(e.MaskZero ? "true" : "false")} declared"
                    : null;
            case "GlobalAveragePooling1D":
                return Bool(config, "keepdims") == true ? "keepdims is true in the file"
                    : Str(config, "data_format") is "channels_first" ? "data_format channels_first in the file; AotNet pools over the sequence (channels_last)"
                    : null;
            default:
                return null;
        }
    }

    private static string? ActivationDifference(JsonElement config, KerasLayer want)
    {
        string activation = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("activation", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "linear";
        if (activation == "swish")
        {
            activation = "silu";
        }

        string declared = ActivationName(LayerActivation(want));
        return activation != declared ? $"activation {activation} in the file, {declared} declared" : null;
    }

    /// <summary>axis -1 or [-1] (or absent): the last axis of a [batch, features] input (1 counts too).</summary>
    private static bool AxisIsLast(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("axis", out var axis))
        {
            return true;
        }

        if (axis.ValueKind == JsonValueKind.Array)
        {
            return axis.GetArrayLength() == 1 && IsInt(axis[0], out int only) && only is -1 or 1;
        }

        return IsInt(axis, out int value) && value is -1 or 1;
    }

    private static InvalidDataException Mismatch(string source, string difference) =>
        new($"{source} holds another topology: {difference}");

    private static string Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "(none)";

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && IsInt(value, out int n) ? n : null;

    private static double? Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) ? d : null;

    private static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static int? LastDim(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0
        && IsInt(shape[shape.GetArrayLength() - 1], out int n) ? n : null;

    private static bool IsInt(JsonElement value, out int n)
    {
        n = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out n);
    }
}
