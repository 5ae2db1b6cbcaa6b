#!/usr/bin/env python3
"""The AotNet benchmark grid (bench/README.md) in PyTorch, for the ratio AotNet time / PyTorch time.

    /usr/bin/python3 bench/peers/torch_grid.py [--threads 1,2] [--batches 1,16,32,128,512,2048]
        [--topologies mlp784,...] [--budget 1.5] [--json FILE] [--peers-dir DIR]

Same topologies, epoch rows, synthetic data shapes and cell procedure as bench/AotNet.Grid (GridTopologies.cs,
GridCell.cs):
  * probe epochs over max(2*batch, 64) rows give the time per row; the cell times the whole epoch when it fits in
    budget/3 seconds, else as many whole batches as fit (at least one), and scales linearly to the epoch's rows;
  * one warm epoch, then R >= 3 timed epochs (about `budget` seconds); s/epoch = median x epoch rows / rows timed;
  * GFLOP/s with AotNet's formula (dense layers, forward 2*in*out, backward 4*in*out, the first layer 2*in*out;
    multi-hot first layer counted as 120 active inputs even though PyTorch multiplies the dense 0/1 matrix);
  * cores busy = process CPU time / wall time of the timed epochs (well under 1: the machine was busy elsewhere).
Keras 3 rules from ../shared/peers/torch_seed.py (MLP: glorot_uniform kernels [in, out], zero biases, addmm + relu;
RMSprop with eps inside the square root; cross-entropies from probabilities, clipped as Keras's torch backend does);
Adam with Keras defaults (lr 1e-3, beta 0.9/0.999, eps 1e-7 added to sqrt(v), alpha = lr*sqrt(1-b2^t)/(1-b1^t));
SGD lr 1e-2. An epoch is what Keras's fit does per epoch without validation: a fresh permutation, batches of
shuffled rows gathered from the data, forward, loss, backward, step, the batch-weighted loss sum.
Multi-hot rows are dense float32 0/1 tensors, as torch_seed.py and the tutorial vectorise them.
"""
import argparse
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_ACTIVE, MAX_ACTIVE = 80, 160
MIN_REPEATS, MAX_REPEATS = 3, 1000
SEED = 20261201

# key, title, sizes, output, optimizer, epoch rows, input ("dense", "multihot", "tokens"), model ("mlp", "bn", "embed")
# (as GridTopologies.cs). "bn": a BatchNorm1d (Keras 3: momentum 0.99 = PyTorch's 0.01, eps 1e-3) after each hidden
# Dense, before its relu. "embed": sizes[0] token ids per row → Embedding(10000, sizes[1]) → masked mean → the Dense stack.
VOCABULARY, MIN_TOKENS = 10000, 64
TOPOLOGIES = [
    ("mlp784", "784→512→512→10 softmax, Adam", [784, 512, 512, 10], "softmax", "adam", 60_000, "dense", "mlp"),
    ("mlp256", "256→128→128→10 softmax, RMSprop", [256, 128, 128, 10], "softmax", "rmsprop", 20_000, "dense", "mlp"),
    ("wide2000", "2000→256→1 sigmoid, SGD", [2000, 256, 1], "sigmoid", "sgd", 10_000, "dense", "mlp"),
    ("tab30", "30→32→16→2 softmax, Adam", [30, 32, 16, 2], "softmax", "adam", 455, "dense", "mlp"),
    ("imdb", "IMDB 10000 multi-hot→16→16→1 sigmoid, RMSprop", [10000, 16, 16, 1], "sigmoid", "rmsprop", 15_000, "multihot", "mlp"),
    ("reuters", "Reuters 10000 multi-hot→64→64→46 softmax, RMSprop", [10000, 64, 64, 46], "softmax", "rmsprop", 7_982, "multihot", "mlp"),
    ("boston", "Boston 13→64→64→1 mse, RMSprop", [13, 64, 64, 1], "linear", "rmsprop", 323, "dense", "mlp"),
    ("bnmlp", "784→256 BN relu→256 BN relu→10 softmax, Adam", [784, 256, 256, 10], "softmax", "adam", 60_000, "dense", "bn"),
    ("embed", "IMDB 256 tokens→Embedding(10000,16, mask)→avg→16→1 sigmoid, RMSprop", [256, 16, 16, 1], "sigmoid", "rmsprop", 15_000, "tokens", "embed"),
]


def flops_per_row(sizes, input_kind):
    """AotNet's formula (GridTopology.FlopsPerRow): dense layers only; after an embedding every Dense has an input gradient."""
    if input_kind == "tokens":
        sizes = sizes[1:]
    total = 0.0
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i == 0 and input_kind == "multihot":
            n_in = (MIN_ACTIVE + MAX_ACTIVE) / 2
        total += (4 if i == 0 and input_kind != "tokens" else 6) * n_in * n_out
    return total


