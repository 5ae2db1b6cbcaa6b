#!/usr/bin/python3
"""Writes wine_train.csv and wine_test.csv (a seeded 80/20 split) from the wine_data.csv that Debian's python3-sklearn
ships, with named columns and the cultivars' class names as string labels: the data of the AotNet.WineModel sample
and its test. The features stay raw (alcohol ~13, proline ~750): the model's [Normalization] layer scales them.
Usage: export_wine.py OUT_DIR"""
import csv
import os
import sys

import numpy as np

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv"
COLUMNS = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
           "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315", "proline", "cultivar"]


def main(out):
    with open(SOURCE, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][2:]  # "178,13,class_0,class_1,class_2"
    data = [[*r[:13], names[int(r[13])]] for r in rows[1:] if r]
    order = np.random.RandomState(42).permutation(len(data))
    test = set(order[: len(data) // 5].tolist())
    for name, keep in (("wine_train.csv", lambda i: i not in test), ("wine_test.csv", lambda i: i in test)):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(COLUMNS)
            w.writerows(r for i, r in enumerate(data) if keep(i))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
