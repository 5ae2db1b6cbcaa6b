using System.Globalization;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>
/// The config.json of a Keras 3 <c>Sequential</c> for a declared model, and the check of a config.json against one.
/// The layout is what Keras 3's <c>serialize_keras_object</c> writes (module/class_name/config/registered_name per
/// object; an InputLayer with <c>batch_shape</c>; each layer's <c>get_config</c> keys; <c>build_config</c> with the
/// input shape). <c>compile_config</c> is null: Keras's <c>load_model</c> then returns the model uncompiled (compile it
/// to train on), the state a C# declaration does not carry anyway. The layer list is <see cref="Layers"/>.
/// </summary>
public static partial class KerasConfig
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

    /// <summary>
    /// One Keras layer of the model: its class, its Keras name (dense, dense_1, batch_normalization, …: the snake_case
    /// class name numbered from _1, which is also where Keras 3's saving_lib puts its weights, <c>layers/{name}/vars</c>),
    /// the Dense layer it comes from (null for Embedding, GlobalAveragePooling1D and Normalization), and its variables
    /// in Keras's order (<c>vars/0</c>, <c>vars/1</c>, …: trainable ones first, as <c>Layer.save_own_variables</c> stores them).
    /// </summary>
    public sealed record KerasLayer(string ClassName, string Name, LayerDescription? Source, IReadOnlyList<WeightTensor> Vars)
    {
        /// <summary>The Dense layer this one belongs to (Dense, Dropout, BatchNormalization, LayerNormalization, Activation).</summary>
        public LayerDescription Dense => Source ?? throw new InvalidOperationException($"{ClassName} '{Name}' belongs to no Dense layer");

        /// <summary>
        /// Keras's Normalization also stores an int64 scalar <c>count</c> after mean and variance (kept "for backwards
        /// compatibility"; adapt leaves it 0): written as 0, not read.
        /// </summary>
        public bool HasCount => ClassName == "Normalization";

        /// <summary>The model's Embedding, on its Embedding and GlobalAveragePooling1D layers.</summary>
        public EmbeddingDescription? Embedding { get; init; }
    }

    /// <summary>
    /// The Keras layers of a declared model in order, named as Keras names them: Embedding and GlobalAveragePooling1D or
    /// Normalization first, then per Dense layer the Dense, its Dropout, its BatchNormalization or LayerNormalization and
    /// that layer's Activation (Keras's normalisation layers take no activation).
    /// </summary>
    public static List<KerasLayer> Layers(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var tensors = description.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var layers = new List<KerasLayer>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string className, string snake, LayerDescription? source, params string[] vars) => AddWith(className, snake, source, null, vars);
        void AddWith(string className, string snake, LayerDescription? source, EmbeddingDescription? embedding, params string[] vars)
        {
            int n = counts.TryGetValue(snake, out int seen) ? seen + 1 : 0;
            counts[snake] = n;
            var list = new List<WeightTensor>();
            foreach (string v in vars)
            {
                list.Add(tensors.TryGetValue(v, out var t) ? t : throw new ArgumentException($"Keras format of {description.Name}: the model has no tensor {v} ({description.Topology})"));
                used.Add(v);
            }

            layers.Add(new KerasLayer(className, n == 0 ? snake : string.Create(CultureInfo.InvariantCulture, $"{snake}_{n}"), source, list) { Embedding = embedding });
        }

        if (description.Embedding is { } e)
        {
            AddWith("Embedding", "embedding", null, e, "embedding.embeddings");
            AddWith("GlobalAveragePooling1D", "global_average_pooling1d", null, e);
        }

        if (tensors.ContainsKey("normalization.mean"))
        {
            Add("Normalization", "normalization", null, "normalization.mean", "normalization.variance");
        }

        foreach (var layer in description.Layers)
        {
            if (layer.Activation == Activation.LeakyRelu && layer.NegativeSlope != 0.2)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Keras format: dense_{layer.Index} has leaky_relu with slope {layer.NegativeSlope}; Keras's activation string \"leaky_relu\" has slope 0.2"));
            }

            Add("Dense", "dense", layer, layer.KernelName, layer.BiasName);
            if (layer.DropoutRate > 0)
            {
                Add("Dropout", "dropout", layer);
            }

            if (layer.NormalizationName is { } norm)
            {
                if (norm.StartsWith("batch_", StringComparison.Ordinal))
                {
                    Add("BatchNormalization", "batch_normalization", layer, norm + ".gamma", norm + ".beta", norm + ".moving_mean", norm + ".moving_variance");
                }
                else
                {
                    Add("LayerNormalization", "layer_normalization", layer, norm + ".gamma", norm + ".beta");
                }

                if (layer.NormalizationActivation != Activation.Linear)
                {
                    Add("Activation", "activation", layer);
                }
            }
        }

        // every saved tensor must have its place, or the file would predict something else
        if (description.Tensors.FirstOrDefault(t => !used.Contains(t.Name)) is { } left)
        {
            throw new ArgumentException($"Keras format of {description.Name}: {left.Name} belongs to a layer kind this export does not support yet ({description.Topology})");
        }

        long floats = description.Tensors.Where(t => !t.IsState).Sum(t => (long)t.Length), state = description.Tensors.Where(t => t.IsState).Sum(t => (long)t.Length);
        if (floats != description.ParameterCount || state != description.StateCount)
        {
            throw new ArgumentException($"Keras format of {description.Name}: the model has parameters or state outside its saved tensors, which this export does not support ({description.Topology})");
        }

        return layers;
    }

    /// <summary>The activation of a Keras layer that has one (Dense: its own; Activation: the normalisation layer's).</summary>
    private static Activation LayerActivation(KerasLayer layer) =>
        layer.ClassName == "Dense" ? layer.Dense.Activation : layer.Dense.NormalizationActivation;

    private static string Describe(KerasLayer layer) => layer.ClassName switch
    {
        "Dense" => $"Dense({layer.Dense.Units}, {ActivationName(layer.Dense.Activation)})",
        "Dropout" => string.Create(CultureInfo.InvariantCulture, $"Dropout({layer.Dense.DropoutRate})"),
        "Activation" => $"Activation({ActivationName(layer.Dense.NormalizationActivation)})",
        "Embedding" => string.Create(CultureInfo.InvariantCulture, $"Embedding({layer.Embedding!.InputDim}, {layer.Embedding.OutputDim}{(layer.Embedding.MaskZero ? ", mask_zero" : string.Empty)})"),
        _ => layer.ClassName,
    };
}
