#!/usr/bin/env python3
"""PyTorch reference numbers for AotNet's Normalization, BatchNormalization and LayerNormalization layers (issues 20, 22).

    /usr/bin/python3 tests/AotNet.Tests/Reference/torch_layers.py > tests/AotNet.Tests/Reference/torch_layers.json

The same rules as torch_features.py (whose data, losses and Keras optimizers this script reuses): a fixed data set and
initial parameters per case, trained with PyTorch autograd in float32 following Keras 3, batches in row order. Written
out by hand from keras-team/keras (keras/src/layers/...):
  * preprocessing/normalization.py: adapt on the training rows (np.mean and np.var over the rows: the biased variance),
    then (x - mean) / max(sqrt(variance), 1e-7) (backend.epsilon()). Adapted once, before the first epoch.
  * normalization/batch_normalization.py: training uses the batch mean and the biased batch variance (ops.moments) and
    updates moving = moving * momentum + batch * (1 - momentum) (momentum 0.99); evaluation uses the moving statistics;
    y = gamma * (z - mean) / sqrt(variance + eps) + beta, eps 1e-3; gamma 1, beta 0, moving mean 0, moving variance 1.
    The gradient goes through the batch statistics (autograd).
  * normalization/layer_normalization.py: the same formula over each row's features, eps 1e-3.
A layer's "norm" is applied to its output after the Dense layer's own activation, then the norm's "norm_activation"
(Keras: Dense(units, activation) -> BatchNormalization() -> Activation(norm_activation)).

A Dense layer's bias right before BatchNormalization has a gradient of exactly 0 in exact arithmetic (the batch mean takes it
out); in float it is rounding noise, which Adam normalises into steps of about the learning rate in a direction neither side
can reproduce. So the Adam case puts BatchNormalization after a relu, and the cases with a bias before BatchNormalization use
RMSprop or SGD (eps inside RMSprop's square root keeps the noise's steps at ~1e-6 of the rate).

Parameters are in AotNet's layout: every Dense layer's kernel [in, out] and bias in order, then every normalisation
layer's gamma and beta in order. The state: the Normalization layer's mean and variance (if any), then every
BatchNormalization layer's moving mean and moving variance, in order.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_features as tf  # noqa: E402  (the shared rules)

BN_EPS = 1e-3
LN_EPS = 1e-3
MOMENTUM = 0.99


def layer(units, activation="linear", norm=None, norm_activation="linear"):
    d = tf.layer(units, activation)
    d["norm"] = norm
    d["norm_activation"] = norm_activation
    return d


def cases():
    c = tf.case
    return [
        dict(c("normalization_mlp", "normalization", 4, [layer(8, "relu"), layer(1)], "mse", "rmsprop", 1e-3, 301,
               target_scale=3.0), normalization=True, scale=[100.0, 0.01, 5.0, 1.0], shift=[1000.0, -3.0, 0.0, 7.0]),
        dict(c("batchnorm_before_relu", "batch_normalization", 5, [layer(8, "linear", "batch", "relu"), layer(3, "softmax")],
               "categorical_crossentropy", "rmsprop", 1e-2, 302), normalization=False),
        dict(c("batchnorm_after_relu", "batch_normalization", 6, [layer(8, "relu", "batch"), layer(1, "sigmoid")],
               "binary_crossentropy", "rmsprop", 1e-2, 303), normalization=False),
        dict(c("batchnorm_batch_of_one", "batch_normalization", 3, [layer(4, "linear", "batch", "relu"), layer(1)],
               "mse", "sgd", 1e-2, 304, rows=6, val_rows=4, batch_size=1, epochs=2), normalization=False),
        dict(c("batchnorm_chunks", "batch_normalization", 4, [layer(6, "linear", "batch", "tanh"), layer(2, "softmax")],
               "sparse_categorical_crossentropy", "rmsprop", 1e-3, 305, rows=600, val_rows=40, batch_size=520, epochs=3),
             normalization=False),
        dict(c("layernorm_mlp", "layer_normalization", 5, [layer(8, "linear", "layer", "relu"), layer(8, "tanh", "layer"), layer(1)],
               "mse", "sgd", 1e-2, 306, momentum=0.9), normalization=False),
        dict(c("all_three", "normalization", 4, [layer(16, "relu", "batch"), layer(8, "linear", "layer", "relu"), layer(2, "softmax")],
               "categorical_crossentropy", "adam", 1e-3, 307, batch_size=8), normalization=True,
             scale=[10.0, 0.1, 1.0, 50.0], shift=[-20.0, 0.0, 4.0, 100.0]),
    ]


def norm_parameters(c):
    """gamma (1) and beta (0) of every normalisation layer, in order."""
    out = []
    for l in c["layers"]:
        if l["norm"]:
            out.append(np.ones(l["units"], dtype=np.float32))
            out.append(np.zeros(l["units"], dtype=np.float32))
    return out


def normalize(z, gamma, beta, mean, variance, eps):
    return (z - mean) / torch.sqrt(variance + eps) * gamma + beta


def forward(c, params, x, state, training):
    """The model's output (logits under a cross-entropy); in training, BatchNormalization's moving statistics in
    `state` are updated (outside autograd)."""
    if c["normalization"]:
        x = (x - state["mean"]) / torch.clamp(torch.sqrt(state["variance"]), min=tf.KERAS_EPS)
    n = len(c["layers"])
    norm_index, bn_index = 2 * n, 0
    for i, l in enumerate(c["layers"]):
        x = torch.addmm(params[2 * i + 1], x, params[2 * i])
        if i < n - 1 or c["loss"] not in tf.CROSS_ENTROPIES:
            x = tf.activate(x, l)
        if l["norm"]:
            gamma, beta = params[norm_index], params[norm_index + 1]
            norm_index += 2
            if l["norm"] == "layer":
                mean = x.mean(1, keepdim=True)
                variance = ((x - mean) ** 2).mean(1, keepdim=True)
                x = normalize(x, gamma, beta, mean, variance, LN_EPS)
            else:
                mm, mv = state["moving"][bn_index]
                if training:
                    mean = x.mean(0)
                    variance = ((x - mean) ** 2).mean(0)
                    with torch.no_grad():
                        mm.copy_(mm * MOMENTUM + mean * (1.0 - MOMENTUM))
                        mv.copy_(mv * MOMENTUM + variance * (1.0 - MOMENTUM))
                    x = normalize(x, gamma, beta, mean, variance, BN_EPS)
                else:
                    x = normalize(x, gamma, beta, mm, mv, BN_EPS)
                bn_index += 1
            x = tf.activate(x, {"activation": l["norm_activation"], "negative_slope": 0.2})
    return x


def run(c):
    rng = np.random.RandomState(c["seed"])
    x, y = tf.make_data(c, rng)
    if c["normalization"]:
        x = (x * np.array(c["scale"], dtype=np.float32) + np.array(c["shift"], dtype=np.float32)).astype(np.float32)
    init = tf.make_parameters(c, rng) + norm_parameters(c)
    n = c["rows"]
    state = {"moving": [(torch.zeros(l["units"]), torch.ones(l["units"])) for l in c["layers"] if l["norm"] == "batch"]}
    if c["normalization"]:
        state["mean"] = torch.from_numpy(x[:n].astype(np.float64).mean(0).astype(np.float32))
        state["variance"] = torch.from_numpy(x[:n].astype(np.float64).var(0).astype(np.float32))
    xt, yt = torch.from_numpy(x[:n]), torch.from_numpy(y[:n])
    xv, yv = torch.from_numpy(x[n:]), torch.from_numpy(y[n:])
    params = [torch.from_numpy(p.copy()).requires_grad_() for p in init]
    opt = tf.KerasOptimizer(c, params)
    hist = {"loss": [], "val_loss": []}
    bs = c["batch_size"]
    for _ in range(c["epochs"]):
        loss_sum = 0.0
        for start in range(0, n, bs):
            xb, yb = xt[start:start + bs], yt[start:start + bs]
            out = forward(c, params, xb, state, training=True)
            loss = tf.batch_loss(c, params, out, yb, None)
            loss.backward()
            loss_sum += float(loss) * len(xb)
            opt.step()
        hist["loss"].append(loss_sum / n)
        with torch.no_grad():
            hist["val_loss"].append(float(tf.batch_loss(c, params, forward(c, params, xv, state, training=False), yv, None)))
    c["steps"] = opt.iterations
    c["x"], c["y"], c["x_val"], c["y_val"] = x[:n], y[:n], x[n:], y[n:]
    c["initial_parameters"] = np.concatenate([p.ravel() for p in init])
    c["history"] = hist
    c["final_parameters"] = np.concatenate([p.detach().numpy().ravel() for p in params])
    blocks = ([state["mean"], state["variance"]] if c["normalization"] else []) + [t for pair in state["moving"] for t in pair]
    c["final_state"] = np.concatenate([t.numpy().ravel() for t in blocks]) if blocks else np.zeros(0, dtype=np.float32)
    return c


def main():
    results = [tf.to_json(run(c)) for c in cases()]
    out = ["{", f' "generator": "tests/AotNet.Tests/Reference/torch_layers.py",', f' "torch": "{torch.__version__}",',
           f' "numpy": "{np.__version__}",', ' "cases": [']
    for i, c in enumerate(results):
        import json
        body = ",\n".join(f"   {json.dumps(k)}: {json.dumps(v)}" for k, v in c.items())
        out.append("  {\n" + body + "\n  }" + ("," if i < len(results) - 1 else ""))
    out.append(" ]")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")
    for c in results:
        print(f"{c['name']:30s} loss {c['history']['loss'][0]:.5f} -> {c['history']['loss'][-1]:.5f}", file=sys.stderr)


if __name__ == "__main__":
    main()
