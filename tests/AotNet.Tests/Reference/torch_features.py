#!/usr/bin/env python3
"""PyTorch reference numbers for AotNet's features (issue #15, item 9).

    /usr/bin/python3 tests/AotNet.Tests/Reference/torch_features.py > tests/AotNet.Tests/Reference/torch_features.json

Needs Debian's python3-torch and python3-numpy (apt-get install -y python3-torch python3-numpy libopenblas0-openmp);
CI does not: the output is committed and tests/AotNet.Tests/Reference/TorchReferenceTests.cs reads it.

For every case below the script builds a small fixed data set and a fixed initial parameter set (numpy RandomState
with the case's seed), trains it for a few epochs with PyTorch autograd in float32 following Keras 3's rules, and
writes the case's settings, data, initial parameters, per-epoch loss (and val_loss, the model's metrics, the learning_rate
under ReduceLROnPlateau) and final parameters as JSON. Parameters are in AotNet's layout: per layer the kernel [in, out] row-major, then the bias.

Keras 3 rules written out by hand (keras/src/... in keras-team/keras):
  * fit(shuffle=False): batches in row order, the last partial batch kept; batch loss = mean over the batch's rows of
    the per-row loss (losses/loss.py, reduction "sum_over_batch_size"), plus the regularisation penalty
    l1*sum|w| + l2*sum w^2 of every regularised kernel/bias (regularizers/regularizers.py, L1L2), which is part of the
    loss that is differentiated and reported (trainers/trainer.py compute_loss adds self.losses).
  * epoch loss / metric = batch-size-weighted mean of the batch values, computed before each batch's step;
    val_loss = mean over the validation rows with the end-of-epoch weights, plus the penalty at those weights.
  * per-row losses: mse/mae/huber(delta=1) are means over the output axis (losses/losses.py); binary cross-entropy
    mean over the output axis, categorical cross-entropy summed over classes, sparse categorical cross-entropy with an
    integer label. Cross-entropies are computed from the logits of the sigmoid/softmax output layer (TensorFlow's
    backend does the same; the torch backend clips probabilities to [1e-7, 1 - 1e-7] instead, which is the same
    function as long as no probability reaches the clip: the script asserts that none does).
  * optimizers (optimizers/*.py update_step), with the gradient clipped first (base_optimizer._clip_gradients:
    clipnorm per variable, i.e. per kernel and per bias, as g*c/max(|g|, c); global_clipnorm over all variables as
    g*c*min(1/|G|, 1/c); clipvalue elementwise):
      SGD       plain w -= lr*g; momentum m = mu*m - lr*g, w += m; nesterov m = mu*m - lr*g, w += mu*m - lr*g
      RMSprop   v = rho*v + (1-rho)*g^2; w -= lr*g/sqrt(v + eps)          (eps inside the sqrt; torch's is outside)
      Adam      t = iterations+1; alpha = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)*(1-b1); v += (g^2-v)*(1-b2);
                w -= m*alpha/(sqrt(v) + eps)
    rho 0.9, beta_1 0.9, beta_2 0.999, eps 1e-7 (Keras's defaults).
  * activations: torch's gelu (approximate='none', Keras's default exact erf form), elu (alpha 1), selu (the same
    constants as Keras's), leaky_relu(negative_slope), softplus, silu, tanh, sigmoid, relu.

The initial parameters are not Keras's initialisation: kernels are glorot_uniform-shaped draws from the case's
RandomState and biases are drawn from U(-0.1, 0.1), so that every bias (and its regulariser) takes part from step 1.

Dropout is left out on purpose: AotNet's masks come from its own counter-based hash of (seed, epoch, step, row, unit),
which PyTorch does not reproduce; the scalar reference (ReferenceNetwork.cs) covers dropout.
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

KERAS_EPS = 1e-7
ACTIVATIONS = ["linear", "relu", "sigmoid", "softmax", "tanh", "gelu", "elu", "selu", "leaky_relu", "softplus", "silu"]


# ------------------------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------------------------
def layer(units, activation="linear", **kw):
    d = {"units": units, "activation": activation, "negative_slope": 0.2,
         "kernel_l1": 0.0, "kernel_l2": 0.0, "bias_l1": 0.0, "bias_l2": 0.0}
    d.update(kw)
    return d


def case(name, feature, inputs, layers, loss, optimizer, learning_rate, seed, rows=24, val_rows=8, batch_size=10,
         epochs=5, momentum=0.0, nesterov=False, clipvalue=0.0, clipnorm=0.0, global_clipnorm=0.0, metric=None,
         metrics=None, data="dense", target_scale=1.0, weight_decay=0.0, schedule=None, reduce_lr_on_plateau=None,
         sample_weights=None, class_weight=None, requires=None):
    """requires: the AotNet feature (branch) a case needs beyond what main had when it was written, or None."""
    return {"name": name, "feature": feature, "requires": requires, "inputs": inputs, "layers": layers,
            "loss": loss, "optimizer": optimizer, "learning_rate": learning_rate, "momentum": momentum,
            "nesterov": nesterov, "clipvalue": clipvalue, "clipnorm": clipnorm, "global_clipnorm": global_clipnorm,
            "weight_decay": weight_decay, "schedule": schedule, "reduce_lr_on_plateau": reduce_lr_on_plateau,
            "metrics": metrics if metrics is not None else [metric] if metric else [],
            "batch_size": batch_size, "epochs": epochs, "rows": rows, "val_rows": val_rows, "seed": seed,
            "data": data, "target_scale": target_scale, "sample_weights": sample_weights,
            "class_weight": class_weight}


def cases():
    out = []
    # hidden-layer activations: 6 -> 8 act -> 2 linear, mse, plain SGD (the step is the gradient itself)
    acts = [("relu", {}), ("gelu", {}), ("elu", {}), ("selu", {}), ("leaky_relu", {}),
            ("leaky_relu", {"negative_slope": 0.05}), ("softplus", {}), ("silu", {}), ("tanh", {}), ("sigmoid", {})]
    for i, (act, kw) in enumerate(acts):
        name = "activation_" + act + ("_slope_0.05" if kw else "")
        out.append(case(name, f"hidden {act}" + (f" negative_slope {kw['negative_slope']}" if kw else ""), 6, [layer(8, act, **kw), layer(2)], "mse", "sgd",
                        0.1, seed=100 + i, metric="mae"))
    # losses
    out.append(case("loss_mse", "mean squared error, RMSprop", 6, [layer(8, "tanh"), layer(3)], "mse", "rmsprop",
                    0.01, seed=200, metric="mae"))
    out.append(case("loss_mae", "mean absolute error as the loss, SGD", 6, [layer(8, "relu"), layer(2)], "mae", "sgd",
                    0.1, seed=201, metric="mae"))
    out.append(case("loss_huber", "Huber (delta 1), errors on both sides of delta, Adam", 6,
                    [layer(8, "relu"), layer(3)], "huber", "adam", 0.01, seed=202, target_scale=3.0))
    out.append(case("loss_binary_crossentropy", "binary cross-entropy from a sigmoid, RMSprop", 6,
                    [layer(8, "tanh"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop", 0.01, seed=203,
                    metric="accuracy"))
    out.append(case("loss_categorical_crossentropy", "categorical cross-entropy (one-hot), Adam", 6,
                    [layer(8, "relu"), layer(4, "softmax")], "categorical_crossentropy", "adam", 0.01, seed=204,
                    metric="accuracy"))
    out.append(case("loss_sparse_categorical_crossentropy", "sparse categorical cross-entropy (integer labels), Adam",
                    6, [layer(8, "relu"), layer(4, "softmax")], "sparse_categorical_crossentropy", "adam", 0.01,
                    seed=205, metric="accuracy"))
    # regularisers (SGD: the penalty's gradient goes straight into the step)
    out.append(case("regularizer_kernel_l1", "L1 on kernels", 6, [layer(8, "tanh", kernel_l1=0.01),
                                                                 layer(2, kernel_l1=0.02)], "mse", "sgd", 0.1,
                    seed=300))
    out.append(case("regularizer_kernel_l2", "L2 on kernels", 6, [layer(8, "tanh", kernel_l2=0.02),
                                                                 layer(2, kernel_l2=0.05)], "mse", "sgd", 0.1,
                    seed=301))
    out.append(case("regularizer_bias_l1", "L1 on biases", 6, [layer(8, "tanh", bias_l1=0.02),
                                                              layer(2, bias_l1=0.05)], "mse", "sgd", 0.1, seed=302))
    out.append(case("regularizer_bias_l2", "L2 on biases", 6, [layer(8, "tanh", bias_l2=0.05),
                                                              layer(2, bias_l2=0.1)], "mse", "sgd", 0.1, seed=303))
    out.append(case("regularizer_l1_l2_adam", "L1 and L2 on kernel and bias together, Adam", 6,
                    [layer(8, "relu", kernel_l1=0.01, kernel_l2=0.01, bias_l1=0.01, bias_l2=0.01),
                     layer(2, kernel_l2=0.02)], "mse", "adam", 0.01, seed=304, metric="mae"))
    # optimizers on 6 -> 8 tanh -> 2, mse
    net = [layer(8, "tanh"), layer(2)]
    out.append(case("optimizer_sgd", "SGD", 6, net, "mse", "sgd", 0.05, seed=400))
    out.append(case("optimizer_sgd_momentum", "SGD momentum 0.9", 6, net, "mse", "sgd", 0.05, seed=401,
                    momentum=0.9))
    out.append(case("optimizer_sgd_nesterov", "SGD Nesterov momentum 0.9", 6, net, "mse", "sgd", 0.05, seed=402,
                    momentum=0.9, nesterov=True))
    out.append(case("optimizer_rmsprop", "RMSprop", 6, net, "mse", "rmsprop", 0.005, seed=403))
    out.append(case("optimizer_adam", "Adam", 6, net, "mse", "adam", 0.01, seed=404))
    # gradient clipping (targets x10: large gradients, so that clipping bites; the limits are chosen so that some
    # elements / variables / steps are clipped and others are not: the script asserts both happen)
    out.append(case("clip_value", "clipvalue 0.5 with Adam", 6, net, "mse", "adam", 0.01, seed=500,
                    clipvalue=0.5, target_scale=10.0))
    out.append(case("clip_norm", "clipnorm 3 per variable, SGD momentum 0.5, L2 on the first kernel", 6,
                    [layer(8, "tanh", kernel_l2=0.01), layer(2)], "mse", "sgd", 0.05, seed=501, momentum=0.5,
                    clipnorm=3.0, target_scale=10.0))
    out.append(case("clip_global_norm", "global_clipnorm 13, RMSprop", 6, net, "mse", "rmsprop", 0.01, seed=502,
                    global_clipnorm=13.0, target_scale=10.0))
    # multi-hot (0/1, sparse-looking) inputs: AotNet keeps them as CSR and takes the row-wise first-kernel step
    out.append(case("multi_hot_rmsprop", "multi-hot inputs (CSR), binary cross-entropy, RMSprop", 40,
                    [layer(8, "relu"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop", 0.01, seed=600,
                    data="multi_hot", metric="accuracy"))
    out.append(case("multi_hot_adam_l2", "multi-hot inputs (CSR), L2 on the first kernel, softmax, Adam", 40,
                    [layer(8, "relu", kernel_l2=0.01), layer(3, "softmax")], "categorical_crossentropy", "adam", 0.01,
                    seed=601, data="multi_hot", metric="accuracy"))
    # shapes that take other code paths
    out.append(case("batch_size_1", "batch size 1 (the fused one-row step), RMSprop", 4,
                    [layer(8, "relu"), layer(1)], "mse", "rmsprop", 0.01, seed=700, rows=12, val_rows=4,
                    batch_size=1, epochs=3, metric="mae"))
    out.append(case("wide_deep", "three hidden layers, one 70 units wide (tiles), Adam", 10,
                    [layer(70, "gelu"), layer(9, "elu"), layer(6, "silu"), layer(2, "softplus")], "mse", "adam",
                    0.005, seed=701, epochs=4))
    out.append(case("batch_over_256_rows", "a 300-row batch (two 256-row chunks), Adam", 6,
                    [layer(8, "tanh"), layer(3, "softmax")], "categorical_crossentropy", "adam", 0.01, seed=702,
                    rows=300, val_rows=50, batch_size=300, epochs=4, metric="accuracy"))
    out += next_cases()
    return out


def next_cases():
    """Features of issue #15 written on other branches at the time: weight decay / AdamW and learning-rate schedules
    (branch opt), sample and class weights (branch weights), several metrics (branch metrics)."""
    out = []
    net = [layer(8, "tanh"), layer(2)]
    # AdamW / weight decay (base_optimizer._apply_weight_decay: w -= w*wd*lr on every variable, after clipping, before
    # the update)
    out.append(case("optimizer_adamw", "AdamW, weight_decay 0.05", 6, net, "mse", "adamw", 0.01, seed=800,
                    weight_decay=0.05, requires="opt"))
    out.append(case("optimizer_adamw_default_decay_clipped", "AdamW with Keras's default weight_decay 0.004 and "
                    "global_clipnorm 13 (decay after clipping)", 6, net, "mse", "adamw", 0.01, seed=801,
                    weight_decay=0.004, global_clipnorm=13.0, target_scale=10.0, requires="opt"))
    out.append(case("optimizer_sgd_weight_decay", "SGD momentum 0.9 with weight_decay 0.1", 6, net, "mse", "sgd",
                    0.05, seed=802, momentum=0.9, weight_decay=0.1, requires="opt"))
    # learning-rate schedules: the rate of a step is schedule(iterations), iterations = steps taken before it
    out.append(case("schedule_exponential_decay", "ExponentialDecay(0.1, 3, 0.5), SGD", 6, net, "mse", "sgd", 0.1,
                    seed=810, schedule={"type": "exponential_decay", "initial_learning_rate": 0.1, "decay_steps": 3,
                                        "decay_rate": 0.5, "staircase": False}, requires="opt"))
    out.append(case("schedule_exponential_decay_staircase", "ExponentialDecay(0.1, 4, 0.5, staircase), SGD momentum",
                    6, net, "mse", "sgd", 0.1, seed=811, momentum=0.5,
                    schedule={"type": "exponential_decay", "initial_learning_rate": 0.1, "decay_steps": 4,
                              "decay_rate": 0.5, "staircase": True}, requires="opt"))
    out.append(case("schedule_cosine_decay", "CosineDecay(0.02, 10, alpha 0.1), Adam (steps past decay_steps)", 6,
                    net, "mse", "adam", 0.02, seed=812,
                    schedule={"type": "cosine_decay", "initial_learning_rate": 0.02, "decay_steps": 10, "alpha": 0.1,
                              "warmup_target": None, "warmup_steps": 0}, requires="opt"))
    out.append(case("schedule_cosine_decay_warmup", "CosineDecay(0.001, 8, warmup_target 0.02, warmup_steps 4), "
                    "AdamW", 6, net, "mse", "adamw", 0.001, seed=813, weight_decay=0.05,
                    schedule={"type": "cosine_decay", "initial_learning_rate": 0.001, "decay_steps": 8, "alpha": 0.0,
                              "warmup_target": 0.02, "warmup_steps": 4}, requires="opt"))
    out.append(case("schedule_piecewise_constant", "PiecewiseConstantDecay([4, 9], [0.1, 0.05, 0.01]), RMSprop", 6,
                    net, "mse", "rmsprop", 0.1, seed=814,
                    schedule={"type": "piecewise_constant_decay", "boundaries": [4, 9], "values": [0.1, 0.05, 0.01]},
                    requires="opt"))
    out.append(case("reduce_lr_on_plateau", "ReduceLROnPlateau(val_loss, factor 0.5, patience 1), SGD", 6, net,
                    "mse", "sgd", 0.3, seed=815, epochs=8,
                    reduce_lr_on_plateau={"monitor": "val_loss", "factor": 0.5, "patience": 1, "min_delta": 1e-4,
                                          "cooldown": 0, "min_lr": 0.0}, requires="opt"))
    # sample weights (losses/loss.py reduce_weighted_values: sum(w*l) / rows) and class weights
    # (data_adapter_utils.class_weight_to_sample_weights; training rows only); compiled metrics stay unweighted
    out.append(case("sample_weights_mse", "sample weights (some 0) on training and validation rows, mse, SGD", 6, net,
                    "mse", "sgd", 0.1, seed=820, sample_weights="train+val", metric="mae", requires="weights"))
    out.append(case("sample_weights_binary_crossentropy", "sample weights, binary cross-entropy, RMSprop", 6,
                    [layer(8, "relu"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop", 0.01, seed=821,
                    sample_weights="train", metric="accuracy", requires="weights"))
    out.append(case("sample_weights_batch_size_1", "sample weights with batch size 1 (the fused one-row step)", 4,
                    [layer(8, "relu"), layer(1)], "mse", "rmsprop", 0.01, seed=822, rows=12, val_rows=4,
                    batch_size=1, epochs=3, sample_weights="train", requires="weights"))
    out.append(case("sample_weights_multi_hot", "sample weights on multi-hot inputs (row-wise first-kernel step)", 40,
                    [layer(8, "relu"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop", 0.01, seed=823,
                    data="multi_hot", sample_weights="train", requires="weights"))
    out.append(case("class_weight_categorical", "class_weight {0: 1, 1: 3, 2: 0.5} (class 3 absent: 1), "
                    "categorical cross-entropy, Adam", 6, [layer(8, "relu"), layer(4, "softmax")],
                    "categorical_crossentropy", "adam", 0.01, seed=830, class_weight={"0": 1.0, "1": 3.0, "2": 0.5},
                    metric="accuracy", requires="weights"))
    out.append(case("class_weight_sparse", "class_weight {1: 2.5, 3: 0.25}, sparse categorical cross-entropy, SGD",
                    6, [layer(8, "tanh"), layer(4, "softmax")], "sparse_categorical_crossentropy", "sgd", 0.1,
                    seed=831, class_weight={"1": 2.5, "3": 0.25}, requires="weights"))
    out.append(case("class_weight_binary", "class_weight {0: 0.3, 1: 2} on one sigmoid unit, RMSprop", 6,
                    [layer(8, "relu"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop", 0.01, seed=832,
                    class_weight={"0": 0.3, "1": 2.0}, requires="weights"))
    # several metrics (accumulated over the epoch's batches as Keras's stateful metrics are)
    out.append(case("metrics_binary", "accuracy, AUC (200 thresholds, interpolated ROC), precision, recall, mse on "
                    "a sigmoid output", 6, [layer(8, "tanh"), layer(1, "sigmoid")], "binary_crossentropy", "rmsprop",
                    0.01, seed=840, rows=40, val_rows=20, metrics=["accuracy", "mse", "auc", "precision", "recall"],
                    requires="metrics"))
    out.append(case("metrics_regression", "mae and mse metrics on a regression output", 6, net, "mse", "adam", 0.01,
                    seed=841, metrics=["mae", "mse"], requires="metrics"))
    out.append(case("metrics_with_sample_weights", "auc, precision, recall with sample weights (metrics unweighted)",
                    6, [layer(8, "relu"), layer(1, "sigmoid")], "binary_crossentropy", "adam", 0.01, seed=842,
                    rows=40, val_rows=20, sample_weights="train", metrics=["auc", "precision", "recall"],
                    requires="metrics+weights"))
    return out


# ------------------------------------------------------------------------------------------------------------------
# Data and initial parameters
# ------------------------------------------------------------------------------------------------------------------
def make_data(c, rng):
    n = c["rows"] + c["val_rows"]
    d_in, d_out = c["inputs"], c["layers"][-1]["units"]
    if c["data"] == "multi_hot":
        x = (rng.random_sample((n, d_in)) < 0.15).astype(np.float32)
        x[:, 0] = 1.0  # no empty row
    else:
        x = rng.standard_normal((n, d_in)).astype(np.float32)
    teacher = rng.standard_normal((d_in, d_out)) / math.sqrt(d_in)
    z = x.astype(np.float64) @ teacher + 0.3 * rng.standard_normal((n, d_out))
    loss = c["loss"]
    if loss == "binary_crossentropy":
        y = (z > 0).astype(np.float32)
    elif loss == "categorical_crossentropy":
        y = np.eye(d_out, dtype=np.float32)[z.argmax(1)]
    elif loss == "sparse_categorical_crossentropy":
        y = z.argmax(1).astype(np.float32)[:, None]
    else:
        y = (np.tanh(z) * c["target_scale"]).astype(np.float32)
    return x, y


def make_sample_weights(c, rng):
    """Per-row weights from {0, 0.5, 1, 2.5} for the rows the case weights (None for the others)."""
    spec = c["sample_weights"]
    if not spec:
        return None, None
    w = rng.choice(np.array([0.0, 0.5, 1.0, 2.5], dtype=np.float32), c["rows"] + c["val_rows"])
    w[0] = 0.0  # at least one row that does not count
    return w[:c["rows"]], (w[c["rows"]:] if spec == "train+val" else None)


def class_weights(c, y):
    """Keras 3's class_weight_to_sample_weights: the class is argmax of a one-hot row, else the one column rounded."""
    cw = {int(k): v for k, v in c["class_weight"].items()}
    labels = y.argmax(-1) if y.shape[1] != 1 else np.round(y[:, 0]).astype(np.int32)
    return np.array([cw.get(int(l), 1.0) for l in labels], dtype=np.float32)


