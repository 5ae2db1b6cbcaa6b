#!/usr/bin/python3
"""Writes a CSV of about SIZE_MB megabytes: 16 float features (6 significant digits) and a string class label.
Usage: make_csv.py OUT.csv [SIZE_MB=100]"""
import sys

import numpy as np

out, size = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
rng = np.random.RandomState(0)
labels = np.array(["alpha", "beta", "gamma", "delta"])
with open(out, "w") as f:
    f.write(",".join(f"f{i}" for i in range(16)) + ",label\n")
    while f.tell() < size * 1_000_000:
        x = rng.standard_normal((10000, 16)) * 100
        y = labels[rng.randint(0, 4, 10000)]
        f.write("".join(",".join(f"{v:.6g}" for v in row) + "," + lab + "\n" for row, lab in zip(x, y)))
