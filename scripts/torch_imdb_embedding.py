#!/usr/bin/python3
"""PyTorch with `aotnet imdb --variant embedding`'s recipe: Keras's imdb.load_data(num_words=10000) re-done in numpy
(RandomState(113) shuffle of train then test, start_char 1, index_from 3, oov_char 2), pad_sequences(maxlen=256) with
Keras's defaults (pre-padding, pre-truncating, value 0), the first 10000 training reviews held out for validation;
Embedding(10000, 16, mask_zero=True) initialised uniform(-0.05, 0.05) -> GlobalAveragePooling1D (masked mean
sum(x*mask)/sum(mask)) -> Dense(16, relu) -> Dense(1, sigmoid), glorot_uniform kernels and zero biases; RMSprop as
Keras 3 (lr 1e-3, rho 0.9, eps 1e-7 inside the square root, every embedding row stepped), binary cross-entropy,
20 epochs of batch 512 reshuffled every epoch (last partial batch kept). Prints JSON: per seed the history and the
test loss/accuracy, and the mean test accuracy. EPOCHS=40 changes the epochs; OPT=adam trains with Keras 3's Adam
(lr 1e-3, beta 0.9/0.999, eps 1e-7 outside the square root) instead: TensorFlow's text tutorial trains this model with
Adam for 40 epochs (docs/reference.md).
Usage: /usr/bin/python3 scripts/torch_imdb_embedding.py DIR_WITH_imdb.npz [SEEDS]"""
import json
import os
import sys

import numpy as np
import torch

NUM_WORDS, LENGTH, DIM, VALIDATION, BATCH = 10000, 256, 16, 10000, 512
EPOCHS = int(os.environ.get("EPOCHS", "20"))
OPT = os.environ.get("OPT", "rmsprop")


def load_data(path):
    with np.load(path, allow_pickle=True) as f:
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(113)
    order = np.arange(len(x_train)); rng.shuffle(order); x_train, y_train = x_train[order], y_train[order]
    order = np.arange(len(x_test)); rng.shuffle(order); x_test, y_test = x_test[order], y_test[order]

    def rules(xs):
        return [[w if w < NUM_WORDS else 2 for w in [1] + [v + 3 for v in x]] for x in xs]

    return rules(x_train), y_train.astype(np.float32), rules(x_test), y_test.astype(np.float32)


def pad(xs):
    out = np.zeros((len(xs), LENGTH), dtype=np.int64)
    for r, x in enumerate(xs):
        x = x[-LENGTH:]
        out[r, LENGTH - len(x):] = x
    return torch.from_numpy(out)


def forward(p, ids):
    mask = (ids != 0).to(torch.float32)[:, :, None]
    pooled = (p[0][ids] * mask).sum(1) / mask.sum(1)
    hidden = torch.relu(pooled @ p[1] + p[2])
    return (hidden @ p[3] + p[4])[:, 0]  # logits


def glorot(fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out) * 2 - 1) * limit


def evaluate(p, ids, y):
    with torch.no_grad():
        logits = torch.cat([forward(p, ids[i:i + 4096]) for i in range(0, len(ids), 4096)])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y).item()
        return loss, ((logits > 0).float() == y).float().mean().item()


def run(seed, x, y, xv, yv, xt, yt):
    torch.manual_seed(seed)
    p = [(torch.rand(NUM_WORDS, DIM) * 0.1 - 0.05), glorot(DIM, 16), torch.zeros(16), glorot(16, 1), torch.zeros(1)]
    for t in p:
        t.requires_grad_(True)
    v = [torch.zeros_like(t) for t in p]
    mom = [torch.zeros_like(t) for t in p]
    step = [0]
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for _ in range(EPOCHS):
        perm = torch.randperm(len(x))
        total, correct = 0.0, 0.0
        for i in range(0, len(x), BATCH):
            b = perm[i:i + BATCH]
            logits = forward(p, x[b])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[b])
            for t in p:
                t.grad = None
            loss.backward()
            with torch.no_grad():
                if OPT == "adam":
                    step[0] += 1
                    for t, m, s in zip(p, mom, v):
                        m.mul_(0.9).add_(0.1 * t.grad)
                        s.mul_(0.999).add_(0.001 * t.grad * t.grad)
                        lr = 1e-3 * (1 - 0.999 ** step[0]) ** 0.5 / (1 - 0.9 ** step[0])
                        t.sub_(lr * m / (torch.sqrt(s) + 1e-7))
                else:
                    for t, s in zip(p, v):
                        s.mul_(0.9).add_(0.1 * t.grad * t.grad)
                        t.sub_(1e-3 * t.grad / torch.sqrt(s + 1e-7))
            total += loss.item() * len(b)
            correct += ((logits > 0).float() == y[b]).float().sum().item()
        history["loss"].append(total / len(x)); history["accuracy"].append(correct / len(x))
        vl, va = evaluate(p, xv, yv)
        history["val_loss"].append(vl); history["val_accuracy"].append(va)
    tl, ta = evaluate(p, xt, yt)
    return {"seed": seed, "history": history, "test": {"loss": tl, "accuracy": ta}}


def main(folder, seeds):
    torch.set_num_threads(1)
    xtr, ytr, xte, yte = load_data(os.path.join(folder, "imdb.npz"))
    x, xt = pad(xtr), pad(xte)
    y, yt = torch.from_numpy(ytr), torch.from_numpy(yte)
    xv, yv, x, y = x[:VALIDATION], y[:VALIDATION], x[VALIDATION:], y[VALIDATION:]
    runs = [run(s, x, y, xv, yv, xt, yt) for s in range(seeds)]
    accuracies = [r["test"]["accuracy"] for r in runs]
    print(json.dumps({"torch": torch.__version__, "runs": runs, "test_accuracy_per_seed": accuracies,
                      "mean_test_accuracy": sum(accuracies) / len(accuracies)}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".", int(sys.argv[2]) if len(sys.argv) > 2 else 3)
