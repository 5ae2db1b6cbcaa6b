using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AotNet.Data;
using AotNet.Tests.Reference.Models;
using AotNet.Training;
using Xunit.Abstractions;

namespace AotNet.Tests.Reference;

/// <summary>
/// Every feature against PyTorch: torch_features.py trains each case with PyTorch autograd in float32 under Keras 3's
/// rules from a fixed initialisation and writes torch_features.json (committed, embedded in this assembly, so CI needs no
/// torch). Each case here copies the same initial parameters into the matching generated model, fits it with the same
/// batches (no shuffle), batch size and epochs, and compares every epoch's loss, val_loss and metric and the final
/// parameters with PyTorch's.
/// </summary>
/// <remarks>
/// Tolerance: <c>|aotnet − torch| ≤ Absolute + Relative · |torch|</c>, see <see cref="Relative"/>. Both sides are float32
/// computations of the same function that sum in different orders (AotNet's fixed FMA chains and eight-lane trees,
/// PyTorch's BLAS) and use different exp/log/tanh/erf, so each step differs by a few float32 ulps (~1e-7 relative), and
/// 5–36 steps carry that forward; a wrong formula (a slope, a factor of 2 in a penalty, a learning rate, eps placement)
/// moves the numbers by 1e-3 or more after one step.
/// </remarks>
public sealed class TorchReferenceTests(ITestOutputHelper output)
{
    /// <summary>Relative part of the tolerance: 1e-4, about a thousand float32 ulps (2^-23 ≈ 1.2e-7).</summary>
    public const double Relative = 1e-4;

    /// <summary>Absolute part, for values near 0 (parameters that cross zero, small losses): 1e-5.</summary>
    public const double Absolute = 1e-5;

    private const string ResourceName = "AotNet.Tests.Reference.torch_features.json";

    private static readonly Lazy<JsonDocument> Document = new(() =>
    {
        using var stream = typeof(TorchReferenceTests).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing (see AotNet.Tests.csproj)");
        return JsonDocument.Parse(stream);
    });

    /// <summary>
    /// The "requires" values of torch_features.json (features written on other branches) that are merged here: the cases
    /// that require only these have their models declared and run.
    /// </summary>
    private static readonly HashSet<string> Merged = ["metrics", "weights", "opt"];

