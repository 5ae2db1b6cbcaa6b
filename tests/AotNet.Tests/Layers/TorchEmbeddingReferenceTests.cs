using System.Globalization;
using System.Text.Json;
using AotNet.Data;
using AotNet.Tests.Reference;
using AotNet.Training;
using Xunit.Abstractions;

namespace AotNet.Tests.Layers;

/// <summary>
/// Embedding + GlobalAveragePooling1D against PyTorch: tests/AotNet.Tests/Reference/torch_embedding.py trains each case with
/// autograd under Keras 3's rules (ops.take, the masked mean Σ(x·mask)/Σ(mask) or the plain mean, every embedding row stepped
/// by the optimizer) and writes torch_embedding.json (committed, embedded). Each case here starts the generated model from the
/// same parameters, fits it with the same batches and compares every epoch's loss and val_loss and the final parameters (the
/// embedding matrix included) within <see cref="TorchReferenceTests"/>' tolerance.
/// </summary>
public sealed class TorchEmbeddingReferenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
    {
        using var stream = typeof(TorchEmbeddingReferenceTests).Assembly.GetManifestResourceStream("AotNet.Tests.Reference.torch_embedding.json")
            ?? throw new InvalidOperationException("torch_embedding.json is not embedded");
        return JsonDocument.Parse(stream);
    });

    [Theory]
    [InlineData("embedding_masked")]
    [InlineData("embedding_unmasked")]
    public void MatchesPyTorch(string name)
    {
        var c = Document.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        double worst;
        var errors = name switch
        {
            "embedding_masked" => Compare<EmbeddingMasked>(c, out worst),
            _ => Compare<EmbeddingUnmasked>(c, out worst),
        };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: the largest difference is {worst:0.000} of the tolerance"));
        Assert.True(errors.Count == 0, $"{name}: {errors.Count} values differ from PyTorch beyond the tolerance:\n" + string.Join("\n", errors.Take(20)));
    }

    private static List<string> Compare<T>(JsonElement c, out double worst)
        where T : class, IModel<T>
    {
        var train = Set(c.GetProperty("ids"), c.GetProperty("y"));
        var validation = Set(c.GetProperty("ids_val"), c.GetProperty("y_val"));
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
            Check(series.Name, Doubles(series.Value), history[series.Name].ToArray(), errors, ref worst);
        }

        Check("final parameters", Doubles(c.GetProperty("final_parameters")), model.Parameters.Select(v => (double)v).ToArray(), errors, ref worst);
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

    private static LabeledData Set(JsonElement ids, JsonElement y)
    {
        var rows = ids.EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        var targets = y.EnumerateArray().Select(Floats).ToArray();
        var matrix = new DenseMatrix(targets.Length, targets[0].Length);
        for (int r = 0; r < targets.Length; r++)
        {
            targets[r].CopyTo(matrix.Row(r));
        }

        return new LabeledData(TokenMatrix.FromRows(rows, rows[0].Length), matrix);
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
}
