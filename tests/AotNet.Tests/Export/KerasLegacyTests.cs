using AotNet.Export;
using AotNet.Tests.Layers;
using AotNet.Training;

namespace AotNet.Tests.Export;

/// <summary>
/// Keras 2's HDF5 weights (model.save("m.h5"): a model_weights group; save_weights("w.h5"): at the root), made by h5py
/// in that layout — layer_names and weight_names attributes as numpy byte strings, datasets at
/// {layer}/{layer}/kernel:0 … — from a .keras that AotNet wrote: they load to the same bits; a file whose layers differ
/// gets one line.
/// </summary>
public sealed class KerasLegacyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-keras2-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PythonH5pyFact]
    public void Keras_2_files_load_to_the_same_bits()
    {
        foreach (string layout in new[] { "model", "weights" })
        {
            AssertLoads(KerasLayersTests.Randomized(AllNormsExportNet.Create(3)), layout);
            AssertLoads(KerasLayersTests.Randomized(EmbeddingMasked.Create(4)), layout);
            AssertLoads(KerasLayersTests.Randomized(MyNetForLegacy.Create(5)), layout);
        }
    }

    [PythonH5pyFact]
    public void A_keras_2_file_of_other_layers_gets_one_line()
    {
        string h5 = Convert(KerasLayersTests.Randomized(AllNormsExportNet.Create(3)), "model");
        var model = KerasNormBnNet.Create(0);
        float[] before = [.. model.Parameters, .. model.State];
        var e = Assert.Throws<InvalidDataException>(() => KerasFile.Load(model, h5));
        Assert.Equal($"{h5}: model_weights/normalization/normalization/mean:0 has shape [7], the model needs [6] (normalization.mean)", e.Message);
        Assert.Equal(before, (float[])[.. model.Parameters, .. model.State]);
        var count = Assert.Throws<InvalidDataException>(() => KerasFile.Load(BatchNormExportNet.Create(0), h5));
        Assert.Equal($"{h5} holds another topology: layer 'normalization' has 3 weights (normalization/mean:0, normalization/variance:0, normalization/count:0), the model's Dense 'dense' has 2", count.Message);
    }

    private void AssertLoads<TModel>(TModel model, string layout)
        where TModel : class, IModel<TModel>
    {
        string h5 = Convert(model, layout);
        var loaded = TModel.Create(99);
        KerasFile.Load(loaded, h5);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal(model.State, loaded.State);
    }

    /// <summary>AotNet's .keras of the model, rewritten by h5py as Keras 2 would have saved it (the first Dense named "hidden").</summary>
    private string Convert<TModel>(TModel model, string layout)
        where TModel : class, IModel<TModel>
    {
        string keras = Path.Combine(_dir, TModel.Description.Name + ".keras"), h5 = Path.Combine(_dir, $"{TModel.Description.Name}-{layout}.h5");
        KerasFile.Save(model, keras);
        var (code, output) = PythonOnnx.Run(Script, [keras, h5, layout]);
        Assert.True(code == 0, output);
        return h5;
    }

    private const string Script = """
        import h5py, io, json, sys, zipfile
        import numpy as np
        keras, out, layout = sys.argv[1], sys.argv[2], sys.argv[3]
        z = zipfile.ZipFile(keras)
        config = json.loads(z.read("config.json"))
        src = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        names = {"Dense": ["kernel", "bias"], "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"],
                 "LayerNormalization": ["gamma", "beta"], "Normalization": ["mean", "variance", "count"], "Embedding": ["embeddings"]}
        with h5py.File(out, "w") as f:
            if layout == "model":
                f.attrs["keras_version"] = b"2.15.0"
                f.attrs["backend"] = b"tensorflow"
                g = f.create_group("model_weights")
            else:
                g = f
            layer_names = []
            for layer in config["config"]["layers"][1:]:
                cls, name = layer["class_name"], layer["config"]["name"]
                keras2 = "hidden" if name == "dense" else name
                layer_names.append(keras2.encode("utf8"))
                lg = g.create_group(keras2)
                weight_names = []
                for i, var in enumerate(names.get(cls, [])):
                    w = keras2 + "/" + var + ":0"
                    lg[w] = src["layers/" + name + "/vars/" + str(i)][()]
                    weight_names.append(w.encode("utf8"))
                lg.attrs["weight_names"] = np.array(weight_names, dtype="S") if weight_names else np.zeros((0,), dtype="S1")
            g.attrs["layer_names"] = np.array(layer_names, dtype="S")
            g.attrs["backend"] = b"tensorflow"
        """;
}

[Sequential(5, Loss = Loss.MeanSquaredError)]
[Dense(7, Activation.Relu)]
[Dropout(0.5)]
[Dense(3, Activation.Tanh)]
[Dense(1)]
internal sealed partial class MyNetForLegacy;
