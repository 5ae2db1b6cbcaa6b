using System.IO.Compression;
using System.Text.Json;
using AotNet.App;
using AotNet.Export;
using AotNet.NativeConsumer;
using AotNet.Training;

namespace AotNet.Tests.Export;

/// <summary>
/// Keras 3's .keras and .weights.h5: AotNet → file → AotNet gives the same bits; files written by h5py in Keras's
/// layout (fixtures made here by python3-h5py) load; h5py reads what AotNet writes; a .keras of another topology, a
/// truncated or non-HDF5 weights file get one clear line. Keras itself is not installed: see docs/export.md.
/// </summary>
public sealed class KerasFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-keras-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.weights.h5")]
    public void Round_trip_gives_the_same_bits(string file)
    {
        RoundTrip(Perturbed(BostonNet.Create(1)), file);
        RoundTrip(Perturbed(ImdbNet.Create(2)), file);
        RoundTrip(Perturbed(ReutersNet.Create(3)), file);
        RoundTrip(Perturbed(MyNet.Create(4)), file);
    }

    [Fact]
    public void Config_json_describes_the_sequential_as_keras_does()
    {
        string path = Path.Combine(_dir, "mynet.keras");
        KerasFile.Save(MyNet.Create(1), path);
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], zip.Entries.Select(e => e.FullName));
        using var config = JsonDocument.Parse(zip.GetEntry("config.json")!.Open());
        var root = config.RootElement;
        Assert.Equal("Sequential", root.GetProperty("class_name").GetString());
        var layers = root.GetProperty("config").GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["InputLayer", "Dense", "Dropout", "Dense", "Dense", "Dense"], layers.Select(l => l.GetProperty("class_name").GetString()));
        Assert.Equal(["input_layer", "dense", "dropout", "dense_1", "dense_2", "dense_3"], layers.Select(l => l.GetProperty("config").GetProperty("name").GetString()));
        Assert.Equal("[null,13]", layers[0].GetProperty("config").GetProperty("batch_shape").GetRawText());
        Assert.Equal(32, layers[1].GetProperty("config").GetProperty("units").GetInt32());
        Assert.Equal("relu", layers[1].GetProperty("config").GetProperty("activation").GetString());
        Assert.Equal(0.2, layers[2].GetProperty("config").GetProperty("rate").GetDouble());
        Assert.Equal("gelu", layers[3].GetProperty("config").GetProperty("activation").GetString());
        Assert.Equal("softmax", layers[5].GetProperty("config").GetProperty("activation").GetString());
    }

    [PythonH5pyFact]
    public void H5py_reads_the_weights_where_keras_looks_for_them()
    {
        var model = Perturbed(MyNet.Create(5));
        string path = Path.Combine(_dir, "mynet.keras");
        KerasFile.Save(model, path);
        var (code, output) = PythonOnnx.Run("""
            import h5py, io, json, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
            assert "vars" in f, "no root vars group"
            for name in ["dense", "dense_1", "dense_2", "dense_3"]:
                k, b = f["layers/" + name + "/vars/0"], f["layers/" + name + "/vars/1"]
                print(name, k.shape[0], k.shape[1], b.shape[0], k.dtype, repr(float(k[0, 0])), repr(float(b[-1])))
            print("dropout", len(f["layers/dropout/vars"]))
            """, [path]);
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var d = MyNet.Description.Layers;
        for (int i = 0; i < 4; i++)
        {
            string name = i == 0 ? "dense" : $"dense_{i}";
            float k00 = model.Parameters[d[i].KernelOffset], bLast = model.Parameters[d[i].BiasOffset + d[i].Units - 1];
            string[] parts = lines[i].Split(' ');
            Assert.Equal($"{name} {d[i].Inputs} {d[i].Units} {d[i].Units} float32", string.Join(' ', parts[..5]));
            Assert.Equal((double)k00, double.Parse(parts[5], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((double)bLast, double.Parse(parts[6], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("dropout 0", lines[4]);
    }

    [PythonH5pyFact]
    public void A_keras_file_made_by_h5py_in_keras_layout_loads()
    {
        string keras = Path.Combine(_dir, "boston.keras"), expected = Path.Combine(_dir, "expected.f32");
        var (code, output) = PythonOnnx.Run(Fixture, [keras, expected, "64"]);
        Assert.True(code == 0, output);
        var model = BostonNet.Create(0);
        KerasFile.Load(model, keras);
        // the fixture's weights in AotNet's layout (kernels [in, out], then biases), written by numpy
        float[] want = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(expected)).ToArray();
        Assert.Equal(want, model.Parameters);
    }

    [PythonH5pyFact]
    public void A_keras_file_of_another_topology_gets_one_line_naming_the_difference()
    {
        string keras = Path.Combine(_dir, "other.keras");
        var (code, output) = PythonOnnx.Run(Fixture, [keras, Path.Combine(_dir, "x.f32"), "32"]);
        Assert.True(code == 0, output);
        var model = BostonNet.Create(0);
        float[] before = (float[])model.Parameters.Clone();
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Load(model, keras));
        Assert.Equal($"{keras} holds another topology: layer 1 (Dense 'dense'): 32 units in the file, 64 declared", e.Message);
        Assert.Equal(before, model.Parameters);
        var imdb = Assert.Throws<InvalidDataException>(() => KerasFile.Load(ImdbNet.Create(0), keras));
        Assert.Equal($"{keras} holds another topology: input shape: the file's model takes 13 inputs, ImdbNet takes 10000", imdb.Message);
    }

    [Fact]
    public void Truncated_and_foreign_weights_files_are_refused_with_one_line()
    {
        string good = Path.Combine(_dir, "model.weights.h5");
        KerasFile.Save(BostonNet.Create(1), good);
        byte[] bytes = File.ReadAllBytes(good);
        foreach (int length in new[] { 0, 7, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            string cut = Path.Combine(_dir, $"cut{length}.weights.h5");
            File.WriteAllBytes(cut, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => KerasFile.Load(BostonNet.Create(0), cut));
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(length < 8 ? "not an HDF5 file" : "truncated", e.Message);
        }

        string text = Path.Combine(_dir, "text.weights.h5");
        File.WriteAllText(text, "these are not weights");
        Assert.Contains("not an HDF5 file", Assert.Throws<InvalidDataException>(() => KerasFile.Load(BostonNet.Create(0), text)).Message);
        string notZip = Path.Combine(_dir, "not.keras");
        File.WriteAllText(notZip, "PK but not a zip");
        Assert.Contains("not a .keras archive", Assert.Throws<InvalidDataException>(() => KerasFile.Load(BostonNet.Create(0), notZip)).Message);
        // the weights of another model: the first missing or misshapen tensor is named
        var other = Assert.Throws<InvalidDataException>(() => KerasFile.Load(ImdbNet.Create(0), good));
        Assert.Contains("layers/dense/vars/0 (kernel) has shape [13, 64], the model needs [10000, 16]", other.Message);
    }

    [Fact]
    public void Export_command_converts_safetensors_to_keras_and_back()
    {
        var model = Perturbed(ReutersNet.Create(8));
        string weights = Path.Combine(_dir, "reuters.safetensors"), keras = Path.Combine(_dir, "reuters.keras"), back = Path.Combine(_dir, "back.safetensors");
        AotNet.App.Experiments.ModelFactory.Save(model, weights, new Dictionary<string, string> { ["dataset"] = "reuters" });
        Assert.Equal(0, AotNet.App.Commands.ExportCommand.Run(new AotNet.App.Commands.ExportRequest("reuters", weights, keras), TextWriter.Null));
        Assert.Equal(0, AotNet.App.Commands.ExportCommand.Run(new AotNet.App.Commands.ExportRequest("reuters", keras, back), TextWriter.Null));
        var loaded = ReutersNet.Create(0);
        AotNet.IO.SafeTensors.ReadFile(back, ReutersNet.Description, loaded.Parameters);
        Assert.Equal(model.Parameters, loaded.Parameters);
        var wrong = Assert.Throws<InvalidDataException>(() => AotNet.App.Commands.ExportCommand.Run(new AotNet.App.Commands.ExportRequest("imdb", keras, Path.Combine(_dir, "i.onnx")), TextWriter.Null));
        Assert.Contains("holds another topology", wrong.Message);
    }

    private void RoundTrip<TModel>(TModel model, string file)
        where TModel : class, IModel<TModel>
    {
        string path = Path.Combine(_dir, TModel.Description.Name + "-" + file);
        KerasFile.Save(model, path);
        var loaded = TModel.Create(99);
        KerasFile.Load(loaded, path);
        Assert.Equal(model.Parameters, loaded.Parameters);
    }

    private static TModel Perturbed<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        var random = new Random(7);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] += (float)(random.NextDouble() - 0.5) * 0.01f;
        }

        return model;
    }

    /// <summary>
    /// A Boston-shaped .keras built the way Keras 3's saving_lib lays it out (metadata.json, config.json of a
    /// Sequential with an InputLayer and Dense layers, model.weights.h5 with layers/dense*/vars/0|1 and a root vars
    /// group), written with h5py and zipfile; the first Dense has argv[3] units. Also writes the weights in AotNet's
    /// parameter order to argv[2].
    /// </summary>
    private const string Fixture = """
        import h5py, io, json, sys, zipfile
        import numpy as np
        path, expected, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
        rng = np.random.RandomState(3)
        sizes = [13, first, 64, 1]
        acts = ["relu", "relu", "linear"]
        def dtype():
            return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
        layers = [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 13], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_layer"}, "registered_name": None}]
        h5 = io.BytesIO()
        flat = []
        with h5py.File(h5, "w") as f:
            f.create_group("vars")
            for i in range(3):
                name = "dense" if i == 0 else "dense_%d" % i
                layers.append({"module": "keras.layers", "class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": dtype(), "units": sizes[i + 1], "activation": acts[i], "use_bias": True,
                    "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None},
                    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None},
                    "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None},
                    "registered_name": None, "build_config": {"input_shape": [None, sizes[i]]}})
                kernel = rng.uniform(-0.5, 0.5, (sizes[i], sizes[i + 1])).astype("float32")
                bias = rng.uniform(-0.1, 0.1, sizes[i + 1]).astype("float32")
                g = f.create_group("layers/" + name + "/vars")
                g["0"] = kernel
                g["1"] = bias
                flat += [kernel.ravel(), bias]
        config = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True, "dtype": dtype(), "layers": layers, "build_input_shape": [None, 13]},
                  "registered_name": None, "build_config": {"input_shape": [None, 13]},
                  "compile_config": {"optimizer": "rmsprop", "loss": "mse", "loss_weights": None, "metrics": ["mae"], "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}}
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2024-10-01@12:00:00"}))
            z.writestr("config.json", json.dumps(config))
            z.writestr("model.weights.h5", h5.getvalue())
        np.concatenate(flat).astype("<f4").tofile(expected)
        """;
}

/// <summary>A fact that needs python3 with h5py (Debian python3-h5py; .ci/run installs it): skipped, with the reason, without it.</summary>
public sealed class PythonH5pyFactAttribute : FactAttribute
{
    private static readonly bool Available = PythonOnnx.Run("import h5py, numpy", []).Code == 0;

    public PythonH5pyFactAttribute()
    {
        if (!Available)
        {
            Skip = "python3-h5py is not installed (apt-get install python3-h5py; .ci/run installs it)";
        }
    }
}
