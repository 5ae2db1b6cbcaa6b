using System.CommandLine;
using System.Globalization;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    private static Command SummaryCommand<TModel>(string program)
        where TModel : class, IModel<TModel>
    {
        var command = new Command("summary", "the layers, their output shapes and parameter counts, the loss and the optimizer (Keras's model.summary())");
        command.SetAction(_ => CommandRunner.Run(_ =>
        {
            Console.Out.Write(Summary(TModel.Description));
            return CommandRunner.Ok;
        }, program + " summary"));
        return command;
    }

    /// <summary>Keras's <c>model.summary()</c> for a generated model, as text.</summary>
    public static string Summary(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<(string Layer, string Shape, int Params, int Fixed)>();
        if (description.Tensors.Any(t => t.Name == "normalization.mean"))
        {
            rows.Add(("normalization (Normalization)", $"(None, {description.Inputs})", 0, 2 * description.Inputs)); // mean and variance, not trained
        }

        int dropout = 0;
        foreach (var layer in description.Layers)
        {
            string name = layer.Index == 0 ? "dense" : $"dense_{layer.Index}";
            rows.Add(($"{name} (Dense, {layer.Activation.ToString().ToLowerInvariant()})", $"(None, {layer.Units})", (layer.Inputs * layer.Units) + layer.Units, 0));
            if (layer.DropoutRate > 0)
            {
                rows.Add(($"{(dropout == 0 ? "dropout" : $"dropout_{dropout}")} (Dropout {layer.DropoutRate.ToString(inv)})", $"(None, {layer.Units})", 0, 0));
                dropout++;
            }

            if (layer.NormalizationName is { } norm)
            {
                bool batch = norm.StartsWith("batch_", StringComparison.Ordinal);
                string kind = batch ? "BatchNormalization" : "LayerNormalization";
                string activation = layer.NormalizationActivation == Activation.Linear ? string.Empty : ", " + layer.NormalizationActivation.ToString().ToLowerInvariant();
                rows.Add(($"{KerasName(norm)} ({kind}{activation})", $"(None, {layer.Units})", 2 * layer.Units, batch ? 2 * layer.Units : 0)); // gamma, beta (+ moving mean, variance)
            }
        }

        const int w1 = 34, w2 = 22, w3 = 12;
        string rule = new('─', w1 + w2 + w3 + 2);
        var text = new System.Text.StringBuilder();
        text.Append(inv, $"Model: \"{description.Name}\"\n");
        text.Append(rule).Append('\n');
        text.Append("Layer (type)".PadRight(w1)).Append(' ').Append("Output Shape".PadRight(w2)).Append(' ').Append("Param #".PadLeft(w3)).Append('\n');
        text.Append(new string('═', rule.Length)).Append('\n');
        text.Append(inv, $"{"input (InputLayer)".PadRight(w1)} {$"(None, {description.Inputs})".PadRight(w2)} {"0".PadLeft(w3)}\n");
        foreach (var (layer, shape, count, fixedParams) in rows)
        {
            text.Append(layer.PadRight(w1)).Append(' ').Append(shape.PadRight(w2)).Append(' ').Append((count + fixedParams).ToString("N0", inv).PadLeft(w3)).Append('\n');
        }

        text.Append(rule).Append('\n');
        int trainable = rows.Sum(r => r.Params), fixedCount = rows.Sum(r => r.Fixed);
        text.Append(inv, $" Total params: {trainable + fixedCount:N0} ({Bytes((trainable + fixedCount) * 4L)})\n");
        text.Append(inv, $" Trainable params: {trainable:N0} ({Bytes(trainable * 4L)})\n");
        text.Append(inv, $" Non-trainable params: {fixedCount:N0}{(fixedCount > 0 ? $" ({Bytes(fixedCount * 4L)})" : string.Empty)}\n");
        text.Append(inv, $" Loss: {description.Loss}; optimizer: {description.Optimizer} (learning rate {description.LearningRate.ToString(inv)}{(description.WeightDecay > 0 ? $", weight decay {description.WeightDecay.ToString(inv)}" : string.Empty)})");
        if (description.MetricNames.Count > 0)
        {
            text.Append("; metrics: ").Append(string.Join(", ", description.MetricNames));
        }

        return text.Append('\n').ToString();
    }

    /// <summary>Keras's layer name from a saved prefix: the first of a kind has no number (<c>batch_normalization_0</c> → <c>batch_normalization</c>).</summary>
    private static string KerasName(string prefix) => prefix.EndsWith("_0", StringComparison.Ordinal) ? prefix[..^2] : prefix;

    private static string Bytes(long bytes) =>
        bytes >= 1 << 20 ? (bytes / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + " KB";
}
