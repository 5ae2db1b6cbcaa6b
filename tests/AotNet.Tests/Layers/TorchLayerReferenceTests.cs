using System.Globalization;
using System.Text.Json;
using AotNet.Data;
using AotNet.Tests.Reference;
using AotNet.Training;
using Xunit.Abstractions;

namespace AotNet.Tests.Layers;

/// <summary>
/// The Normalization, BatchNormalization and LayerNormalization models against PyTorch: tests/AotNet.Tests/Reference/torch_layers.py
/// trains each case with autograd under Keras 3's rules (adapt on the training rows, batch statistics with the gradient through
/// them, moving statistics, per-row layer statistics) and writes torch_layers.json (committed, embedded). Each case here starts the
/// generated model from the same parameters with the state at Keras's initial values (so Fit adapts the Normalization layer
/// itself), fits it with the same batches, and compares every epoch's loss and val_loss (val_loss through the moving statistics),
/// the final parameters and the final state, within <see cref="TorchReferenceTests"/>' tolerance.
/// </summary>
public sealed class TorchLayerReferenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
    {
        using var stream = typeof(TorchLayerReferenceTests).Assembly.GetManifestResourceStream("AotNet.Tests.Reference.torch_layers.json")
            ?? throw new InvalidOperationException("torch_layers.json is not embedded");
        return JsonDocument.Parse(stream);
    });

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Document.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        double worst;
        var errors = name switch
        {
            "normalization_mlp" => Compare<NormalizationMlp>(c, out worst),
            "batchnorm_before_relu" => Compare<BatchNormBeforeRelu>(c, out worst),
            "batchnorm_after_relu" => Compare<BatchNormAfterRelu>(c, out worst),
            "batchnorm_batch_of_one" => Compare<BatchNormBatchOfOne>(c, out worst),
            "batchnorm_chunks" => Compare<BatchNormChunks>(c, out worst),
            "layernorm_mlp" => Compare<LayerNormMlp>(c, out worst),
            "all_three" => Compare<AllThree>(c, out worst),
            _ => throw new InvalidOperationException($"torch_layers.json has a case '{name}' that no model here declares"),
        };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: the largest difference is {worst:0.000} of the tolerance"));
        Assert.True(errors.Count == 0, $"{name}: {errors.Count} values differ from PyTorch beyond the tolerance:\n" + string.Join("\n", errors.Take(20)));
    }

    internal static List<string> Compare<T>(JsonElement c, out double worst)
        where T : class, IModel<T>
    {
        var (train, validation) = (Set(c.GetProperty("x"), c.GetProperty("y")), Set(c.GetProperty("x_val"), c.GetProperty("y_val")));
        var model = T.Create(0);
        float[] initial = Floats(c.GetProperty("initial_parameters"));
        Assert.Equal(model.Parameters.Length, initial.Length);
        initial.CopyTo(model.Parameters, 0);
        using var trainer = new Trainer<T>(model, threads: 1);
        var history = trainer.Fit(train, validation, new FitOptions
        {
            Epochs = c.GetProperty("epochs").GetInt32(),
            BatchSize = c.GetProperty("batch_size").GetInt32(),
            Shuffle = false,
        });

        var errors = new List<string>();
        worst = 0;
        foreach (var series in c.GetProperty("history").EnumerateObject())
        {
            var expected = series.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Check(series.Name, expected, history[series.Name].ToArray(), errors, ref worst);
        }

        Check("final parameters", Doubles(c.GetProperty("final_parameters")), model.Parameters.Select(v => (double)v).ToArray(), errors, ref worst);
        Check("final state", Doubles(c.GetProperty("final_state")), model.State.Select(v => (double)v).ToArray(), errors, ref worst);
        return errors;
    }

    private static void Check(string what, double[] expected, double[] actual, List<string> errors, ref double worst)
    {
        if (expected.Length != actual.Length)
        {
            errors.Add($"{what}: {actual.Length} values, PyTorch has {expected.Length}");
            return;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = TorchReferenceTests.Absolute + (TorchReferenceTests.Relative * Math.Abs(expected[i]));
            double ratio = Math.Abs(actual[i] - expected[i]) / tolerance;
            worst = Math.Max(worst, ratio);
            if (!(ratio <= 1))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: {actual[i]:R} vs PyTorch {expected[i]:R}"));
            }
        }
    }

    private static LabeledData Set(JsonElement x, JsonElement y) => new(new Features(Matrix(x)), Matrix(y));

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

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
}
