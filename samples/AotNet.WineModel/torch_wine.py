#!/usr/bin/python3
"""PyTorch with the sample's recipe on the same split: Keras's Normalization adapted on the training rows
((x - mean) / max(sqrt(var), 1e-7), biased variance), 13 -> 16 relu -> 3 softmax, glorot_uniform kernels and zero
biases, Adam (lr 0.01, Keras's eps 1e-7), categorical cross-entropy, 100 epochs of batch 16 reshuffled every epoch.
Prints the test accuracy per seed and their mean (committed in torch_reference.json).
Usage: torch_wine.py DIR_WITH_THE_CSVS"""
import csv
import json
import os
import sys

import torch

FEATURES = 13


def load(path, classes=None):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) for v in r[:FEATURES]] for r in rows], dtype=torch.float64)
    classes = classes or sorted({r[FEATURES] for r in rows})
    y = torch.tensor([classes.index(r[FEATURES]) for r in rows])
    return x, y, classes


def run(seed, train, test):
    torch.manual_seed(seed)
    x, y, _ = train
    mean, var = x.mean(0), x.var(0, unbiased=False)
    scale = torch.clamp(var.sqrt(), min=1e-7)
    norm = lambda v: ((v - mean) / scale).float()
    model = torch.nn.Sequential(torch.nn.Linear(FEATURES, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, eps=1e-7)
    xn = norm(x)
    for _ in range(100):
        perm = torch.randperm(len(xn))
        for i in range(0, len(xn), 16):
            b = perm[i:i + 16]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xn[b]), y[b]).backward()
            opt.step()
    tx, ty, _ = test
    with torch.no_grad():
        return (model(norm(tx)).argmax(1) == ty).float().mean().item()


def main(folder):
    train = load(os.path.join(folder, "wine_train.csv"))
    test = load(os.path.join(folder, "wine_test.csv"), train[2])
    accuracies = [run(s, train, test) for s in range(5)]
    print(json.dumps({"torch": torch.__version__, "test_accuracy_per_seed": accuracies,
                      "mean_test_accuracy": sum(accuracies) / len(accuracies)}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