    /// <summary>The cases of torch_features.json whose features this branch has, by name.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (Runs(c))
            {
                data.Add(c.GetProperty("name").GetString()!);
            }
        }

        return data;
    }

    /// <summary>Every case of torch_features.json runs here: none waits for a feature that is not merged.</summary>
    [Fact]
    public void EveryCaseRuns()
    {
        var waiting = Document.Value.RootElement.GetProperty("cases").EnumerateArray().Where(c => !Runs(c)).Select(c => c.GetProperty("name").GetString()).ToArray();
        Assert.True(waiting.Length == 0, "cases whose features are not in Merged: " + string.Join(", ", waiting));
    }

    private static bool Runs(JsonElement c) =>
        c.GetProperty("requires").ValueKind == JsonValueKind.Null || c.GetProperty("requires").GetString()!.Split('+').All(Merged.Contains);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Case(name);
        Action<JsonElement> run = name switch
        {
            "activation_relu" => Check<TorchActivationRelu>,
            "activation_gelu" => Check<TorchActivationGelu>,
            "activation_elu" => Check<TorchActivationElu>,
            "activation_selu" => Check<TorchActivationSelu>,
            "activation_leaky_relu" => Check<TorchActivationLeakyRelu>,
            "activation_leaky_relu_slope_0.05" => Check<TorchActivationLeakyReluSlope005>,
            "activation_softplus" => Check<TorchActivationSoftplus>,
            "activation_silu" => Check<TorchActivationSilu>,
            "activation_tanh" => Check<TorchActivationTanh>,
            "activation_sigmoid" => Check<TorchActivationSigmoid>,
            "loss_mse" => Check<TorchLossMse>,
            "loss_mae" => Check<TorchLossMae>,
            "loss_huber" => Check<TorchLossHuber>,
            "loss_binary_crossentropy" => Check<TorchLossBinaryCrossentropy>,
            "loss_categorical_crossentropy" => Check<TorchLossCategoricalCrossentropy>,
            "loss_sparse_categorical_crossentropy" => Check<TorchLossSparseCategoricalCrossentropy>,
            "regularizer_kernel_l1" => Check<TorchRegularizerKernelL1>,
            "regularizer_kernel_l2" => Check<TorchRegularizerKernelL2>,
            "regularizer_bias_l1" => Check<TorchRegularizerBiasL1>,
            "regularizer_bias_l2" => Check<TorchRegularizerBiasL2>,
            "regularizer_l1_l2_adam" => Check<TorchRegularizerL1L2Adam>,
            "optimizer_sgd" => Check<TorchOptimizerSgd>,
            "optimizer_sgd_momentum" => Check<TorchOptimizerSgdMomentum>,
            "optimizer_sgd_nesterov" => Check<TorchOptimizerSgdNesterov>,
            "optimizer_rmsprop" => Check<TorchOptimizerRmsprop>,
            "optimizer_adam" => Check<TorchOptimizerAdam>,
            "clip_value" => Check<TorchClipValue>,
            "clip_norm" => Check<TorchClipNorm>,
            "clip_global_norm" => Check<TorchClipGlobalNorm>,
            "multi_hot_rmsprop" => Check<TorchMultiHotRmsprop>,
            "multi_hot_adam_l2" => Check<TorchMultiHotAdamL2>,
            "batch_size_1" => Check<TorchBatchSize1>,
            "wide_deep" => Check<TorchWideDeep>,
            "batch_over_256_rows" => Check<TorchBatchOver256Rows>,
            "metrics_binary" => Check<TorchMetricsBinary>,
            "metrics_regression" => Check<TorchMetricsRegression>,
            "metrics_with_sample_weights" => Check<TorchMetricsWithSampleWeights>,
            "sample_weights_mse" => Check<TorchSampleWeightsMse>,
            "sample_weights_binary_crossentropy" => Check<TorchSampleWeightsBinaryCrossentropy>,
            "sample_weights_batch_size_1" => Check<TorchSampleWeightsBatchSize1>,
            "sample_weights_multi_hot" => Check<TorchSampleWeightsMultiHot>,
            "class_weight_categorical" => Check<TorchClassWeightCategorical>,
            "class_weight_sparse" => Check<TorchClassWeightSparse>,
            "class_weight_binary" => Check<TorchClassWeightBinary>,
            "optimizer_adamw" => Check<TorchOptimizerAdamW>,
            "optimizer_adamw_default_decay_clipped" => Check<TorchOptimizerAdamWDefaultDecayClipped>,
            "optimizer_sgd_weight_decay" => Check<TorchOptimizerSgdWeightDecay>,
            "schedule_exponential_decay" => Check<TorchScheduleExponentialDecay>,
            "schedule_exponential_decay_staircase" => Check<TorchScheduleExponentialDecayStaircase>,
            "schedule_cosine_decay" => Check<TorchScheduleCosineDecay>,
            "schedule_cosine_decay_warmup" => Check<TorchScheduleCosineDecayWarmup>,
            "schedule_piecewise_constant" => Check<TorchSchedulePiecewiseConstant>,
            "reduce_lr_on_plateau" => Check<TorchReduceLrOnPlateau>,
            _ => throw new InvalidOperationException($"torch_features.json has a case '{name}' that no model here declares: add its model and a line to MatchesPyTorch"),
        };
        run(c);
    }

    /// <summary>
    /// The comparison can fail: a model that differs from a case in one setting only — Nesterov off, the leaky slope 0.2
    /// instead of 0.05, a learning rate 1 % larger — trained on that case's data and initial parameters lands
    /// outside the tolerance.
    /// </summary>
    [Fact]
    public void AModelOneSettingOffFails()
    {
        Fails<TorchOptimizerSgdMomentum>("optimizer_sgd_nesterov");
        Fails<TorchActivationLeakyRelu>("activation_leaky_relu_slope_0.05");
        Fails<TorchActivationTanhLearningRateOff>("activation_tanh");
    }

    private void Fails<T>(string name)
        where T : class, IModel<T>
    {
        var errors = Compare<T>(Case(name), out double worst);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} on {name}: {errors.Count} values outside the tolerance, the largest difference {worst:0.0} times the tolerance"));
        Assert.True(worst > 10, $"{typeof(T).Name} on {name}: the largest difference is only {worst} times the tolerance");
    }

    private static JsonElement Case(string name)
    {
        foreach (var c in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                return c;
            }
        }

        throw new ArgumentException($"no case {name} in torch_features.json", nameof(name));
    }

    private void Check<T>(JsonElement c)
        where T : class, IModel<T>
    {
        CheckSettings<T>(c);
        var errors = Compare<T>(c, out double worst);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.GetProperty("name").GetString()}: the largest difference is {worst:0.000} of the tolerance"));
        Assert.True(errors.Count == 0, $"{c.GetProperty("name").GetString()} ({c.GetProperty("feature").GetString()}): {errors.Count} values differ from PyTorch beyond {Absolute} + {Relative}·|torch|:\n" + string.Join("\n", errors.Take(20)));
    }

    /// <summary>Fits <typeparamref name="T"/> on the case's data from its initial parameters; the values that differ from PyTorch's.</summary>
    private static List<string> Compare<T>(JsonElement c) where T : class, IModel<T> => Compare<T>(c, out _);

    /// <summary>Also gives the largest |difference| / tolerance over all compared values (1 = at the tolerance).</summary>
    private static List<string> Compare<T>(JsonElement c, out double worst)
        where T : class, IModel<T>
    {
        var description = T.Description;
        var (train, validation) = Data(c, description);
        var model = T.Create(0);
        float[] initial = Floats(c.GetProperty("initial_parameters"));
        Assert.Equal(model.Parameters.Length, initial.Length);
        initial.CopyTo(model.Parameters, 0);

        using var trainer = new Trainer<T>(model, threads: 1);
        var options = new FitOptions
        {
            Epochs = c.GetProperty("epochs").GetInt32(),
            BatchSize = c.GetProperty("batch_size").GetInt32(),
            Shuffle = false,
            LearningRateSchedule = Schedule(c.GetProperty("schedule")),
            ReduceLROnPlateau = c.GetProperty("reduce_lr_on_plateau") is { ValueKind: JsonValueKind.Object } r
                ? new ReduceLROnPlateau
                {
                    Monitor = r.GetProperty("monitor").GetString()!,
                    Factor = r.GetProperty("factor").GetDouble(),
                    Patience = r.GetProperty("patience").GetInt32(),
                    MinDelta = r.GetProperty("min_delta").GetDouble(),
                    Cooldown = r.GetProperty("cooldown").GetInt32(),
                    MinLearningRate = r.GetProperty("min_lr").GetDouble(),
                }
                : null,
            ClassWeight = c.GetProperty("class_weight") is { ValueKind: JsonValueKind.Object } classWeight
                ? classWeight.EnumerateObject().ToDictionary(e => int.Parse(e.Name, CultureInfo.InvariantCulture), e => e.Value.GetDouble())
                : null,
        };
        var history = trainer.Fit(train, validation, options);

        var errors = new List<string>();
        worst = 0;
        foreach (var series in c.GetProperty("history").EnumerateObject())
        {
            var expected = series.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = history[series.Name].ToArray();
            errors.AddRange(Mismatches(series.Name, expected, actual));
            worst = Math.Max(worst, Worst(expected, actual));
        }

        float[] final = Floats(c.GetProperty("final_parameters"));
        errors.AddRange(Mismatches("final parameters", final, model.Parameters, description));
        worst = Math.Max(worst, Worst(final.Select(v => (double)v).ToArray(), model.Parameters.Select(v => (double)v).ToArray()));
        return errors;
    }

    /// <summary>The generated model must be the case: inputs, layers, loss, optimizer and its options.</summary>
    private static void CheckSettings<T>(JsonElement c)
        where T : class, IModel<T>
    {
        var d = T.Description;
        var sequential = typeof(T).GetCustomAttribute<SequentialAttribute>()!;
        Assert.Equal(c.GetProperty("inputs").GetInt32(), d.Inputs);
        Assert.Equal(c.GetProperty("loss").GetString(), d.Loss switch
        {
            Loss.MeanSquaredError => "mse",
            Loss.MeanAbsoluteError => "mae",
            Loss.Huber => "huber",
            Loss.BinaryCrossentropy => "binary_crossentropy",
            Loss.CategoricalCrossentropy => "categorical_crossentropy",
            Loss.SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
            _ => d.Loss.ToString(),
        });
        Assert.Equal(c.GetProperty("optimizer").GetString(), d.Optimizer.ToString().ToLowerInvariant());
        Assert.Equal(c.GetProperty("learning_rate").GetDouble(), d.LearningRate);
        Assert.Equal(c.GetProperty("momentum").GetDouble(), sequential.Momentum);
        Assert.Equal(c.GetProperty("nesterov").GetBoolean(), sequential.Nesterov);
        Assert.Equal(c.GetProperty("clipvalue").GetDouble(), sequential.ClipValue);
        Assert.Equal(c.GetProperty("clipnorm").GetDouble(), sequential.ClipNorm);
        Assert.Equal(c.GetProperty("global_clipnorm").GetDouble(), sequential.GlobalClipNorm);
        Assert.False(sequential.LegacyEpsilon);
        var metrics = c.GetProperty("metrics").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(metrics.Order(StringComparer.Ordinal), d.MetricNames.Order(StringComparer.Ordinal));
        Assert.Equal(c.GetProperty("weight_decay").GetDouble(), d.WeightDecay);

        var layers = c.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(layers.Length, d.Layers.Count);
        for (int i = 0; i < layers.Length; i++)
        {
            var (l, g) = (layers[i], d.Layers[i]);
            Assert.Equal(l.GetProperty("units").GetInt32(), g.Units);
            Assert.Equal(l.GetProperty("activation").GetString()!.Replace("_", string.Empty, StringComparison.Ordinal), g.Activation.ToString().ToLowerInvariant());
            Assert.Equal(0, g.DropoutRate);
            if (g.Activation == Activation.LeakyRelu)
            {
                Assert.Equal(l.GetProperty("negative_slope").GetDouble(), g.NegativeSlope);
            }

            Assert.Equal(l.GetProperty("kernel_l1").GetDouble(), g.KernelL1);
            Assert.Equal(l.GetProperty("kernel_l2").GetDouble(), g.KernelL2);
            Assert.Equal(l.GetProperty("bias_l1").GetDouble(), g.BiasL1);
            Assert.Equal(l.GetProperty("bias_l2").GetDouble(), g.BiasL2);
        }
    }

    /// <summary>The case's Keras schedule as AotNet's <see cref="LearningRateSchedule"/> (null: a constant rate).</summary>
    private static LearningRateSchedule? Schedule(JsonElement s)
    {
        if (s.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        double initial = s.TryGetProperty("initial_learning_rate", out var i) ? i.GetDouble() : 0;
        return s.GetProperty("type").GetString() switch
        {
            "exponential_decay" => new ExponentialDecay(initial, s.GetProperty("decay_steps").GetInt64(), s.GetProperty("decay_rate").GetDouble(), s.GetProperty("staircase").GetBoolean()),
            "cosine_decay" => new CosineDecay(
                initial,
                s.GetProperty("decay_steps").GetInt64(),
                s.GetProperty("alpha").GetDouble(),
                s.GetProperty("warmup_target").ValueKind == JsonValueKind.Null ? null : s.GetProperty("warmup_target").GetDouble(),
                s.GetProperty("warmup_steps").GetInt64()),
            "piecewise_constant_decay" => new PiecewiseConstantDecay(
                s.GetProperty("boundaries").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                s.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray()),
            var type => throw new InvalidOperationException($"unknown schedule {type}"),
        };
    }

    /// <summary>The training and validation sets of a case; multi-hot inputs become a CSR matrix, as AotNet keeps them.</summary>
    private static (LabeledData Train, LabeledData Validation) Data(JsonElement c, ModelDescription description)
    {
        bool multiHot = c.GetProperty("data").GetString() == "multi_hot";
        return (Set(c.GetProperty("x"), c.GetProperty("y"), c.GetProperty("sample_weights_train")),
                Set(c.GetProperty("x_val"), c.GetProperty("y_val"), c.GetProperty("sample_weights_val")));

        LabeledData Set(JsonElement x, JsonElement y, JsonElement weights)
        {
            var inputs = Matrix(x);
            var targets = Matrix(y);
            Assert.Equal(description.Inputs, inputs.Cols);
            Assert.Equal(description.TargetCount, targets.Cols);
            return new LabeledData(multiHot ? ToCsr(inputs) : new Features(inputs), targets)
            {
                SampleWeights = weights.ValueKind == JsonValueKind.Null ? null : Floats(weights),
            };
        }
    }

    private static CsrMatrix ToCsr(DenseMatrix dense)
    {
        var offsets = new int[dense.Rows + 1];
        var columns = new List<int>();
        for (int r = 0; r < dense.Rows; r++)
        {
            var row = dense.Row(r);
            for (int j = 0; j < row.Length; j++)
            {
                Assert.True(row[j] is 0f or 1f, "multi-hot inputs are 0/1");
                if (row[j] == 1f)
                {
                    columns.Add(j);
                }
            }

            offsets[r + 1] = columns.Count;
        }

        return new CsrMatrix(offsets, columns.ToArray(), dense.Cols);
    }

    private static DenseMatrix Matrix(JsonElement rows)
    {
        var list = rows.EnumerateArray().Select(Floats).ToArray();
        var matrix = new DenseMatrix(list.Length, list[0].Length);
        for (int r = 0; r < list.Length; r++)
        {
            list[r].CopyTo(matrix.Row(r));
        }

        return matrix;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static List<string> Mismatches(string what, IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        var errors = new List<string>();
        if (expected.Count != actual.Count)
        {
            errors.Add($"{what}: {actual.Count} values, PyTorch has {expected.Count}");
            return errors;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (!Close(expected[i], actual[i]))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: AotNet {actual[i]:R}, PyTorch {expected[i]:R} (difference {actual[i] - expected[i]:G3})"));
            }
        }

        return errors;
    }

    private static List<string> Mismatches(string what, float[] expected, float[] actual, ModelDescription? description = null)
    {
        var errors = Mismatches(what, expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray());
        if (description is null)
        {
            return errors;
        }

        // name the tensor and the element: "final parameters[37]" becomes "dense_0.bias[5]"
        return errors.Select(e => Rename(e, description)).ToList();
    }

    private static string Rename(string error, ModelDescription description)
    {
        int open = error.IndexOf('[', StringComparison.Ordinal), close = error.IndexOf(']', StringComparison.Ordinal);
        int index = int.Parse(error.AsSpan(open + 1, close - open - 1), CultureInfo.InvariantCulture);
        foreach (var l in description.Layers)
        {
            if (index >= l.KernelOffset && index < l.KernelOffset + l.KernelLength)
            {
                int k = index - l.KernelOffset;
                return new StringBuilder().Append(l.KernelName).Append(CultureInfo.InvariantCulture, $"[{k / l.Units}, {k % l.Units}]").Append(error.AsSpan(close + 1)).ToString();
            }

            if (index >= l.BiasOffset && index < l.BiasOffset + l.Units)
            {
                return new StringBuilder().Append(l.BiasName).Append(CultureInfo.InvariantCulture, $"[{index - l.BiasOffset}]").Append(error.AsSpan(close + 1)).ToString();
            }
        }

        return error;
    }

    private static double Worst(double[] expected, double[] actual) =>
        expected.Length != actual.Length ? double.PositiveInfinity :
        expected.Zip(actual, (e, a) => Math.Abs(a - e) / (Absolute + (Relative * Math.Abs(e)))).DefaultIfEmpty(0).Max();

    private static bool Close(double expected, double actual) => Math.Abs(actual - expected) <= Absolute + (Relative * Math.Abs(expected));
}