def make_parameters(c, rng):
    params = []
    fan_in = c["inputs"]
    for l in c["layers"]:
        limit = math.sqrt(6.0 / (fan_in + l["units"]))
        params.append(rng.uniform(-limit, limit, (fan_in, l["units"])).astype(np.float32))
        params.append(rng.uniform(-0.1, 0.1, l["units"]).astype(np.float32))
        fan_in = l["units"]
    return params


# ------------------------------------------------------------------------------------------------------------------
# Model, loss, optimizers
# ------------------------------------------------------------------------------------------------------------------
def activate(x, l):
    a = l["activation"]
    if a in ("linear", "softmax"):  # softmax: fused with the cross-entropy (logits are returned)
        return x
    if a == "sigmoid":
        return torch.sigmoid(x)
    if a == "relu":
        return torch.relu(x)
    if a == "tanh":
        return torch.tanh(x)
    if a == "gelu":
        return F.gelu(x, approximate="none")
    if a == "elu":
        return F.elu(x, alpha=1.0)
    if a == "selu":
        return F.selu(x)
    if a == "leaky_relu":
        return F.leaky_relu(x, negative_slope=l["negative_slope"])
    if a == "softplus":
        return F.softplus(x)
    if a == "silu":
        return F.silu(x)
    raise ValueError(a)