class BatchNormMLP:
    """Dense (Keras layout, glorot_uniform, zero bias) → BatchNorm1d → relu per hidden layer; the output layer's logits."""

    def __init__(self, sizes, gen):
        self.dense = MLPParams(sizes, gen)
        self.norms = [torch.nn.BatchNorm1d(n, eps=1e-3, momentum=0.01) for n in sizes[1:-1]]
        self.params = self.dense + [p for bn in self.norms for p in (bn.weight, bn.bias)]

    def __call__(self, x):
        n = len(self.dense) // 2
        for i in range(n):
            x = torch.addmm(self.dense[2 * i + 1], x, self.dense[2 * i])
            if i < n - 1:
                x = torch.relu(self.norms[i](x))
        return x


class EmbeddingNet:
    """ids → nn.Embedding (Keras's uniform(-0.05, 0.05), dense gradient: every row stepped, as Keras) → masked mean → Dense stack."""

    def __init__(self, sizes, gen):
        self.embedding = torch.nn.Embedding(VOCABULARY, sizes[1])
        with torch.no_grad():
            self.embedding.weight.copy_(torch.rand(VOCABULARY, sizes[1], generator=gen) * 0.1 - 0.05)
        self.dense = MLPParams(sizes[1:], gen)
        self.params = [self.embedding.weight] + self.dense

    def __call__(self, ids):
        mask = (ids != 0).to(torch.float32).unsqueeze(-1)
        x = (self.embedding(ids) * mask).sum(1) / mask.sum(1)
        n = len(self.dense) // 2
        for i in range(n):
            x = torch.addmm(self.dense[2 * i + 1], x, self.dense[2 * i])
            if i < n - 1:
                x = torch.relu(x)
        return x


def MLPParams(sizes, gen):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = (6.0 / (fan_in + fan_out)) ** 0.5
        w = (torch.rand(fan_in, fan_out, generator=gen) * 2.0 - 1.0) * limit
        params += [w.requires_grad_(), torch.zeros(fan_out, requires_grad=True)]
    return params


