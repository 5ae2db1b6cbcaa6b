#!/usr/bin/python3
"""PyTorch with the LayersModel sample's recipes on the same data (Keras 3's rules written out by hand, float32):
  * digits_bn: 64 pixels -> Dense(64) -> BatchNormalization -> relu -> Dense(32) -> BatchNormalization -> relu ->
    Dense(10, softmax); Adam (lr 1e-3, beta 0.9/0.999, eps 1e-7 as Keras 3), 30 epochs of batch 32.
    BatchNormalization as keras/src/layers/normalization/batch_normalization.py: batch mean and biased variance in
    training, eps 1e-3, moving = moving*0.99 + batch*0.01 (biased variance), moving statistics in evaluation.
  * digits_ln: 64 -> Dense(64) -> LayerNormalization -> tanh -> Dense(32, relu) -> LayerNormalization ->
    Dense(10, softmax); RMSprop (lr 1e-3, rho 0.9, eps 1e-7 inside the square root), 30 epochs of batch 32.
  * imdb_bag: Keras's imdb.load_data(num_words=5000) re-done in numpy, pad_sequences(maxlen=200) (pre/pre), ->
    Embedding(5000, 24, mask_zero=True) -> GlobalAveragePooling1D (masked mean) -> Dense(1, sigmoid); Adam lr 5e-3,
    6 epochs of batch 128.
glorot_uniform kernels, zero biases, gamma 1 / beta 0, embeddings uniform(-0.05, 0.05); categorical / binary
cross-entropy; a new shuffle every epoch, the last partial batch kept. Digits: the CSVs of export_digits.py; IMDB:
imdb.npz. Prints, per model, the test accuracy of each seed and their mean (committed as torch_reference.json).
Usage: /usr/bin/python3 torch_layers.py DIGITS_DIR KERAS_DATA_DIR"""
import csv
import json
import os
import sys

import numpy as np
import torch

F = torch.nn.functional


def glorot(fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out) * 2 - 1) * limit


class Adam:
    def __init__(self, params, lr):
        self.p, self.lr, self.t = params, lr, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    def step(self):
        self.t += 1
        alpha = self.lr * (1 - 0.999 ** self.t) ** 0.5 / (1 - 0.9 ** self.t)
        for p, m, v in zip(self.p, self.m, self.v):
            m.mul_(0.9).add_(0.1 * p.grad)
            v.mul_(0.999).add_(0.001 * p.grad * p.grad)
            p.sub_(alpha * m / (torch.sqrt(v) + 1e-7))


class RmsProp:
    def __init__(self, params, lr):
        self.p, self.lr = params, lr
        self.v = [torch.zeros_like(p) for p in params]

    def step(self):
        for p, v in zip(self.p, self.v):
            v.mul_(0.9).add_(0.1 * p.grad * p.grad)
            p.sub_(self.lr * p.grad / torch.sqrt(v + 1e-7))


def batch_norm(x, gamma, beta, moving, training):
    if training:
        mean, var = x.mean(0), x.var(0, unbiased=False)
        with torch.no_grad():
            moving[0].mul_(0.99).add_(0.01 * mean)
            moving[1].mul_(0.99).add_(0.01 * var)
    else:
        mean, var = moving
    return (x - mean) / torch.sqrt(var + 1e-3) * gamma + beta


def layer_norm(x, gamma, beta):
    mean, var = x.mean(1, keepdim=True), x.var(1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + 1e-3) * gamma + beta


def digits_bn():
    p = [glorot(64, 64), torch.zeros(64), torch.ones(64), torch.zeros(64),
         glorot(64, 32), torch.zeros(32), torch.ones(32), torch.zeros(32), glorot(32, 10), torch.zeros(10)]
    moving = [[torch.zeros(64), torch.ones(64)], [torch.zeros(32), torch.ones(32)]]

    def forward(x, training):
        h = torch.relu(batch_norm(x @ p[0] + p[1], p[2], p[3], moving[0], training))
        h = torch.relu(batch_norm(h @ p[4] + p[5], p[6], p[7], moving[1], training))
        return h @ p[8] + p[9]

    return p, forward, lambda: Adam(p, 1e-3)