def forward(c, params, x):
    """Returns the last layer's pre-activation when the loss is a cross-entropy (logits), else its activation."""
    n = len(c["layers"])
    for i, l in enumerate(c["layers"]):
        x = torch.addmm(params[2 * i + 1], x, params[2 * i])
        if i < n - 1 or c["loss"] not in CROSS_ENTROPIES:
            x = activate(x, l)
    return x


CROSS_ENTROPIES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")


def per_row_loss(c, out, y):
    loss = c["loss"]
    if loss == "mse":
        return ((out - y) ** 2).mean(-1)
    if loss == "mae":
        return (out - y).abs().mean(-1)
    if loss == "huber":
        e = out - y
        a = e.abs()
        return torch.where(a <= 1.0, 0.5 * e * e, a - 0.5).mean(-1)
    if loss == "binary_crossentropy":
        p = torch.sigmoid(out)
        assert float(p.min()) > KERAS_EPS and float(p.max()) < 1 - KERAS_EPS, "a probability reached Keras's clip"
        return F.binary_cross_entropy_with_logits(out, y, reduction="none").mean(-1)
    logp = torch.log_softmax(out, dim=-1)
    assert float(logp.exp().min()) > KERAS_EPS, "a probability reached Keras's clip"
    if loss == "categorical_crossentropy":
        return -(y * logp).sum(-1)
    if loss == "sparse_categorical_crossentropy":
        return -logp.gather(1, y.long()).squeeze(1)
    raise ValueError(loss)