class KerasAdam:
    """Keras 3 Adam (amsgrad off): m += (g-m)(1-b1); v += (g^2-v)(1-b2); w -= alpha*m/(sqrt(v)+eps)."""

    def __init__(self, params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        g = [p.grad for p in self.params]
        alpha = self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        torch._foreach_mul_(self.m, self.b1)
        torch._foreach_add_(self.m, g, alpha=1 - self.b1)
        torch._foreach_mul_(self.v, self.b2)
        torch._foreach_addcmul_(self.v, g, g, value=1 - self.b2)
        denom = torch._foreach_sqrt(self.v)
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(self.params, self.m, denom, value=-alpha)

    def zero_grad(self):
        for p in self.params:
            p.grad = None


class KerasSgd:
    """Keras SGD without momentum: w -= lr*g."""

    def __init__(self, params, lr=1e-2):
        self.params, self.lr = params, lr

    @torch.no_grad()
    def step(self):
        torch._foreach_add_(self.params, [p.grad for p in self.params], alpha=-self.lr)

    def zero_grad(self):
        for p in self.params:
            p.grad = None


def synthesize(sizes, output, epoch_rows, input_kind):
    rng = np.random.default_rng(SEED)
    n, n_in, n_out = epoch_rows, sizes[0], sizes[-1]
    if input_kind == "tokens":  # MIN_TOKENS..n_in ids in [1, VOCABULARY), pre-padded with 0 (as GridTopologies.cs)
        x = np.zeros((n, n_in), dtype=np.int64)
        for r in range(n):
            k = int(rng.integers(MIN_TOKENS, n_in + 1))
            x[r, n_in - k:] = rng.integers(1, VOCABULARY, size=k)
    elif input_kind == "multihot":
        x = np.zeros((n, n_in), dtype=np.float32)
        for r in range(n):
            k = int(rng.integers(MIN_ACTIVE, MAX_ACTIVE + 1))
            x[r, rng.choice(n_in, size=k, replace=False)] = 1.0
    else:
        x = rng.uniform(-1.0, 1.0, size=(n, n_in)).astype(np.float32)
    if output == "softmax":
        y = np.zeros((n, n_out), dtype=np.float32)
        y[np.arange(n), rng.integers(0, n_out, size=n)] = 1.0
    elif output == "sigmoid":
        y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    else:
        y = rng.uniform(5.0, 50.0, size=(n, 1)).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


class Cell:
    def __init__(self, ts, sizes, output, optimizer, threads, seed, kind="mlp"):
        torch.set_num_threads(threads)
        self.gen = torch.Generator().manual_seed(seed)
        self.model = {"mlp": ts.MLP, "bn": BatchNormMLP, "embed": EmbeddingNet}[kind](sizes, self.gen)
        if optimizer == "adam":
            self.opt = KerasAdam(self.model.params)
        elif optimizer == "sgd":
            self.opt = KerasSgd(self.model.params)
        else:
            self.opt = ts.KerasRMSprop(self.model.params)
        if output == "softmax":
            self.loss = lambda z, y: ts.cce_loss(z, y, False).mean()
        elif output == "sigmoid":
            self.loss = lambda z, y: ts.bce_loss(z, y, False).mean()
        else:
            self.loss = lambda z, y: ((z - y) ** 2).mean()

    def epoch(self, x, y, batch):
        """One Keras fit epoch (no validation); returns its wall seconds."""
        start = time.perf_counter()
        n = x.shape[0]
        perm = torch.randperm(n, generator=self.gen)
        loss_sum = torch.zeros(())
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            loss = self.loss(self.model(x[idx]), y[idx])
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            loss_sum += loss.detach() * idx.shape[0]
        epoch_loss = loss_sum.item() / n
        seconds = time.perf_counter() - start
        if not math.isfinite(epoch_loss):
            raise FloatingPointError(f"the training loss is {epoch_loss}")
        return seconds


def measure(ts, topology, data, batch, threads, budget, seed):
    key, _, sizes, output, optimizer, epoch_rows, input_kind, kind = topology
    x, y = data
    cell = Cell(ts, sizes, output, optimizer, threads, seed, kind)
    probe_rows = min(epoch_rows, max(2 * batch, 64))
    probe_seconds = cell.epoch(x[:probe_rows], y[:probe_rows], batch)
    if probe_seconds < budget / 10:
        probe_seconds = cell.epoch(x[:probe_rows], y[:probe_rows], batch)
    per_row = max(probe_seconds, 1e-7) / probe_rows
    rows = epoch_rows
    if per_row * rows > budget / MIN_REPEATS:
        rows = int(budget / MIN_REPEATS / per_row) // batch * batch
        rows = max(min(batch, epoch_rows), min(rows, epoch_rows))
    repeats = max(MIN_REPEATS, min(MAX_REPEATS, math.ceil(budget / (per_row * rows))))
    xs, ys = x[:rows], y[:rows]
    cell.epoch(xs, ys, batch)  # warm, as AotNet's discarded first epoch
    cpu, wall = cpu_seconds(), time.perf_counter()
    times = sorted(cell.epoch(xs, ys, batch) for _ in range(repeats))
    busy = (cpu_seconds() - cpu) / (time.perf_counter() - wall)
    median = statistics.median(times)
    scale = epoch_rows / rows
    return {"topology": key, "batch": batch, "threads": threads, "epoch_rows": epoch_rows, "timed_rows": rows,
            "timed_epochs": repeats, "s_per_epoch": median * scale, "s_per_epoch_min": times[0] * scale,
            "s_per_epoch_max": times[-1] * scale, "gflops": flops_per_row(sizes, input_kind) * rows / median / 1e9, "cores_busy": busy}


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def fmt_seconds(s):
    for limit, digits in ((100, 0), (10, 1), (1, 2), (0.1, 3), (0.01, 4)):
        if s >= limit:
            return f"{s:.{digits}f}"
    return f"{s:.5f}"


def blas_library():
    """The BLAS shared library this process mapped (Debian's torch links libblas.so.3, an alternatives link)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    try:
        with open("/proc/self/maps") as f:
            names = {os.path.basename(line.split()[-1]) for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(names)) or "?"
    except OSError:
        return "?"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def markdown(header, topologies, batches, threads, cells):
    out = [header, "",
           "| topology | epoch rows | batch |" + "".join(
               f" rows timed, {t}T | s/epoch, {t}T (extrapolated when rows timed < epoch rows) | GFLOP/s, {t}T | cores busy, {t}T |"
               for t in threads),
           "|---|---:|---:|" + "---:|---:|---:|---:|" * len(threads)]
    for top in topologies:
        for b in batches:
            line = f"| {top[1]} | {top[5]} | {b} |"
            for t in threads:
                c = next((c for c in cells if c["topology"] == top[0] and c["batch"] == b and c["threads"] == t), None)
                if c is None:
                    line += " | | | |"
                elif "skipped" in c:
                    line += " – | skipped | – | – |"
                else:
                    line += f" {c['timed_rows']} | {fmt_seconds(c['s_per_epoch'])} | {c['gflops']:.1f} | {c['cores_busy']:.2f} |"
            out.append(line)
    skipped = [c for c in cells if "skipped" in c]
    if skipped:
        out += ["", "Skipped cells:"] + [f"- {c['topology']} b{c['batch']} {c['threads']}T: {c['skipped']}" for c in skipped]
    return "\n".join(out) + "\n"


def int_list(text):
    values = [int(v) for v in text.split(",")]
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError("positive integers separated by commas")
    return values


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topologies", default=",".join(t[0] for t in TOPOLOGIES))
    ap.add_argument("--batches", type=int_list, default=[1, 16, 32, 128, 512, 2048])
    ap.add_argument("--threads", type=int_list, default=[1, 2])
    ap.add_argument("--budget", type=float, default=1.5, help="seconds of timed epochs per cell (default 1.5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the cells as JSON (for grid_ratios.py)")
    ap.add_argument("--peers-dir", default=os.environ.get("AOTNET_PEERS") or os.path.join(HERE, "..", "..", "..", "shared", "peers"),
                    help="folder of torch_seed.py (default ../shared/peers beside the repository, or $AOTNET_PEERS)")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.peers_dir, "torch_seed.py")):
        sys.exit(f"torch_grid.py: no torch_seed.py in {args.peers_dir}; pass --peers-dir DIR (the shared peers folder)")
    sys.path.insert(0, os.path.abspath(args.peers_dir))
    import torch_seed as ts  # noqa: E402

    by_key = {t[0]: t for t in TOPOLOGIES}
    try:
        topologies = [by_key[k] for k in args.topologies.split(",")]
    except KeyError as e:
        sys.exit(f"torch_grid.py: unknown topology {e}; known: {', '.join(by_key)}")

    load_before = loadavg()
    started = time.gmtime()
    cells = []
    if len(args.threads) > 1:
        # One fresh process per thread count, so that one count's OpenMP/OpenBLAS thread pools cannot affect the
        # other's. (Two-thread cells are still very sensitive to other load on the machine: 784-512-512-10 at batch
        # 128 took 8.7 s and 118-125 s per epoch in fresh processes minutes apart at load 2.8-5.3, 2026-12-02.)
        import subprocess
        import tempfile
        for t in args.threads:
            with tempfile.TemporaryDirectory() as tmp:
                part = os.path.join(tmp, "part.json")
                cmd = [sys.executable, os.path.abspath(__file__), "--topologies", args.topologies,
                       "--batches", ",".join(map(str, args.batches)), "--threads", str(t), "--budget", str(args.budget),
                       "--seed", str(args.seed), "--peers-dir", args.peers_dir, "--json", part]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                with open(part) as f:
                    cells += json.load(f)["cells"]
        topologies_to_run = []
    else:
        topologies_to_run = topologies
    for top in topologies_to_run:
        data = synthesize(top[2], top[3], top[5], top[6])
        for t in args.threads:
            for b in args.batches:
                try:
                    c = measure(ts, top, data, b, t, args.budget, args.seed)
                    print(f"{top[0]:<9} batch {b:4} threads {t}: {c['s_per_epoch']:9.4f} s/epoch"
                          f"{'' if c['timed_rows'] == c['epoch_rows'] else ' (from %d rows)' % c['timed_rows']},"
                          f" {c['gflops']:6.1f} GFLOP/s, {c['cores_busy']:.2f} cores busy", file=sys.stderr, flush=True)
                except Exception as e:  # a cell that fails is reported, not fatal
                    c = {"topology": top[0], "batch": b, "threads": t, "epoch_rows": top[5],
                         "skipped": f"{type(e).__name__}: {e}"}
                    print(f"{top[0]:<9} batch {b:4} threads {t}: skipped ({c['skipped']})", file=sys.stderr, flush=True)
                cells.append(c)
        del data
    header = (f"PyTorch {torch.__version__} grid, {time.strftime('%Y-%m-%d %H:%M', started)} UTC, "
              f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"BLAS: {blas_library()}; "
              f"load average before {load_before}, after {loadavg()}; budget {args.budget} s per cell")
    sys.stdout.write(markdown(header, topologies, args.batches, args.threads, cells))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tool": "pytorch", "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", started),
                       "runtime": f"PyTorch {torch.__version__}", "load_before": load_before, "load_after": loadavg(),
                       "budget_s": args.budget,
                       "topologies": {t[0]: {"title": t[1], "epoch_rows": t[5], "flops_per_row": flops_per_row(t[2], t[6])}
                                      for t in topologies},
                       "cells": cells}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
