#!/usr/bin/env python3
"""PyTorch reference numbers for AotNet's Embedding + GlobalAveragePooling1D (issue 22 item 3).

    /usr/bin/python3 tests/AotNet.Tests/Reference/torch_embedding.py > tests/AotNet.Tests/Reference/torch_embedding.json

The same rules as torch_features.py (whose losses, activations and Keras optimizers this script reuses): a fixed data set
and initial parameters per case, trained with PyTorch autograd in float32 following Keras 3, batches in row order. Written
out by hand from keras-team/keras:
  * layers/core/embedding.py: ops.take(embeddings, ids, axis=0); compute_mask = ops.not_equal(ids, 0) with mask_zero;
    the default initializer "uniform" is RandomUniform(-0.05, 0.05). The embeddings are a dense variable: the optimizer
    steps every row (untouched rows get a zero gradient, their RMSprop/Adam moments decay).
  * layers/pooling/global_average_pooling1d.py: with a mask, sum(where(mask, x, 0), axis=1) / sum(mask, axis=1);
    without, ops.mean(x, axis=1) (padding ids 0 are then ordinary ids).
Token rows are pre-padded with 0 (pad_sequences' default), each with at least one id > 0.

Parameters are in AotNet's layout: embedding.embeddings [vocabulary, dim], then every Dense layer's kernel [in, out] and bias.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_features as tf  # noqa: E402  (the shared rules)


def cases():
    c = tf.case
    return [
        dict(c("embedding_masked", "embedding", 12, [tf.layer(8, "relu"), tf.layer(1, "sigmoid")], "binary_crossentropy",
               "rmsprop", 1e-2, 401, rows=40, val_rows=12, batch_size=8, epochs=4), vocabulary=50, dim=4, mask_zero=True),
        dict(c("embedding_unmasked", "embedding", 10, [tf.layer(3, "softmax")], "categorical_crossentropy",
               "adam", 1e-2, 402, rows=30, val_rows=10, batch_size=7, epochs=4), vocabulary=30, dim=6, mask_zero=False),
    ]


def make_tokens(c, rng):
    n, length, vocabulary = c["rows"] + c["val_rows"], c["inputs"], c["vocabulary"]
    ids = np.zeros((n, length), dtype=np.int64)
    for r in range(n):
        count = rng.randint(2, length + 1)
        ids[r, length - count:] = rng.randint(1, vocabulary, count)  # pre-padded
    teacher = rng.standard_normal((vocabulary, c["layers"][-1]["units"]))
    teacher[0] = 0.0
    mask = (ids != 0).astype(np.float64)
    z = (teacher[ids] * mask[:, :, None]).sum(1) / mask.sum(1)[:, None] + 0.3 * rng.standard_normal((n, teacher.shape[1]))
    if c["loss"] == "binary_crossentropy":
        y = (z > np.median(z)).astype(np.float32)
    else:
        y = np.eye(z.shape[1], dtype=np.float32)[z.argmax(1)]
    return ids, y


def forward(c, params, ids):
    x = params[0][ids]  # [rows, length, dim]
    if c["mask_zero"]:
        mask = (ids != 0).to(torch.float32)[:, :, None]
        x = (x * mask).sum(1) / mask.sum(1)
    else:
        x = x.mean(1)
    n = len(c["layers"])
    for i, l in enumerate(c["layers"]):
        x = torch.addmm(params[2 + 2 * i], x, params[1 + 2 * i])
        if i < n - 1 or c["loss"] not in tf.CROSS_ENTROPIES:
            x = tf.activate(x, l)
    return x


def run(c):
    rng = np.random.RandomState(c["seed"])
    ids, y = make_tokens(c, rng)
    embeddings = rng.uniform(-0.05, 0.05, (c["vocabulary"], c["dim"])).astype(np.float32)
    dense = dict(c, inputs=c["dim"])
    init = [embeddings] + tf.make_parameters(dense, rng)
    n = c["rows"]
    it, yt = torch.from_numpy(ids[:n]), torch.from_numpy(y[:n])
    iv, yv = torch.from_numpy(ids[n:]), torch.from_numpy(y[n:])
    params = [torch.from_numpy(p.copy()).requires_grad_() for p in init]
    opt = tf.KerasOptimizer(c, params)
    hist = {"loss": [], "val_loss": []}
    bs = c["batch_size"]
    for _ in range(c["epochs"]):
        loss_sum = 0.0
        for start in range(0, n, bs):
            ib, yb = it[start:start + bs], yt[start:start + bs]
            loss = tf.batch_loss(dense, params[1:], forward(c, params, ib), yb, None)
            loss.backward()
            loss_sum += float(loss) * len(ib)
            opt.step()
        hist["loss"].append(loss_sum / n)
        with torch.no_grad():
            hist["val_loss"].append(float(tf.batch_loss(dense, params[1:], forward(c, params, iv), yv, None)))
    c["steps"] = opt.iterations
    c["ids"], c["y"], c["ids_val"], c["y_val"] = ids[:n].tolist(), y[:n], ids[n:].tolist(), y[n:]
    c["initial_parameters"] = np.concatenate([p.ravel() for p in init])
    c["history"] = hist
    c["final_parameters"] = np.concatenate([p.detach().numpy().ravel() for p in params])
    return c


def main():
    results = [tf.to_json(run(c)) for c in cases()]
    out = ["{", ' "generator": "tests/AotNet.Tests/Reference/torch_embedding.py",', f' "torch": "{torch.__version__}",',
           f' "numpy": "{np.__version__}",', ' "cases": [']
    for i, c in enumerate(results):
        body = ",\n".join(f"   {json.dumps(k)}: {json.dumps(v)}" for k, v in c.items())
        out.append("  {\n" + body + "\n  }" + ("," if i < len(results) - 1 else ""))
    out.append(" ]")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")
    for c in results:
        print(f"{c['name']:30s} loss {c['history']['loss'][0]:.5f} -> {c['history']['loss'][-1]:.5f}", file=sys.stderr)


if __name__ == "__main__":
    main()