def prediction(c, out):
    """What Keras's metrics see: the model's output (probabilities after a sigmoid/softmax output)."""
    if c["loss"] == "binary_crossentropy":
        return torch.sigmoid(out)
    if c["loss"] in CROSS_ENTROPIES:
        return torch.softmax(out, dim=-1)
    return out


class MetricState:
    """One Keras metric over an epoch (reset at its start): means for accuracy/mae/mse (MeanMetricWrapper), confusion
    counts for AUC (200 evenly spaced thresholds), precision and recall (threshold 0.5); no sample weights (Keras 3's
    compiled `metrics` are unweighted)."""

    def __init__(self, c, name):
        self.c, self.name = c, name
        self.sum, self.count = 0.0, 0
        self.tp = np.zeros(200)
        self.fp = np.zeros(200)
        self.pos, self.neg = 0.0, 0.0

    def update(self, out, y):
        c, m = self.c, self.name
        out = out.detach()
        p = prediction(c, out)
        if m in ("accuracy", "mae", "mse"):
            if m == "mae":
                v = (p - y).abs().mean(-1)
            elif m == "mse":
                v = ((p - y) ** 2).mean(-1)
            elif c["loss"] == "binary_crossentropy":
                v = ((out > 0).float() == y).float().mean(-1)  # binary_accuracy: sigmoid(z) > 0.5
            else:
                labels = y[:, 0].long() if c["loss"] == "sparse_categorical_crossentropy" else y.argmax(-1)
                v = (out.argmax(-1) == labels).float()
            self.sum += float(v.double().sum())
            self.count += len(v)
            return
        assert p.shape[1] == 1, "auc/precision/recall on one output unit"
        p = p[:, 0].numpy().astype(np.float32)
        t = (y[:, 0].numpy() != 0).astype(np.float64)  # y_true cast to bool
        if m == "auc":
            # metrics_utils._update_confusion_matrix_variables_optimized with thresholds_with_epsilon
            b = np.ceil(np.clip(p, 0, 1) * np.float32(199)).astype(np.int64) - 1
            b = np.maximum(b, 0)
            tpb = np.bincount(b, weights=t, minlength=200)
            fpb = np.bincount(b, weights=1 - t, minlength=200)
            self.tp += np.cumsum(tpb[::-1])[::-1]
            self.fp += np.cumsum(fpb[::-1])[::-1]
        else:
            pred = p > 0.5
            self.tp[0] += float((pred * t).sum())
            self.fp[0] += float((pred * (1 - t)).sum())
        self.pos += float(t.sum())
        self.neg += float((1 - t).sum())

    def result(self):
        m = self.name
        if m in ("accuracy", "mae", "mse"):
            return self.sum / self.count

        def div(a, b):
            return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)  # divide_no_nan

        if m == "precision":
            return float(div(self.tp[0], self.tp[0] + self.fp[0]))
        if m == "recall":
            return float(div(self.tp[0], self.pos))
        # AUC.result, ROC with interpolation (float32 as Keras's variables)
        tp, fp = self.tp.astype(np.float32), self.fp.astype(np.float32)
        fn, tn = np.float32(self.pos) - tp, np.float32(self.neg) - fp
        tpr = div(tp, tp + fn).astype(np.float32)
        fpr = div(fp, fp + tn).astype(np.float32)
        heights = (tpr[:-1] + tpr[1:]) / np.float32(2)
        return float(np.sum((fpr[:-1] - fpr[1:]) * heights, dtype=np.float32))


