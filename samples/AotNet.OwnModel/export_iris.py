#!/usr/bin/python3
"""Writes iris_train.csv and iris_test.csv (a seeded 80/20 split) from the iris.csv that Debian's python3-sklearn
ships, with named columns and the species' names as labels: the data of the AotNet.OwnModel sample and its test.
Usage: export_iris.py OUT_DIR"""
import csv
import os
import sys

import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"
COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]


def main(out):
    with open(SOURCE, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][2:]  # "150,4,setosa,versicolor,virginica"
    data = [[*r[:4], names[int(r[4])]] for r in rows[1:] if r]
    order = np.random.RandomState(42).permutation(len(data))
    test = set(order[: len(data) // 5].tolist())
    for name, keep in (("iris_train.csv", lambda i: i not in test), ("iris_test.csv", lambda i: i in test)):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(COLUMNS)
            w.writerows(r for i, r in enumerate(data) if keep(i))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
