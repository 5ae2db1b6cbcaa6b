using AotNet.Data;
using AotNet.Training;

namespace AotNet.Reference;

/// <summary>
/// A plain, scalar, double-precision implementation of the math generated models must reproduce: dense layers
/// driven by a <see cref="ModelDescription"/>, textbook backpropagation, and the Keras 3 optimizer formulas.
/// Shared (as a linked source file) by the tests and the benchmarks.
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly double[] _m;
    private readonly double[] _v;
    private long _t;

    public ReferenceNetwork(ModelDescription description, ReadOnlySpan<float> parameters, bool legacyEpsilon = false, double momentum = 0, bool nesterov = false)
    {
        Nesterov = nesterov;
        Description = description;
        Parameters = new double[description.ParameterCount];
        for (int i = 0; i < Parameters.Length; i++)
        {
            Parameters[i] = parameters[i];
        }

        _m = new double[Parameters.Length];
        _v = new double[Parameters.Length];
        LegacyEpsilon = legacyEpsilon;
        Momentum = momentum;
    }

    public ModelDescription Description { get; }

    public double[] Parameters { get; }

    public bool LegacyEpsilon { get; }

    public double Momentum { get; }

    /// <summary>Keras's optimizer clipvalue (0 = off).</summary>
    public double ClipValue { get; init; }

    /// <summary>Keras's clipnorm: each variable (kernel, bias) by its own norm (0 = off).</summary>
    public double ClipNorm { get; init; }

    /// <summary>Keras's global_clipnorm (0 = off).</summary>
    public double GlobalClipNorm { get; init; }

    /// <summary>Keras's optimizer weight_decay: after clipping, every parameter becomes <c>w − w · wd · lr</c> (0 = off).</summary>
    public double WeightDecay { get; init; }

    /// <summary>The learning rate of the next <see cref="Step(double[], double)"/> (a schedule's value); null: the declared rate.</summary>
    public double? LearningRate { get; set; }

    private static void ClipByNorm(double[] g, int offset, int length, double clip)
    {
        double sum = 0;
        for (int i = offset; i < offset + length; i++)
        {
            sum += g[i] * g[i];
        }

        double norm = Math.Sqrt(sum);
        if (norm > clip)
        {
            for (int i = offset; i < offset + length; i++)
            {
                g[i] *= clip / norm;
            }
        }
    }

    /// <summary>SGD: Keras's nesterov=True (w += μv − lr g after v = μv − lr g).</summary>
    public bool Nesterov { get; }

    private bool FusedLoss => Description.Loss is Loss.BinaryCrossentropy or Loss.CategoricalCrossentropy or Loss.SparseCategoricalCrossentropy;

    /// <summary>Input row <paramref name="row"/> as dense doubles (a sparse row becomes its 0/1 form).</summary>
    public static double[] InputRow(Features inputs, int row)
    {
        var x = new double[inputs.Cols];
        if (inputs.Sparse is { } sparse)
        {
            foreach (int c in sparse.Row(row))
            {
                x[c] = 1;
            }
        }
        else
        {
            var dense = inputs.Dense!.Row(row);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = dense[i];
            }
        }

        return x;
    }

    /// <summary>
    /// When set, <see cref="Backward"/> trains with dropout: the masks of this step key (<c>DropoutKernels.Key</c>), unit u of
    /// data-set row r kept when <c>DropoutKernels.Keeps</c> says so, kept outputs scaled by 1 / (1 − rate) in double.
    /// </summary>
    public ulong? DropoutKey { get; set; }

    /// <summary>Affine outputs z and activations a of every layer.</summary>
    public (double[][] Z, double[][] A) Forward(double[] x)
    {
        var (z, a, _, _) = Pass(x, -1, training: false);
        return (z, a);
    }

    /// <summary>z, a, each layer's inputs (after the dropout of the layer below in training) and the dropout masks (null: none).</summary>
    public (double[][] Z, double[][] A, double[][] Inputs, double[]?[] Masks) Pass(double[] x, int row, bool training)
    {
        var layers = Description.Layers;
        var z = new double[layers.Count][];
        var a = new double[layers.Count][];
        var inputs = new double[layers.Count][];
        var masks = new double[]?[layers.Count];
        double[] input = x;
        for (int l = 0; l < layers.Count; l++)
        {
            inputs[l] = input;
            var layer = layers[l];
            z[l] = new double[layer.Units];
            for (int j = 0; j < layer.Units; j++)
            {
                double s = Parameters[layer.BiasOffset + j];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    s += input[i] * Parameters[layer.KernelOffset + (i * layer.Units) + j];
                }

                z[l][j] = s;
            }

            a[l] = Activate(layer.Activation, z[l], layer.NegativeSlope);
            input = a[l];
            if (training && layer.DropoutRate > 0)
            {
                ulong rowKey = AotNet.Kernels.DropoutKernels.RowKey(DropoutKey!.Value, row);
                uint threshold = AotNet.Kernels.DropoutKernels.Threshold(layer.DropoutRate);
                var mask = new double[layer.Units];
                input = new double[layer.Units];
                for (int j = 0; j < layer.Units; j++)
                {
                    mask[j] = AotNet.Kernels.DropoutKernels.Keeps(rowKey, j, threshold) ? 1 / (1 - layer.DropoutRate) : 0;
                    input[j] = a[l][j] * mask[j];
                }

                masks[l] = mask;
            }
        }

        return (z, a, inputs, masks);
    }

    public static double[] Activate(Activation activation, double[] z, double negativeSlope = 0.2)
    {
        var a = new double[z.Length];
        switch (activation)
        {
            case Activation.Gelu:
            case Activation.Elu:
            case Activation.Selu:
            case Activation.LeakyRelu:
            case Activation.Softplus:
            case Activation.Silu:
                for (int j = 0; j < z.Length; j++)
                {
                    a[j] = Function(activation, z[j], negativeSlope);
                }

                break;
            case Activation.Linear:
                Array.Copy(z, a, z.Length);
                break;
            case Activation.Relu:
                for (int j = 0; j < z.Length; j++)
                {
                    a[j] = z[j] > 0 ? z[j] : 0;
                }

                break;
            case Activation.Sigmoid:
                for (int j = 0; j < z.Length; j++)
                {
                    a[j] = 1 / (1 + Math.Exp(-z[j]));
                }

                break;
            case Activation.Tanh:
                for (int j = 0; j < z.Length; j++)
                {
                    a[j] = Math.Tanh(z[j]);
                }

                break;
            case Activation.Softmax:
                double max = z.Max(), sum = 0;
                for (int j = 0; j < z.Length; j++)
                {
                    a[j] = Math.Exp(z[j] - max);
                    sum += a[j];
                }

                for (int j = 0; j < z.Length; j++)
                {
                    a[j] /= sum;
                }

                break;
        }

        return a;
    }

    public double SampleLoss(double[] z, double[] p, ReadOnlySpan<float> y)
    {
        int n = p.Length;
        double loss = 0;
        switch (Description.Loss)
        {
            case Loss.MeanSquaredError:
                for (int j = 0; j < n; j++)
                {
                    loss += (p[j] - y[j]) * (p[j] - y[j]);
                }

                return loss / n;
            case Loss.BinaryCrossentropy:
                for (int j = 0; j < n; j++)
                {
                    loss += Math.Max(z[j], 0) - (z[j] * y[j]) + Math.Log(1 + Math.Exp(-Math.Abs(z[j])));
                }

                return loss / n;
            case Loss.MeanAbsoluteError:
                for (int j = 0; j < n; j++)
                {
                    loss += Math.Abs(p[j] - y[j]);
                }

                return loss / n;
            case Loss.Huber:
                for (int j = 0; j < n; j++)
                {
                    double e = Math.Abs(p[j] - y[j]);
                    loss += e <= 1 ? 0.5 * e * e : e - 0.5;
                }

                return loss / n;
            case Loss.SparseCategoricalCrossentropy:
                double top = z.Max(), sum = 0;
                for (int j = 0; j < n; j++)
                {
                    sum += Math.Exp(z[j] - top);
                }

                return top + Math.Log(sum) - z[(int)y[0]];
            default:
                double max = z.Max(), sumExp = 0;
                for (int j = 0; j < n; j++)
                {
                    sumExp += Math.Exp(z[j] - max);
                    loss -= y[j] * z[j];
                }

                return loss + max + Math.Log(sumExp);
        }
    }

    /// <summary>One row's metric parts (loss 0): accuracy hit, mean absolute and squared errors, the confusion counts at 0.5.</summary>
    public BatchStats SampleMetrics(double[] p, ReadOnlySpan<float> y)
    {
        var metrics = Description.Metrics;
        double hits = 0, absolute = 0, squared = 0;
        long tp = 0, fp = 0, fn = 0;
        if (metrics.HasFlag(Metric.Accuracy))
        {
            if (p.Length == 1)
            {
                hits = (p[0] > 0.5) == (y[0] > 0.5) ? 1 : 0;
            }
            else
            {
                int bestP = 0, bestY = 0;
                for (int j = 1; j < p.Length; j++)
                {
                    bestP = p[j] > p[bestP] ? j : bestP;
                    bestY = y.Length == p.Length && y[j] > y[bestY] ? j : bestY;
                }

                if (Description.Loss == Loss.SparseCategoricalCrossentropy)
                {
                    bestY = (int)y[0];
                }

                hits = bestP == bestY ? 1 : 0;
            }
        }

        if (metrics.HasFlag(Metric.MeanAbsoluteError) || metrics.HasFlag(Metric.MeanSquaredError))
        {
            for (int j = 0; j < p.Length; j++)
            {
                absolute += Math.Abs(p[j] - y[j]);
                squared += (p[j] - y[j]) * (p[j] - y[j]);
            }

            absolute = metrics.HasFlag(Metric.MeanAbsoluteError) ? absolute / p.Length : 0;
            squared = metrics.HasFlag(Metric.MeanSquaredError) ? squared / p.Length : 0;
        }

        if ((metrics & (Metric.Precision | Metric.Recall)) != 0)
        {
            bool positive = y[0] != 0, predicted = p[0] > 0.5;
            tp = positive && predicted ? 1 : 0;
            fp = !positive && predicted ? 1 : 0;
            fn = positive && !predicted ? 1 : 0;
        }

        return new BatchStats(0, hits, absolute, squared, tp, fp, fn);
    }

    /// <summary>The L1/L2 penalty of the current parameters (Keras's regularisation losses summed).</summary>
    public double RegularizationLoss()
    {
        double penalty = 0;
        foreach (var layer in Description.Layers)
        {
            for (int i = 0; i < layer.KernelLength; i++)
            {
                double w = Parameters[layer.KernelOffset + i];
                penalty += (layer.KernelL1 * Math.Abs(w)) + (layer.KernelL2 * w * w);
            }

            for (int j = 0; j < layer.Units; j++)
            {
                double b = Parameters[layer.BiasOffset + j];
                penalty += (layer.BiasL1 * Math.Abs(b)) + (layer.BiasL2 * b * b);
            }
        }

        return penalty;
    }

    /// <summary>The penalty's gradient: l1 sign(w) + 2 l2 w.</summary>
    public double[] RegularizationGradient()
    {
        var g = new double[Parameters.Length];
        foreach (var layer in Description.Layers)
        {
            for (int i = 0; i < layer.KernelLength; i++)
            {
                double w = Parameters[layer.KernelOffset + i];
                g[layer.KernelOffset + i] = (layer.KernelL1 * Math.Sign(w)) + (2 * layer.KernelL2 * w);
            }

            for (int j = 0; j < layer.Units; j++)
            {
                double b = Parameters[layer.BiasOffset + j];
                g[layer.BiasOffset + j] = (layer.BiasL1 * Math.Sign(b)) + (2 * layer.BiasL2 * b);
            }
        }

        return g;
    }

    /// <summary>
    /// Per-sample losses (each times its sample weight, <paramref name="sampleWeights"/> indexed by data-set row, null = 1)
    /// plus the unweighted penalty once per row (Keras's loss with regularisers), and the unweighted metric.
    /// </summary>
    public BatchStats Evaluate(Features inputs, DenseMatrix targets, ReadOnlySpan<int> rows, float[]? sampleWeights = null)
    {
        double loss = RegularizationLoss() * rows.Length;
        var metrics = default(BatchStats);
        foreach (int row in rows)
        {
            var (z, a) = Forward(InputRow(inputs, row));
            loss += Weight(sampleWeights, row) * SampleLoss(z[^1], a[^1], targets.Row(row));
            metrics += SampleMetrics(a[^1], targets.Row(row));
        }

        return metrics.WithLoss(loss);
    }

    public double[] Predict(Features inputs, ReadOnlySpan<int> rows)
    {
        var outputs = new List<double>();
        foreach (int row in rows)
        {
            outputs.AddRange(Forward(InputRow(inputs, row)).A[^1]);
        }

        return outputs.ToArray();
    }

    /// <summary>
    /// Adds the gradient of the summed per-sample loss over <paramref name="rows"/> to <paramref name="gradient"/>; with
    /// <paramref name="sampleWeights"/> (indexed by data-set row) the loss is Σ wᵢℓᵢ and its gradient Σ wᵢ∇ℓᵢ (Keras's sample_weight).
    /// </summary>
    /// <remarks>The returned loss includes the regularisation penalty once per row (unweighted); its gradient is not added here but by <see cref="Step(double[], double)"/>.</remarks>
    public BatchStats Backward(Features inputs, DenseMatrix targets, ReadOnlySpan<int> rows, double[] gradient, float[]? sampleWeights = null)
    {
        var layers = Description.Layers;
        double loss = RegularizationLoss() * rows.Length;
        var metrics = default(BatchStats);
        foreach (int row in rows)
        {
            var x = InputRow(inputs, row);
            var y = targets.Row(row);
            var (z, a, layerInputs, masks) = Pass(x, row, training: DropoutKey is not null);
            var p = a[^1];
            double weight = Weight(sampleWeights, row);
            loss += weight * SampleLoss(z[^1], p, y);
            metrics += SampleMetrics(p, y);

            // dL/dz of the last layer
            int n = p.Length;
            var delta = new double[n];
            if (Description.Loss == Loss.BinaryCrossentropy)
            {
                for (int j = 0; j < n; j++)
                {
                    delta[j] = (p[j] - y[j]) / n;
                }
            }
            else if (Description.Loss == Loss.CategoricalCrossentropy)
            {
                for (int j = 0; j < n; j++)
                {
                    delta[j] = p[j] - y[j];
                }
            }
            else if (Description.Loss == Loss.SparseCategoricalCrossentropy)
            {
                for (int j = 0; j < n; j++)
                {
                    delta[j] = p[j] - (j == (int)y[0] ? 1 : 0);
                }
            }
            else if (Description.Loss is Loss.MeanAbsoluteError or Loss.Huber)
            {
                var dp = new double[n];
                for (int j = 0; j < n; j++)
                {
                    double e = p[j] - y[j];
                    dp[j] = (Description.Loss == Loss.Huber ? Math.Clamp(e, -1, 1) : Math.Sign(e)) / n;
                }

                delta = ActivationBackward(layers[^1].Activation, z[^1], p, dp, layers[^1].NegativeSlope);
            }
            else
            {
                var dp = new double[n];
                for (int j = 0; j < n; j++)
                {
                    dp[j] = 2 * (p[j] - y[j]) / n;
                }

                delta = ActivationBackward(layers[^1].Activation, z[^1], p, dp, layers[^1].NegativeSlope);
            }

            for (int j = 0; j < n; j++)
            {
                delta[j] *= weight; // d (w ℓ) / dz = w dℓ/dz
            }

            for (int l = layers.Count - 1; l >= 0; l--)
            {
                var layer = layers[l];
                double[] input = layerInputs[l];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    for (int j = 0; j < layer.Units; j++)
                    {
                        gradient[layer.KernelOffset + (i * layer.Units) + j] += input[i] * delta[j];
                    }
                }

                for (int j = 0; j < layer.Units; j++)
                {
                    gradient[layer.BiasOffset + j] += delta[j];
                }

                if (l > 0)
                {
                    var da = new double[layer.Inputs];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        for (int j = 0; j < layer.Units; j++)
                        {
                            da[i] += Parameters[layer.KernelOffset + (i * layer.Units) + j] * delta[j];
                        }
                    }

                    if (masks[l - 1] is { } mask)
                    {
                        for (int i = 0; i < da.Length; i++)
                        {
                            da[i] *= mask[i];
                        }
                    }

                    delta = ActivationBackward(layers[l - 1].Activation, z[l - 1], a[l - 1], da, layers[l - 1].NegativeSlope);
                }
            }
        }

        return metrics.WithLoss(loss);
    }

    private static double Weight(float[]? sampleWeights, int row) => sampleWeights is null ? 1 : sampleWeights[row];

    private const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    /// <summary>Keras's definitions in double: gelu (erf form), elu, selu, leaky relu, softplus, silu.</summary>
    public static double Function(Activation activation, double x, double negativeSlope = 0.2) => activation switch
    {
        Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Selu => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        Activation.LeakyRelu => x > 0 ? x : negativeSlope * x,
        Activation.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        Activation.Silu => x / (1 + Math.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The derivatives of <see cref="Function"/>.</summary>
    public static double Derivative(Activation activation, double x, double negativeSlope = 0.2)
    {
        double sigmoid = 1 / (1 + Math.Exp(-x));
        return activation switch
        {
            Activation.Gelu => (0.5 * (1 + Erf(x / Math.Sqrt(2)))) + (x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI)),
            Activation.Elu => x > 0 ? 1 : Math.Exp(x),
            Activation.Selu => SeluScale * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)),
            Activation.LeakyRelu => x > 0 ? 1 : negativeSlope,
            Activation.Softplus => sigmoid,
            Activation.Silu => sigmoid * (1 + (x * (1 - sigmoid))),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
    }

    /// <summary>erf in double: the Maclaurin series below 3, else 1 − erfc by its continued fraction (both to ~1e-15).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double result;
        if (ax < 3)
        {
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-18 * Math.Abs(sum); n++)
            {
                term *= -x2 / n;
                sum += term / ((2 * n) + 1);
            }

            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + …)))))
            double f = ax;
            for (int k = 60; k >= 1; k--)
            {
                f = ax + (k / 2.0 / f);
            }

            result = 1 - (Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f);
        }

        return x < 0 ? -result : result;
    }

    /// <summary>dL/dz from dL/da (full Jacobian for softmax).</summary>
    public static double[] ActivationBackward(Activation activation, double[] z, double[] a, double[] da, double negativeSlope = 0.2)
    {
        var dz = new double[da.Length];
        for (int j = 0; j < da.Length; j++)
        {
            dz[j] = activation switch
            {
                Activation.Gelu or Activation.Elu or Activation.Selu or Activation.LeakyRelu or Activation.Softplus or Activation.Silu =>
                    da[j] * Derivative(activation, z[j], negativeSlope),
                Activation.Linear => da[j],
                Activation.Relu => z[j] > 0 ? da[j] : 0,
                Activation.Sigmoid => da[j] * a[j] * (1 - a[j]),
                Activation.Tanh => da[j] * (1 - (a[j] * a[j])),
                _ => SoftmaxJacobianRow(a, da, j),
            };
        }

        return dz;
    }

    private static double SoftmaxJacobianRow(double[] a, double[] da, int j)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            s += da[k] * a[k] * ((k == j ? 1 : 0) - a[j]);
        }

        return s;
    }

    /// <summary>One optimizer step with gradient <c>gradient * scale</c> (Keras 3 formulas).</summary>
    public void Step(ReadOnlySpan<float> gradient, double scale)
    {
        var g = new double[gradient.Length];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = gradient[i];
        }

        Step(g, scale);
    }

    /// <summary>The subnormal flush of docs/determinism.md at float's threshold: state below 2⁻¹²⁶ in magnitude is +0.</summary>
    private static double Flush(double x) => Math.Abs(x) < 1.1754943508222875e-38 ? 0d : x;

    /// <summary>One optimizer step with gradient <c>gradient * scale</c> (Keras 3 formulas, state flushed as the runtime flushes it).</summary>
    public void Step(double[] gradient, double scale)
    {
        _t++;
        double lr = LearningRate ?? Description.LearningRate;
        var penalty = RegularizationGradient();
        var clipped = new double[Parameters.Length];
        for (int i = 0; i < clipped.Length; i++)
        {
            clipped[i] = (gradient[i] * scale) + penalty[i];
            if (ClipValue > 0)
            {
                clipped[i] = Math.Clamp(clipped[i], -ClipValue, ClipValue);
            }
        }

        if (ClipNorm > 0)
        {
            foreach (var layer in Description.Layers)
            {
                ClipByNorm(clipped, layer.KernelOffset, layer.KernelLength, ClipNorm);
                ClipByNorm(clipped, layer.BiasOffset, layer.Units, ClipNorm);
            }
        }
        else if (GlobalClipNorm > 0)
        {
            ClipByNorm(clipped, 0, clipped.Length, GlobalClipNorm);
        }

        for (int i = 0; i < Parameters.Length; i++)
        {
            double g = clipped[i];
            Parameters[i] = Flush(Parameters[i] - (Parameters[i] * WeightDecay * lr)); // Keras's _apply_weight_decay, before the update
            switch (Description.Optimizer)
            {
                case Optimizer.RmsProp:
                    _v[i] = Flush((0.9 * _v[i]) + (0.1 * g * g));
                    Parameters[i] -= LegacyEpsilon ? lr * g / (Math.Sqrt(_v[i]) + 1e-7) : lr * g / Math.Sqrt(_v[i] + 1e-7);
                    break;
                case Optimizer.Adam:
                case Optimizer.AdamW:
                    double alpha = lr * Math.Sqrt(1 - Math.Pow(0.999, _t)) / (1 - Math.Pow(0.9, _t));
                    _m[i] = Flush(_m[i] + ((g - _m[i]) * (1 - 0.9)));
                    _v[i] = Flush(_v[i] + (((g * g) - _v[i]) * (1 - 0.999)));
                    Parameters[i] -= alpha * _m[i] / (Math.Sqrt(_v[i]) + 1e-7);
                    break;
                default:
                    if (Momentum > 0)
                    {
                        _m[i] = Flush((Momentum * _m[i]) - (lr * g));
                        Parameters[i] += Nesterov ? (Momentum * _m[i]) - (lr * g) : _m[i];
                    }
                    else
                    {
                        Parameters[i] -= lr * g;
                    }

                    break;
            }
        }
    }
}