def penalty(c, params):
    total = torch.zeros((), dtype=torch.float32)
    for i, l in enumerate(c["layers"]):
        k, b = params[2 * i], params[2 * i + 1]
        if l["kernel_l1"]:
            total = total + l["kernel_l1"] * k.abs().sum()
        if l["kernel_l2"]:
            total = total + l["kernel_l2"] * (k * k).sum()
        if l["bias_l1"]:
            total = total + l["bias_l1"] * b.abs().sum()
        if l["bias_l2"]:
            total = total + l["bias_l2"] * (b * b).sum()
    return total


class KerasOptimizer:
    def __init__(self, c, params):
        self.c, self.params, self.iterations = c, params, 0
        self.learning_rate, self.rates = c["learning_rate"], []
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.clipped, self.unclipped = 0, 0  # clipped / unclipped elements, variables or steps

    def count(self, clipped, total):
        self.clipped += clipped
        self.unclipped += total - clipped

    def clip(self, grads):
        c = self.c
        if c["clipnorm"] > 0:
            out = []
            for g in grads:
                norm = torch.sqrt((g * g).sum())
                self.count(int(float(norm) > c["clipnorm"]), 1)
                out.append(g * c["clipnorm"] / torch.clamp(norm, min=c["clipnorm"]))
            return out
        if c["global_clipnorm"] > 0:
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            self.count(int(float(norm) > c["global_clipnorm"]), 1)
            scale = c["global_clipnorm"] * torch.clamp(1.0 / norm, max=1.0 / c["global_clipnorm"])
            return [g * scale for g in grads]
        if c["clipvalue"] > 0:
            v = c["clipvalue"]
            for g in grads:
                self.count(int((g.abs() > v).sum()), g.numel())
            return [torch.clamp(g, -v, v) for g in grads]
        return grads

    def current_learning_rate(self):
        """The step's rate, a float32 as Keras's: schedule(iterations), else the (ReduceLROnPlateau-set) variable."""
        if self.c["schedule"]:
            return float(np.float32(schedule(self.c["schedule"], self.iterations)))
        return float(np.float32(self.learning_rate))

    @torch.no_grad()
    def step(self):
        c = self.c
        grads = self.clip([p.grad for p in self.params])
        lr = self.current_learning_rate()
        self.rates.append(lr)
        if c["weight_decay"]:
            for p in self.params:  # base_optimizer._apply_weight_decay
                p.copy_(p - p * np.float32(c["weight_decay"]) * np.float32(lr))
        t = self.iterations + 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            if c["optimizer"] == "sgd":
                if c["momentum"] != 0:
                    m.copy_(m * c["momentum"] - g * lr)
                    if c["nesterov"]:
                        p.add_(m * c["momentum"] - g * lr)
                    else:
                        p.add_(m)
                else:
                    p.sub_(g * lr)
            elif c["optimizer"] == "rmsprop":
                rho = 0.9
                v.copy_(rho * v + (1 - rho) * (g * g))
                p.sub_(lr * g / torch.sqrt(v + KERAS_EPS))
            elif c["optimizer"] in ("adam", "adamw"):
                b1, b2 = 0.9, 0.999
                b1p = torch.tensor(b1, dtype=torch.float32) ** t
                b2p = torch.tensor(b2, dtype=torch.float32) ** t
                alpha = lr * torch.sqrt(1 - b2p) / (1 - b1p)
                m.add_((g - m) * (1 - b1))
                v.add_((g * g - v) * (1 - b2))
                p.sub_((m * alpha) / (torch.sqrt(v) + KERAS_EPS))
            else:
                raise ValueError(c["optimizer"])
        self.iterations += 1
        for p in self.params:
            p.grad = None