def digits_ln():
    p = [glorot(64, 64), torch.zeros(64), torch.ones(64), torch.zeros(64),
         glorot(64, 32), torch.zeros(32), torch.ones(32), torch.zeros(32), glorot(32, 10), torch.zeros(10)]

    def forward(x, training):
        h = torch.tanh(layer_norm(x @ p[0] + p[1], p[2], p[3]))
        h = layer_norm(torch.relu(h @ p[4] + p[5]), p[6], p[7])
        return h @ p[8] + p[9]

    return p, forward, lambda: RmsProp(p, 1e-3)


def imdb_bag():
    p = [torch.rand(5000, 24) * 0.1 - 0.05, glorot(24, 1), torch.zeros(1)]

    def forward(ids, training):
        mask = (ids != 0).to(torch.float32)[:, :, None]
        return ((p[0][ids] * mask).sum(1) / mask.sum(1)) @ p[1] + p[2]

    return p, forward, lambda: Adam(p, 5e-3)


def train(make, x, y, xt, yt, epochs, batch, loss, seed):
    torch.manual_seed(seed)
    p, forward, optimizer = make()
    for t in p:
        t.requires_grad_(True)
    opt = optimizer()
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            b = perm[i:i + batch]
            value = loss(forward(x[b], True), y[b])
            for t in p:
                t.grad = None
            value.backward()
            with torch.no_grad():
                opt.step()
    with torch.no_grad():
        out = torch.cat([forward(xt[i:i + 4096], False) for i in range(0, len(xt), 4096)])
        predicted = out.argmax(1) if out.shape[1] > 1 else (out[:, 0] > 0).long()
        return (predicted == yt).float().mean().item()


def load_digits(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    return torch.tensor([[float(v) for v in r[:64]] for r in rows]), torch.tensor([int(r[64]) for r in rows])


def load_imdb(path, num_words=5000, maxlen=200):
    with np.load(path, allow_pickle=True) as f:
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(113)
    order = np.arange(len(x_train)); rng.shuffle(order); x_train, y_train = x_train[order], y_train[order]
    order = np.arange(len(x_test)); rng.shuffle(order); x_test, y_test = x_test[order], y_test[order]

    def padded(xs):
        out = np.zeros((len(xs), maxlen), dtype=np.int64)
        for r, x in enumerate(xs):
            x = [w if w < num_words else 2 for w in [1] + [v + 3 for v in x]][-maxlen:]
            out[r, maxlen - len(x):] = x
        return torch.from_numpy(out)

    return padded(x_train), torch.from_numpy(y_train.astype(np.int64)), padded(x_test), torch.from_numpy(y_test.astype(np.int64))


def main(digits, keras):
    torch.set_num_threads(1)
    x, y = load_digits(os.path.join(digits, "digits_train.csv"))
    xt, yt = load_digits(os.path.join(digits, "digits_test.csv"))
    ce = lambda logits, labels: F.cross_entropy(logits, labels)
    results = {"torch": torch.__version__}
    for name, make in (("digits_bn", digits_bn), ("digits_ln", digits_ln)):
        accuracies = [train(make, x, y, xt, yt, 30, 32, ce, seed) for seed in range(5)]
        results[name] = {"test_accuracy_per_seed": accuracies, "mean_test_accuracy": sum(accuracies) / len(accuracies)}
    ix, iy, ixt, iyt = load_imdb(os.path.join(keras, "imdb.npz"))
    bce = lambda logits, labels: F.binary_cross_entropy_with_logits(logits[:, 0], labels.float())
    accuracies = [train(imdb_bag, ix, iy, ixt, iyt, 6, 128, bce, seed) for seed in range(3)]
    results["imdb_bag"] = {"test_accuracy_per_seed": accuracies, "mean_test_accuracy": sum(accuracies) / len(accuracies)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
