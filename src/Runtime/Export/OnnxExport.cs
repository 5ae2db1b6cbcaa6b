using System.Globalization;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Export;

/// <summary>What <see cref="OnnxExport"/> adds around the declared layers.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>
    /// Per-column mean and standard deviation the model's inputs were normalised with (e.g. Boston's training-set
    /// statistics): when both are given the graph starts with <c>(x − mean) / std</c> (ONNX Sub and Div), so it takes
    /// raw features. Null: the graph takes the model's inputs as they are.
    /// </summary>
    public float[]? InputMean { get; init; }

    /// <inheritdoc cref="InputMean"/>
    public float[]? InputStd { get; init; }

    /// <summary>Name of the graph's input ("input") and output ("output").</summary>
    public string InputName { get; init; } = "input";

    /// <inheritdoc cref="InputName"/>
    public string OutputName { get; init; } = "output";

    /// <summary>Extra <c>metadata_props</c> of the model (e.g. the safetensors file's metadata).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>A layer kind or option the ONNX export cannot express.</summary>
public sealed class OnnxExportException(string message) : ArgumentException(message);

/// <summary>
/// Writes a generated model as an ONNX model (IR 8, opset 17, float32) whose output is what the model's
/// <c>Predict</c> gives: each Dense layer is a <c>Gemm</c> (kernel [in, out] as stored, bias [out]) followed by its
/// activation as the ONNX op — Relu, Sigmoid, Tanh, Softmax (last axis), Elu, Selu, LeakyRelu, Softplus — or an exact
/// composition: Gelu = <c>0.5·x·(1 + Erf(x/√2))</c>, Silu = <c>x·Sigmoid(x)</c>. Dropout is left out (inference).
/// A [Normalization] first layer is Sub(mean) and Div(its divisor); BatchNormalization is the ONNX op in inference mode
/// (moving statistics), LayerNormalization the opset-17 op over the last axis, each followed by its activation.
/// An Embedding model takes int64 ids [batch, length]: Gather, then the (masked) mean of GlobalAveragePooling1D.
/// The batch dimension is symbolic ("batch"). See docs/export.md.
/// </summary>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="model"/> (its description and current parameters) to <paramref name="stream"/>.</summary>
    public static void Write<TModel>(TModel model, Stream stream, OnnxExportOptions? options = null)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(TModel.Description, model.Parameters, model.State, stream, options);
    }

    /// <summary>Writes the model to <paramref name="path"/> atomically (a temporary file renamed into place).</summary>
    public static void WriteFile<TModel>(TModel model, string path, OnnxExportOptions? options = null)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        var description = TModel.Description;
        float[] parameters = model.Parameters;
        var image = new MemoryStream();
        Write(description, parameters, model.State, image, options); // checked before anything is written
        AtomicFile.WriteAllBytes(path, image.GetBuffer().AsSpan(0, (int)image.Length));
    }

    /// <summary>Writes the model of <paramref name="description"/> with <paramref name="parameters"/> to <paramref name="stream"/>.</summary>
    public static void Write(ModelDescription description, ReadOnlySpan<float> parameters, Stream stream, OnnxExportOptions? options = null) =>
        Write(description, parameters, [], stream, options);

    /// <summary>
    /// Writes the model of <paramref name="description"/> with <paramref name="parameters"/> and its non-trainable
    /// <paramref name="state"/> (a [Normalization] layer's mean and variance) to <paramref name="stream"/>.
    /// </summary>
    public static void Write(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new OnnxExportOptions();
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"ONNX export of {description.Name}: {parameters.Length} parameters given, the model has {description.ParameterCount}", nameof(parameters));
        }

        if (description.Tensors.FirstOrDefault(t => !IsExported(t.Name)) is { } unknown)
        {
            throw new OnnxExportException($"ONNX export of {description.Name}: {unknown.Name} belongs to a layer kind the export does not support yet; Dense, Normalization, BatchNormalization, LayerNormalization and Embedding are exported ({description.Topology})");
        }

        if (state.Length != description.StateCount)
        {
            throw new ArgumentException($"ONNX export of {description.Name}: {state.Length} state values given, the model has {description.StateCount}", nameof(state));
        }

        var graph = new GraphBuilder(options.InputName);
        if (description.Embedding is not null && (options.InputMean is not null || options.InputStd is not null))
        {
            throw new ArgumentException($"ONNX export of {description.Name}: InputMean/InputStd normalise features; this model takes token ids");
        }

        AddEmbedding(graph, description, parameters);
        AddInputNormalization(graph, description.Inputs, options);
        AddNormalizationLayer(graph, description, state);
        foreach (var layer in description.Layers)
        {
            AddDense(graph, layer, parameters);
            AddNormalizationAfter(graph, description, layer, parameters, state);
        }

        graph.Rename(options.OutputName);
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("aotnet.model", description.Name),
            new("aotnet.topology", description.Topology),
        };
        if (options.Metadata is not null)
        {
            metadata.AddRange(options.Metadata.Where(m => !m.Key.StartsWith("aotnet.", StringComparison.Ordinal)));
        }

        var proto = Onnx.Model(
            Onnx.Graph(
                description.Name,
                graph.Nodes,
                graph.Initializers,
                Onnx.FloatMatrixInfo(options.InputName, "batch", description.Inputs, description.Embedding is null ? 1 : Onnx.Int64Type),
                Onnx.FloatMatrixInfo(options.OutputName, "batch", description.Outputs)),
            typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0",
            $"{description.Name}: {description.Topology}",
            metadata);
        proto.WriteTo(stream);
    }

    private static void AddInputNormalization(GraphBuilder graph, int inputs, OnnxExportOptions options)
    {
        if (options.InputMean is null && options.InputStd is null)
        {
            return;
        }

        if (options.InputMean is not { } mean || options.InputStd is not { } std || mean.Length != inputs || std.Length != inputs)
        {
            throw new ArgumentException($"ONNX export: InputMean and InputStd must both be given with {inputs} values (one per input column)");
        }

        if (std.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("ONNX export: InputStd must be positive and finite, InputMean finite");
        }

        graph.Op("Sub", "normalization_sub", [graph.Constant("normalization.mean", [inputs], mean)]);
        graph.Op("Div", "normalization_div", [graph.Constant("normalization.std", [inputs], std)]);
    }

    /// <summary>
    /// A declared [Normalization] first layer: Sub(mean) then Div(max(sqrt(variance), 1e-7)), the divisor computed in
    /// float exactly as the layer computes it (NormalizationKernels.Apply), so ONNX Runtime divides by the same number.
    /// </summary>
    private static void AddNormalizationLayer(GraphBuilder graph, ModelDescription description, ReadOnlySpan<float> state)
    {
        if (description.Tensors.FirstOrDefault(t => t.Name == "normalization.mean") is not { } meanTensor
            || description.Tensors.FirstOrDefault(t => t.Name == "normalization.variance") is not { } varianceTensor)
        {
            return;
        }

        var mean = state.Slice(meanTensor.Offset, meanTensor.Length);
        var variance = state.Slice(varianceTensor.Offset, varianceTensor.Length);
        var scale = new float[variance.Length];
        for (int i = 0; i < scale.Length; i++)
        {
            scale[i] = MathF.Max(MathF.Sqrt(variance[i]), AotNet.Kernels.NormalizationKernels.Epsilon);
        }

        graph.Op("Sub", "normalization_layer_sub", [graph.Constant("normalization_layer.mean", [mean.Length], mean)]);
        graph.Op("Div", "normalization_layer_div", [graph.Constant("normalization_layer.scale", [scale.Length], scale)]);
    }

    /// <summary>
    /// An Embedding first layer and its GlobalAveragePooling1D, on the int64 ids [batch, length]: Gather(embeddings, ids)
    /// → [batch, length, dim]; then, with MaskZero, Keras's masked mean Σ(x·mask)/Σ(mask) with mask = Cast(Not(Equal(ids, 0)))
    /// (Unsqueeze to [batch, length, 1], Mul, ReduceSum over the positions, Div by the row's count of ids), else
    /// ReduceMean over the positions.
    /// </summary>
    private static void AddEmbedding(GraphBuilder graph, ModelDescription description, ReadOnlySpan<float> parameters)
    {
        if (description.Embedding is not { } e)
        {
            return;
        }

        string ids = graph.Current;
        string table = graph.Constant("embedding.embeddings", [e.InputDim, e.OutputDim], parameters.Slice(e.Offset, e.InputDim * e.OutputDim));
        string gathered = graph.Node("Gather", "embedding", [table, ids], Onnx.IntAttribute("axis", 0));
        if (!e.MaskZero)
        {
            graph.Continue(gathered);
            graph.Op("ReduceMean", "global_average_pooling1d", [], Onnx.IntsAttribute("axes", 1), Onnx.IntAttribute("keepdims", 0));
            return;
        }

        string zero = graph.Int64Constant("embedding.pad_id", [], [0]);
        string positions = graph.Int64Constant("global_average_pooling1d.axes", [1], [1]);
        string last = graph.Int64Constant("embedding.mask_axes", [1], [2]);
        string padding = graph.Node("Equal", "embedding_is_padding", [ids, zero]);
        string kept = graph.Node("Not", "embedding_mask", [padding]);
        string mask = graph.Node("Cast", "embedding_mask_float", [kept], Onnx.IntAttribute("to", 1));
        string mask3 = graph.Node("Unsqueeze", "embedding_mask_unsqueeze", [mask, last]);
        string masked = graph.Node("Mul", "global_average_pooling1d_masked", [gathered, mask3]);
        string sum = graph.Node("ReduceSum", "global_average_pooling1d_sum", [masked, positions], Onnx.IntAttribute("keepdims", 0));
        string count = graph.Node("ReduceSum", "global_average_pooling1d_count", [mask, positions], Onnx.IntAttribute("keepdims", 1));
        graph.Continue(sum);
        graph.Op("Div", "global_average_pooling1d", [count]);
    }

    /// <summary>The saved tensors the export writes: every other one is of a layer kind it does not know.</summary>
    private static bool IsExported(string tensor) =>
        tensor.StartsWith("dense_", StringComparison.Ordinal) || tensor is "normalization.mean" or "normalization.variance" or "embedding.embeddings"
        || tensor.StartsWith("batch_normalization_", StringComparison.Ordinal) || tensor.StartsWith("layer_normalization_", StringComparison.Ordinal);

    /// <summary>
    /// A BatchNormalization (inference: ONNX BatchNormalization with the moving statistics) or LayerNormalization
    /// (ONNX LayerNormalization, opset 17, last axis) after dense_i, then its activation.
    /// </summary>
    private static void AddNormalizationAfter(GraphBuilder graph, ModelDescription description, LayerDescription layer, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        if (layer.NormalizationName is not { } name)
        {
            return;
        }

        ReadOnlySpan<float> Tensor(string suffix, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
        {
            var tensor = description.Tensors.First(t => t.Name == name + "." + suffix);
            return (tensor.IsState ? state : parameters).Slice(tensor.Offset, tensor.Length);
        }

        int units = layer.Units;
        var epsilon = Onnx.FloatAttribute("epsilon", (float)layer.NormalizationEpsilon);
        string gamma = graph.Constant(name + ".gamma", [units], Tensor("gamma", parameters, state));
        string beta = graph.Constant(name + ".beta", [units], Tensor("beta", parameters, state));
        if (name.StartsWith("batch_", StringComparison.Ordinal))
        {
            string mean = graph.Constant(name + ".moving_mean", [units], Tensor("moving_mean", parameters, state));
            string variance = graph.Constant(name + ".moving_variance", [units], Tensor("moving_variance", parameters, state));
            graph.Op("BatchNormalization", name, [gamma, beta, mean, variance], epsilon);
        }
        else
        {
            graph.Op("LayerNormalization", name, [gamma, beta], Onnx.IntAttribute("axis", -1), epsilon);
        }

        AddActivation(graph, name, layer.NormalizationActivation, layer.NegativeSlope, name);
    }

    private static void AddDense(GraphBuilder graph, LayerDescription layer, ReadOnlySpan<float> parameters)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"dense_{layer.Index}");
        string kernel = graph.Constant(layer.KernelName, [layer.Inputs, layer.Units], parameters.Slice(layer.KernelOffset, layer.KernelLength));
        string bias = graph.Constant(layer.BiasName, [layer.Units], parameters.Slice(layer.BiasOffset, layer.Units));
        graph.Op("Gemm", name, [kernel, bias]);
        AddActivation(graph, name, layer.Activation, layer.NegativeSlope, name);
    }

    private static void AddActivation(GraphBuilder graph, string layer, Activation activation, double negativeSlope, string what)
    {
        string x = graph.Current;
        switch (activation)
        {
            case Activation.Linear:
                break;
            case Activation.Relu:
                graph.Op("Relu", layer + "_relu", []);
                break;
            case Activation.Sigmoid:
                graph.Op("Sigmoid", layer + "_sigmoid", []);
                break;
            case Activation.Tanh:
                graph.Op("Tanh", layer + "_tanh", []);
                break;
            case Activation.Softmax:
                graph.Op("Softmax", layer + "_softmax", [], Onnx.IntAttribute("axis", -1));
                break;
            case Activation.Elu:
                graph.Op("Elu", layer + "_elu", [], Onnx.FloatAttribute("alpha", 1f));
                break;
            case Activation.Selu:
                graph.Op("Selu", layer + "_selu", [], Onnx.FloatAttribute("alpha", 1.67326324235437728f), Onnx.FloatAttribute("gamma", 1.05070098735548049f));
                break;
            case Activation.LeakyRelu:
                graph.Op("LeakyRelu", layer + "_leaky_relu", [], Onnx.FloatAttribute("alpha", (float)negativeSlope));
                break;
            case Activation.Softplus:
                graph.Op("Softplus", layer + "_softplus", []);
                break;
            case Activation.Silu:
                graph.Op("Sigmoid", layer + "_silu_sigmoid", []);
                graph.Op("Mul", layer + "_silu", [x]);
                break;
            case Activation.Gelu:
                // Keras's default gelu (approximate=False): 0.5 · x · (1 + erf(x / √2))
                graph.Op("Div", layer + "_gelu_div", [graph.Constant(layer + ".gelu.sqrt2", [], [MathF.Sqrt(2f)])]);
                graph.Op("Erf", layer + "_gelu_erf", []);
                graph.Op("Add", layer + "_gelu_add", [graph.Constant(layer + ".gelu.one", [], [1f])]);
                graph.Op("Mul", layer + "_gelu_mul", [x]);
                graph.Op("Mul", layer + "_gelu", [graph.Constant(layer + ".gelu.half", [], [0.5f])]);
                break;
            default:
                throw new OnnxExportException($"ONNX export: layer {what} has activation {activation}, which the export does not support");
        }
    }

    /// <summary>A chain of nodes: each op takes the current value (and further inputs) and makes the next one.</summary>
    private sealed class GraphBuilder(string input)
    {
        public List<ProtoMessage> Nodes { get; } = [];

        public List<ProtoMessage> Initializers { get; } = [];

        private readonly List<(string OpType, string Name, string[] Inputs, ProtoMessage[] Attributes)> _pending = [];

        public string Current { get; private set; } = input;

        public string Constant(string name, int[] dims, ReadOnlySpan<float> values)
        {
            Initializers.Add(Onnx.FloatTensor(name, dims, values));
            return name;
        }

        public string Int64Constant(string name, int[] dims, ReadOnlySpan<long> values)
        {
            Initializers.Add(Onnx.Int64Tensor(name, dims, values));
            return name;
        }

        public void Op(string opType, string name, string[] inputs, params ProtoMessage[] attributes)
        {
            _pending.Add((opType, name, [Current, .. inputs], attributes));
            Current = name;
        }

        /// <summary>A node on its own inputs, off the chain (the chain goes on from <see cref="Current"/>); returns its output's name.</summary>
        public string Node(string opType, string name, string[] inputs, params ProtoMessage[] attributes)
        {
            _pending.Add((opType, name, inputs, attributes));
            return name;
        }

        /// <summary>Goes on from <paramref name="name"/>'s output.</summary>
        public void Continue(string name) => Current = name;

        /// <summary>Writes the nodes, the last one's output named <paramref name="output"/> (an Identity when there is none).</summary>
        public void Rename(string output)
        {
            if (_pending.Count == 0)
            {
                Op("Identity", "identity", []);
            }

            foreach (var (opType, name, inputs, attributes) in _pending)
            {
                string result = name == Current ? output : name;
                Nodes.Add(Onnx.Node(opType, name, inputs, result, attributes));
            }
        }
    }
}