def schedule(s, step):
    """keras/src/optimizers/schedules/learning_rate_schedule.py, in double."""
    if s["type"] == "exponential_decay":
        p = step / s["decay_steps"]
        if s["staircase"]:
            p = math.floor(p)
        return s["initial_learning_rate"] * s["decay_rate"] ** p
    if s["type"] == "cosine_decay":
        def decay(st, from_lr):
            cosine = 0.5 * (1.0 + math.cos(math.pi * st / s["decay_steps"]))
            return from_lr * ((1 - s["alpha"]) * cosine + s["alpha"])
        if s["warmup_target"] is None:
            return decay(min(step, s["decay_steps"]), s["initial_learning_rate"])
        st = min(step, s["decay_steps"] + s["warmup_steps"])
        if st < s["warmup_steps"]:
            return (s["warmup_target"] - s["initial_learning_rate"]) * (st / s["warmup_steps"]) + s["initial_learning_rate"]
        return decay(st - s["warmup_steps"], s["warmup_target"])
    if s["type"] == "piecewise_constant_decay":
        for boundary, value in zip(s["boundaries"], s["values"]):
            if step <= boundary:
                return value
        return s["values"][-1]
    raise ValueError(s["type"])


class Plateau:
    """keras/src/callbacks/reduce_lr_on_plateau.py on_epoch_end (mode auto: min for a loss)."""

    def __init__(self, r):
        self.r, self.best, self.wait, self.cooldown_counter, self.reductions = r, math.inf, 0, 0, 0

    def on_epoch_end(self, current, opt):
        r = self.r
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if current < self.best - abs(r["min_delta"]):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= r["patience"]:
                old = float(np.float32(opt.learning_rate))
                if old > np.float32(r["min_lr"]):
                    opt.learning_rate = float(np.float32(max(old * r["factor"], r["min_lr"])))
                    self.cooldown_counter, self.wait = r["cooldown"], 0
                    self.reductions += 1


