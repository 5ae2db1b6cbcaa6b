namespace AotNet.Tests.Export;

/// <summary>
/// A python3-h5py script that writes .keras files the way Keras 3's saving_lib lays them out, for the models of
/// <see cref="KerasLayersTests"/>, and computes their predictions with numpy in float64 by Keras's formulas
/// (Normalization: (x − mean) / max(√variance, 1e-7); BatchNormalization in inference: (x − moving_mean) /
/// √(moving_variance + ε)·γ + β; LayerNormalization over the last axis with the biased variance; Embedding with
/// mask_zero then GlobalAveragePooling1D: Σ(x·mask)/Σ(mask)). Weights sit at layers/{snake_case class name, _1, …}/vars/{i},
/// trainable variables first; one Dense layer has a user's name in config.json ("hidden"), which does not move its weights.
/// argv: kind (norms, norms-eps, norms-noact, embedding, embedding-nomask), the .keras path, a prefix for
/// .inputs (float32 or int32), .expected (float32) and .vars.json (the float variables by "layer/i").
/// </summary>
internal static class KerasFixtures
{
    public const string Script = """
        import h5py, io, json, sys, zipfile
        import numpy as np
        kind, path, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
        rng = np.random.RandomState(11)
        def dtype():
            return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
        def init(name, **config):
            return {"module": "keras.initializers", "class_name": name, "config": config, "registered_name": None}
        def layer(cls, name, shape, **config):
            return {"module": "keras.layers", "class_name": cls, "config": dict({"name": name, "trainable": True, "dtype": dtype()}, **config),
                    "registered_name": None, "build_config": {"input_shape": [None] + shape}}
        def dense(name, units, activation, inputs):
            return layer("Dense", name, [inputs], units=units, activation=activation, use_bias=True, kernel_initializer=init("GlorotUniform", seed=None),
                         bias_initializer=init("Zeros"), kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None)
        def f32(*shape, low=-0.5, high=0.5):
            return rng.uniform(low, high, shape).astype("float32")
        layers, weights = [], {}  # weights: h5 group name -> list of arrays (vars/0, vars/1, ...)
        act = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
               "softmax": lambda z: np.exp(z - z.max(-1, keepdims=True)) / np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True)}
        if kind.startswith("norms"):
            n, rows = 7, 500
            x = rng.uniform(-1, 1, (rows, n)).astype("float32")
            x[:, 0] = x[:, 0] * 300 + 900
            inputs = x
            mean, var = x.mean(0).astype("float32"), x.var(0).astype("float32")
            k0, b0 = f32(7, 12), f32(12, low=-0.1, high=0.1)
            g1, be1, mm1, mv1 = f32(12, low=0.5, high=1.5), f32(12), f32(12), f32(12, low=0.5, high=2)
            k1, b1 = f32(12, 10), f32(10, low=-0.1, high=0.1)
            g2, be2 = f32(10, low=0.5, high=1.5), f32(10)
            k2, b2 = f32(10, 4), f32(4, low=-0.1, high=0.1)
            eps = 0.01 if kind == "norms-eps" else 0.001
            layers.append(layer("Normalization", "normalization", [n], axis=[-1], invert=False, mean=None, variance=None))
            weights["normalization"] = [mean, var, np.array(0, dtype="int64")]
            layers.append(dense("hidden", 12, "linear", 7))
            weights["dense"] = [k0, b0]
            norm = dict(center=True, scale=True, beta_initializer=init("Zeros"), gamma_initializer=init("Ones"), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)
            layers.append(layer("BatchNormalization", "batch_normalization", [12], axis=-1, momentum=0.99, epsilon=0.001, moving_mean_initializer=init("Zeros"),
                                moving_variance_initializer=init("Ones"), synchronized=False, **norm))
            weights["batch_normalization"] = [g1, be1, mm1, mv1]
            if kind != "norms-noact":
                layers.append(layer("Activation", "activation", [12], activation="relu"))
                weights["activation"] = []
            layers.append(dense("dense_1", 10, "tanh", 12))
            weights["dense_1"] = [k1, b1]
            layers.append(layer("LayerNormalization", "layer_normalization", [10], axis=[-1], epsilon=eps, rms_scaling=False, **norm))
            weights["layer_normalization"] = [g2, be2]
            layers.append(layer("Activation", "activation_1", [10], activation="sigmoid"))
            weights["activation_1"] = []
            layers.append(dense("dense_2", 4, "softmax", 10))
            weights["dense_2"] = [k2, b2]
            h = (x.astype("float64") - mean) / np.maximum(np.sqrt(var.astype("float64")), 1e-7)
            h = h @ k0 + b0
            h = act["relu"]((h - mm1) / np.sqrt(mv1.astype("float64") + 0.001) * g1 + be1)
            h = np.tanh(h @ k1 + b1)
            mu, sigma2 = h.mean(-1, keepdims=True), h.var(-1, keepdims=True)
            h = act["sigmoid"]((h - mu) / np.sqrt(sigma2 + 0.001) * g2 + be2)
            y = act["softmax"](h @ k2 + b2)
            input_layer = {"batch_shape": [None, n], "dtype": "float32", "sparse": False, "name": "input_layer"}
        else:
            length, vocab, rows = 12, 50, 400
            ids = np.zeros((rows, length), dtype="int32")
            for r in range(rows):
                used = rng.randint(1, length + 1)
                ids[r, length - used:] = rng.randint(1, vocab, used)
            inputs = ids
            emb = f32(vocab, 4, low=-0.05, high=0.05) * 10
            k0, b0 = f32(4, 8), f32(8, low=-0.1, high=0.1)
            k1, b1 = f32(8, 1), f32(1, low=-0.1, high=0.1)
            layers.append(layer("Embedding", "embedding", [length], input_dim=vocab, output_dim=4, embeddings_initializer=init("RandomUniform", minval=-0.05, maxval=0.05, seed=None),
                                embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None, mask_zero=kind != "embedding-nomask"))
            weights["embedding"] = [emb]
            layers.append(layer("GlobalAveragePooling1D", "global_average_pooling1d", [length, 4], data_format="channels_last", keepdims=False))
            weights["global_average_pooling1d"] = []
            layers.append(dense("hidden", 8, "relu", 4))
            weights["dense"] = [k0, b0]
            layers.append(dense("dense_1", 1, "sigmoid", 8))
            weights["dense_1"] = [k1, b1]
            mask = (ids != 0).astype("float64")[:, :, None]
            h = (emb.astype("float64")[ids] * mask).sum(1) / mask.sum(1)
            y = act["sigmoid"](act["relu"](h @ k0 + b0) @ k1 + b1)
            input_layer = {"batch_shape": [None, length], "dtype": "int32", "sparse": False, "name": "input_layer"}
        layers.insert(0, {"module": "keras.layers", "class_name": "InputLayer", "config": input_layer, "registered_name": None})
        h5 = io.BytesIO()
        with h5py.File(h5, "w") as f:
            for name, arrays in weights.items():
                g = f.create_group("layers/" + name + "/vars")
                for i, a in enumerate(arrays):
                    g[str(i)] = a
            f.create_group("vars")
        shape = [None] + list(inputs.shape[1:])
        config = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True, "dtype": dtype(), "layers": layers, "build_input_shape": shape},
                  "registered_name": None, "build_config": {"input_shape": shape}, "compile_config": None}
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2024-10-01@12:00:00"}))
            z.writestr("config.json", json.dumps(config))
            z.writestr("model.weights.h5", h5.getvalue())
        inputs.tofile(prefix + ".inputs")
        y.astype("<f4").tofile(prefix + ".expected")
        json.dump({"%s/%d" % (name, i): [float(v) for v in a.ravel()] for name, arrays in weights.items() for i, a in enumerate(arrays) if a.dtype == np.float32},
                  open(prefix + ".vars.json", "w"))
        """;
}
