using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using AotNet.Data;
using AotNet.Export;
using AotNet.Tests.Layers;
using AotNet.Training;

namespace AotNet.Tests.Export;

[Sequential(6, Loss = Loss.CategoricalCrossentropy)]
[Normalization]
[Dense(16)]
[BatchNormalization(Activation.Relu)]
[Dense(2, Activation.Softmax)]
internal sealed partial class KerasNormBnNet;

[Sequential(10, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam)]
[Embedding(30, 5)]
[GlobalAveragePooling1D]
[Dense(6, Activation.Relu)]
[Dropout(0.25)]
[Dense(3, Activation.Softmax)]
internal sealed partial class KerasEmbeddingNet;

/// <summary>
/// The layers of issue 22 in Keras 3's files: Normalization (vars mean, variance and an int64 scalar count),
/// BatchNormalization (gamma, beta, moving_mean, moving_variance), LayerNormalization (gamma, beta), the Activation
/// layer Keras needs after them, Embedding (embeddings) and GlobalAveragePooling1D (no vars). AotNet → file → AotNet
/// gives the same bits and the same predictions; files made by h5py in Keras's layout load, and their predictions
/// (computed by numpy with Keras's formulas) match Predict; a config that differs gets one line naming it.
/// </summary>
public sealed class KerasLayersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-keras-layers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.weights.h5")]
    public void Round_trip_gives_the_same_bits_and_predictions(string file)
    {
        var features = Raw(1000, 7);
        RoundTrip(Randomized(NormalizedExportNet.Create(1)), file, Columns(features, 6));
        RoundTrip(Randomized(BatchNormExportNet.Create(2)), file, Columns(features, 5));
        RoundTrip(Randomized(LayerNormExportNet.Create(3)), file, Columns(features, 5));
        RoundTrip(Randomized(AllNormsExportNet.Create(4)), file, features);
        RoundTrip(Randomized(KerasNormBnNet.Create(5)), file, Columns(features, 6));
        RoundTrip(Randomized(EmbeddingMasked.Create(6)), file, Tokens(1000, 12, 50, 7));
        RoundTrip(Randomized(KerasEmbeddingNet.Create(7)), file, Tokens(1000, 10, 30, 8));
    }

    [Fact]
    public void Config_json_names_and_orders_the_layers_as_keras_does()
    {
        Assert.Equal(
            ["InputLayer/input_layer", "Normalization/normalization", "Dense/dense", "BatchNormalization/batch_normalization", "Activation/activation",
             "Dense/dense_1", "LayerNormalization/layer_normalization", "Activation/activation_1", "Dense/dense_2"],
            ConfigLayers(AllNormsExportNet.Create(1)).Select(l => l.GetProperty("class_name").GetString() + "/" + l.GetProperty("config").GetProperty("name").GetString()));
        var layers = ConfigLayers(AllNormsExportNet.Create(1));
        Assert.Equal("linear", layers[2].GetProperty("config").GetProperty("activation").GetString());
        Assert.Equal("relu", layers[4].GetProperty("config").GetProperty("activation").GetString());
        Assert.Equal(0.99, layers[3].GetProperty("config").GetProperty("momentum").GetDouble());
        Assert.Equal(0.001, layers[6].GetProperty("config").GetProperty("epsilon").GetDouble());
        Assert.Equal("[-1]", layers[1].GetProperty("config").GetProperty("axis").GetRawText());
        Assert.Equal(JsonValueKind.Null, layers[1].GetProperty("config").GetProperty("mean").ValueKind);

        var embedding = ConfigLayers(EmbeddingMasked.Create(1));
        Assert.Equal(["InputLayer", "Embedding", "GlobalAveragePooling1D", "Dense", "Dense"], embedding.Select(l => l.GetProperty("class_name").GetString()));
        Assert.Equal("[null,12]", embedding[0].GetProperty("config").GetProperty("batch_shape").GetRawText());
        Assert.Equal("int32", embedding[0].GetProperty("config").GetProperty("dtype").GetString());
        var e = embedding[1].GetProperty("config");
        Assert.Equal((50, 4, true), (e.GetProperty("input_dim").GetInt32(), e.GetProperty("output_dim").GetInt32(), e.GetProperty("mask_zero").GetBoolean()));
        Assert.Equal("[null,12,4]", embedding[2].GetProperty("build_config").GetProperty("input_shape").GetRawText());
        Assert.Equal("global_average_pooling1d", embedding[2].GetProperty("config").GetProperty("name").GetString());
    }

    [PythonH5pyFact]
    public void H5py_reads_every_variable_where_and_as_keras_stores_it()
    {
        var model = Randomized(AllNormsExportNet.Create(5));
        string path = Path.Combine(_dir, "norms.keras");
        KerasFile.Save(model, path);
        var (code, output) = PythonOnnx.Run("""
            import h5py, io, sys, zipfile
            f = h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read("model.weights.h5")), "r")
            for name in sorted(f["layers"]):
                g = f["layers/" + name + "/vars"]
                print(name, " ".join("%s:%s:%s:%r" % (k, g[k].dtype, list(g[k].shape), float(g[k][()].ravel()[-1]) if g[k].shape else int(g[k][()])) for k in sorted(g)))
            """, [path]);
        Assert.True(code == 0, output);
        string Last(string tensor)
        {
            var t = AllNormsExportNet.Description.Tensors.Single(x => x.Name == tensor);
            return ((double)(t.IsState ? model.State : model.Parameters)[t.Offset + t.Length - 1]).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0], l => l);
        Assert.Equal(9 - 1, lines.Count);
        Assert.Equal($"normalization 0:float32:[7]:{Last("normalization.mean")} 1:float32:[7]:{Last("normalization.variance")} 2:int64:[]:0", lines["normalization"]);
        Assert.Equal($"batch_normalization 0:float32:[12]:{Last("batch_normalization_0.gamma")} 1:float32:[12]:{Last("batch_normalization_0.beta")} 2:float32:[12]:{Last("batch_normalization_0.moving_mean")} 3:float32:[12]:{Last("batch_normalization_0.moving_variance")}", lines["batch_normalization"]);
        Assert.Equal($"layer_normalization 0:float32:[10]:{Last("layer_normalization_0.gamma")} 1:float32:[10]:{Last("layer_normalization_0.beta")}", lines["layer_normalization"]);
        Assert.Equal($"dense_2 0:float32:[10, 4]:{Last("dense_2.kernel")} 1:float32:[4]:{Last("dense_2.bias")}", lines["dense_2"]);
        Assert.Equal("activation ", lines["activation"]);
    }

    [PythonH5pyFact]
    public void A_keras_file_with_the_normalisation_layers_made_by_h5py_loads_and_predicts_as_keras_would()
    {
        var inputs = Fixture("norms", out string keras, out float[] expected, out var vars);
        var model = AllNormsExportNet.Create(0);
        KerasFile.Load(model, keras);
        AssertVars(model, vars);
        Assert.True(model.IsAdapted);
        using var trainer = new Trainer<AllNormsExportNet>(model, threads: 1);
        OnnxExportTests.AssertClose(trainer.Predict(new DenseMatrix(inputs, inputs.Length / 7, 7)), expected, "numpy's Keras forward of the fixture");
    }

    [PythonH5pyFact]
    public void A_keras_file_with_an_embedding_made_by_h5py_loads_and_predicts_as_keras_would()
    {
        var inputs = Fixture("embedding", out string keras, out float[] expected, out var vars);
        var model = EmbeddingMasked.Create(0);
        KerasFile.Load(model, keras);
        AssertVars(model, vars);
        int[] ids = MemoryMarshal.Cast<float, int>(inputs).ToArray();
        using var trainer = new Trainer<EmbeddingMasked>(model, threads: 1);
        OnnxExportTests.AssertClose(trainer.Predict(new TokenMatrix(ids, ids.Length / 12, 12)), expected, "numpy's Keras forward of the fixture");
    }

    [PythonH5pyFact]
    public void A_differing_layer_option_gets_one_line_naming_it()
    {
        foreach (var (kind, model, message) in new (string, Func<object>, string)[]
        {
            ("embedding-nomask", () => Load(EmbeddingMasked.Create(0)), "layer 1 (Embedding 'embedding'): mask_zero false in the file, true declared"),
            ("norms-eps", () => Load(AllNormsExportNet.Create(0)), "layer 6 (LayerNormalization 'layer_normalization'): epsilon 0.01 in the file, 0.001 declared"),
            ("norms-noact", () => Load(AllNormsExportNet.Create(0)), "layer 4: the file has Dense 'dense_1', AllNormsExportNet has Activation(relu)"),
            ("norms", () => Load(KerasNormBnNet.Create(0)), "input shape: the file's model takes 7 inputs, KerasNormBnNet takes 6"),
            ("embedding", () => Load(KerasEmbeddingNet.Create(0)), "input shape: the file's model takes 12 token ids per row, KerasEmbeddingNet takes 10"),
        })
        {
            Fixture(kind, out string keras, out _, out _);
            _path = keras;
            var e = Assert.Throws<InvalidDataException>(model);
            Assert.Equal($"{keras} holds another topology: {message}", e.Message);
        }
    }

    private string _path = string.Empty;

    private object Load<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        float[] before = [.. model.Parameters, .. model.State];
        try
        {
            KerasFile.Load(model, _path);
        }
        finally
        {
            Assert.Equal(before, (float[])[.. model.Parameters, .. model.State]); // left unchanged
        }

        return model;
    }

    private void RoundTrip<TModel>(TModel model, string file, Features inputs)
        where TModel : class, IModel<TModel>
    {
        string path = Path.Combine(_dir, TModel.Description.Name + "-" + file);
        KerasFile.Save(model, path);
        var loaded = TModel.Create(99);
        KerasFile.Load(loaded, path);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal(model.State, loaded.State);
        using var a = new Trainer<TModel>(model, threads: 1);
        using var b = new Trainer<TModel>(loaded, threads: 1);
        Assert.Equal(a.Predict(inputs).Data, b.Predict(inputs).Data);
    }

    private List<JsonElement> ConfigLayers<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        string path = Path.Combine(_dir, TModel.Description.Name + ".keras");
        KerasFile.Save(model, path);
        using var zip = ZipFile.OpenRead(path);
        using var config = JsonDocument.Parse(zip.GetEntry("config.json")!.Open());
        return [.. config.RootElement.GetProperty("config").GetProperty("layers").Clone().EnumerateArray()];
    }

    /// <summary>Every tensor off its initial value (variances and gammas positive), so the file must carry each one.</summary>
    internal static TModel Randomized<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        var random = new Random(TModel.Description.Name.Length);
        foreach (var tensor in TModel.Description.Tensors)
        {
            var block = tensor.IsState ? model.State : model.Parameters;
            bool positive = tensor.Name.EndsWith("variance", StringComparison.Ordinal) || tensor.Name.EndsWith("gamma", StringComparison.Ordinal);
            for (int k = 0; k < tensor.Length; k++)
            {
                float noise = (float)(random.NextDouble() - 0.5) * 0.8f;
                block[tensor.Offset + k] = positive ? 0.5f + Math.Abs(noise) * 3 : block[tensor.Offset + k] + noise;
            }
        }

        return model;
    }

    private static DenseMatrix Raw(int rows, int cols)
    {
        var raw = OnnxExportTests.Uniform(rows, cols, 1f, 21);
        for (int r = 0; r < raw.Rows; r++)
        {
            raw.Row(r)[0] = raw.Row(r)[0] * 300 + 900;
        }

        return raw;
    }

    private static DenseMatrix Columns(DenseMatrix m, int cols)
    {
        var result = new DenseMatrix(m.Rows, cols);
        for (int r = 0; r < m.Rows; r++)
        {
            m.Row(r)[..cols].CopyTo(result.Row(r));
        }

        return result;
    }

    /// <summary>Token rows with leading padding (0) and at least one id, as pad_sequences gives them.</summary>
    internal static TokenMatrix Tokens(int rows, int length, int vocabulary, int seed)
    {
        var random = new Random(seed);
        var ids = new int[rows * length];
        for (int r = 0; r < rows; r++)
        {
            int used = random.Next(1, length + 1);
            for (int k = length - used; k < length; k++)
            {
                ids[r * length + k] = random.Next(1, vocabulary);
            }
        }

        return new TokenMatrix(ids, rows, length);
    }

    private static void AssertVars<TModel>(TModel model, Dictionary<string, double[]> vars)
        where TModel : class, IModel<TModel>
    {
        int seen = 0;
        foreach (var layer in KerasConfig.Layers(TModel.Description))
        {
            for (int i = 0; i < layer.Vars.Count; i++, seen++)
            {
                var t = layer.Vars[i];
                float[] want = [.. vars[$"{layer.Name}/{i}"].Select(v => (float)v)];
                Assert.Equal(want, (t.IsState ? model.State : model.Parameters).AsSpan(t.Offset, t.Length).ToArray());
            }
        }

        Assert.Equal(vars.Count, seen);
    }

    /// <summary>Runs <see cref="FixtureScript"/>: the .keras path, the fixture's inputs (float32, or int32 ids), numpy's predictions and the float vars.</summary>
    private float[] Fixture(string kind, out string keras, out float[] expected, out Dictionary<string, double[]> vars)
    {
        keras = Path.Combine(_dir, kind + ".keras");
        string prefix = Path.Combine(_dir, kind);
        var (code, output) = PythonOnnx.Run(FixtureScript, [kind, keras, prefix]);
        Assert.True(code == 0, output);
        expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(prefix + ".expected")).ToArray();
        vars = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(prefix + ".vars.json"))!;
        return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(prefix + ".inputs")).ToArray();
    }

    private const string FixtureScript = KerasFixtures.Script;
}