# ------------------------------------------------------------------------------------------------------------------
# Training
# ------------------------------------------------------------------------------------------------------------------
def batch_loss(c, params, out, y, w):
    """Keras: sum(w_i * l_i) / rows (sum_over_batch_size) plus the penalty."""
    rows = per_row_loss(c, out, y)
    mean = rows.mean() if w is None else (rows * w).sum() / len(rows)
    return mean + penalty(c, params)


def evaluate(c, params, x, y, w):
    """Keras's evaluate over the validation rows in one batch (the batch-size-weighted mean of batch losses is the
    same mean up to rounding)."""
    with torch.no_grad():
        out = forward(c, params, x)
        loss = float(batch_loss(c, params, out, y, w))
        metrics = {}
        for name in c["metrics"]:
            state = MetricState(c, name)
            state.update(out, y)
            metrics[name] = state.result()
    return loss, metrics


def run(c):
    rng = np.random.RandomState(c["seed"])
    x, y = make_data(c, rng)
    init = make_parameters(c, rng)
    sw, sw_val = make_sample_weights(c, rng)
    n = c["rows"]
    if c["class_weight"]:
        assert sw is None, "Keras refuses class_weight together with sample_weight"
        train_weights = class_weights(c, y[:n])
    else:
        train_weights = sw
    xt, yt = torch.from_numpy(x[:n]), torch.from_numpy(y[:n])
    xv, yv = torch.from_numpy(x[n:]), torch.from_numpy(y[n:])
    wt = None if train_weights is None else torch.from_numpy(train_weights)
    wv = None if sw_val is None else torch.from_numpy(sw_val)
    params = [torch.from_numpy(p.copy()).requires_grad_() for p in init]
    opt = KerasOptimizer(c, params)
    plateau = Plateau(c["reduce_lr_on_plateau"]) if c["reduce_lr_on_plateau"] else None
    hist = {"loss": [], "val_loss": []}
    for name in c["metrics"]:
        hist[name], hist["val_" + name] = [], []
    if plateau:
        hist["learning_rate"] = []
    bs = c["batch_size"]
    for _ in range(c["epochs"]):
        loss_sum = 0.0
        states = [MetricState(c, name) for name in c["metrics"]]
        for start in range(0, n, bs):
            xb, yb = xt[start:start + bs], yt[start:start + bs]
            wb = None if wt is None else wt[start:start + bs]
            out = forward(c, params, xb)
            loss = batch_loss(c, params, out, yb, wb)
            loss.backward()
            loss_sum += float(loss) * len(xb)
            for state in states:
                state.update(out, yb)
            opt.step()
        hist["loss"].append(loss_sum / n)
        vl, vm = evaluate(c, params, xv, yv, wv)
        hist["val_loss"].append(vl)
        for state in states:
            hist[state.name].append(state.result())
            hist["val_" + state.name].append(vm[state.name])
        if plateau:
            hist["learning_rate"].append(float(np.float32(opt.learning_rate)))
            plateau.on_epoch_end(vl, opt)
    if plateau:
        assert plateau.reductions > 0, c["name"] + ": the rate was never reduced"
        c["reductions"] = plateau.reductions
    if c["schedule"]:
        assert len(set(opt.rates)) > 1, c["name"] + ": the rate never changed"
    if c["clipvalue"] or c["clipnorm"] or c["global_clipnorm"]:
        assert opt.clipped > 0 and opt.unclipped > 0, c["name"] + ": clipping always or never applied"
        c["clipped"] = f"{opt.clipped} of {opt.clipped + opt.unclipped} " + (
            "elements" if c["clipvalue"] else "variable-steps" if c["clipnorm"] else "steps")
    c["steps"] = opt.iterations
    c["x"] = x[:n]
    c["y"] = y[:n]
    c["x_val"] = x[n:]
    c["y_val"] = y[n:]
    c["sample_weights_train"] = sw
    c["sample_weights_val"] = sw_val
    c["learning_rates"] = np.array(opt.rates, dtype=np.float32) if (c["schedule"] or plateau) else None
    c["initial_parameters"] = np.concatenate([p.ravel() for p in init])
    c["history"] = hist
    c["final_parameters"] = np.concatenate([p.detach().numpy().ravel() for p in params])
    return c


