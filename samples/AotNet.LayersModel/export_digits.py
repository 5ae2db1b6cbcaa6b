#!/usr/bin/python3
"""Writes digits_train.csv and digits_test.csv (a seeded 80/20 split) from the digits.csv.gz that Debian's
python3-sklearn ships (sklearn.datasets.load_digits: 1797 8x8 images of handwritten digits, pixel values 0-16), with
named columns p0..p63 and the digit as the label: the data of the AotNet.LayersModel sample and its test.
Usage: export_digits.py OUT_DIR"""
import csv
import gzip
import os
import sys

import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def main(out):
    with gzip.open(SOURCE, "rt", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    order = np.random.RandomState(42).permutation(len(rows))
    test = set(order[: len(rows) // 5].tolist())
    for name, keep in (("digits_train.csv", lambda i: i not in test), ("digits_test.csv", lambda i: i in test)):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([f"p{i}" for i in range(64)] + ["digit"])
            w.writerows([*(str(int(float(v))) for v in r[:64]), str(int(float(r[64])))] for i, r in enumerate(rows) if keep(i))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