# ------------------------------------------------------------------------------------------------------------------
# Output: float32 values with 9 significant digits (they read back as the same float32)
# ------------------------------------------------------------------------------------------------------------------
def f32(v):
    return float("%.9g" % np.float32(v))


def to_json(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 2:
            return [[f32(e) for e in row] for row in v]
        return [f32(e) for e in v]
    if isinstance(v, dict):
        return {k: to_json(e) for k, e in v.items()}
    if isinstance(v, list):
        return [to_json(e) for e in v]
    if isinstance(v, float):
        return float("%.12g" % v)
    if isinstance(v, np.floating):
        return float("%.12g" % float(v))
    return v


def main():
    results = [to_json(run(c)) for c in cases()]
    doc = {
        "generator": "tests/AotNet.Tests/Reference/torch_features.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "note": "regenerate: /usr/bin/python3 tests/AotNet.Tests/Reference/torch_features.py > "
                "tests/AotNet.Tests/Reference/torch_features.json",
        "cases": results,
    }
    # one key per line, arrays on one line: readable diffs without a number per line
    out = ["{"]
    for k in ("generator", "torch", "numpy", "note"):
        out.append(f" {json.dumps(k)}: {json.dumps(doc[k])},")
    out.append(' "cases": [')
    for i, c in enumerate(results):
        body = ",\n".join(f"   {json.dumps(k)}: {json.dumps(v)}" for k, v in c.items())
        out.append("  {\n" + body + "\n  }" + ("," if i < len(results) - 1 else ""))
    out.append(" ]")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")
    for c in results:
        print(f"{c['name']:40s} loss {c['history']['loss'][0]:.5f} -> {c['history']['loss'][-1]:.5f}"
              + (f"  clipped {c['clipped']}" if "clipped" in c else "")
              + (f"  lr reduced {c['reductions']} times" if "reductions" in c else "")
              + "".join(f"  {k} {v[-1]:.4f}" for k, v in c["history"].items() if k in ("auc", "precision", "recall")),
              file=sys.stderr)


if __name__ == "__main__":
    main()
