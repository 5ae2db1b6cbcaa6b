using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AotNet.Data.Csv;
using AotNet.Hosting;
using AotNet.IO;

namespace AotNet.Tests.Hosting;

/// <summary>
/// The wine sample (samples/AotNet.WineModel: [Normalization] first, sklearn's wine CSV with the cultivars' names as
/// labels, raw features) through the host's own fit / evaluate / predict code, in process: it reaches PyTorch's
/// accuracy on the same split (torch_wine.py, torch_reference.json), and the weights carry the normalisation
/// (the training rows' column means and biased variances), so predict takes raw features.
/// </summary>
public sealed class WineSampleTests : IDisposable
{
    private const string WineCsv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv";

    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-wine-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample => Path.Combine(TestData.RepoRoot, "samples", "AotNet.WineModel");

    [Fact]
    public void The_wine_sample_normalises_raw_features_and_reaches_pytorchs_accuracy()
    {
        Assert.True(File.Exists(WineCsv), $"{WineCsv} is missing: apt-get install python3-sklearn (.ci/run does)");
        using (var export = Process.Start("/usr/bin/python3", [Path.Combine(Sample, "export_wine.py"), _dir])!)
        {
            export.WaitForExit();
            Assert.Equal(0, export.ExitCode);
        }

        string train = Path.Combine(_dir, "wine_train.csv"), test = Path.Combine(_dir, "wine_test.csv"), weights = Path.Combine(_dir, "wine.safetensors");
        int code = ModelApp.Fit<WineNet>(
            new ModelApp.FitRequest(train, ["cultivar"], null, 100, 16, 0, null, 1, 1, Path.Combine(_dir, "out"), weights, null, Quiet: true),
            "WineModel", CancellationToken.None);
        Assert.Equal(0, code);

        // the normalisation in the weights: the training rows' per-column mean and biased variance (Keras's adapt)
        var table = CsvFile.Read(train, CsvOptions.For(WineNet.Description, ["cultivar"]));
        var (tensors, metadata) = SafeTensors.Deserialize(File.ReadAllBytes(weights));
        float[] mean = tensors["normalization.mean"].Data, variance = tensors["normalization.variance"].Data;
        Assert.Equal(13, mean.Length);
        for (int c = 0; c < 13; c++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < table.Features.Rows; r++)
            {
                m += table.Features.Row(r)[c];
            }

            m /= table.Features.Rows;
            for (int r = 0; r < table.Features.Rows; r++)
            {
                v += (table.Features.Row(r)[c] - m) * (table.Features.Row(r)[c] - m);
            }

            v /= table.Features.Rows;
            Assert.Equal(m, mean[c], m * 1e-5 + 1e-6);
            Assert.Equal(v, variance[c], v * 1e-4 + 1e-6);
        }

        Assert.Contains("class_2", metadata["classes"]);

        // evaluate on the held-out rows: PyTorch's accuracy with the same recipe on the same split, less at most one row
        var evaluation = new StringWriter();
        Assert.Equal(0, ModelApp.Evaluate<WineNet>(test, null, weights, 1, evaluation, CancellationToken.None));
        double accuracy = double.Parse(evaluation.ToString().Split('\n').First(l => l.StartsWith("accuracy: ", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
        using var torch = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sample, "torch_reference.json")));
        double reference = torch.RootElement.GetProperty("mean_test_accuracy").GetDouble();
        int rows = File.ReadAllLines(test).Length - 1;
        Assert.True(accuracy >= reference - (1.0 / rows) - 1e-9, $"test accuracy {accuracy} below PyTorch's {reference} less one row\n{evaluation}");

        // predict from raw measurements (a class_0 and a class_2 row of the data): names out
        var predictions = new StringWriter();
        string raw = "14.23,1.71,2.43,15.6,127,2.8,3.06,0.28,2.29,5.64,1.04,3.92,1065\n12.2,3.03,2.32,19,96,1.25,.49,.4,.73,5.5,.66,1.83,510\n";
        Assert.Equal(0, ModelApp.Predict<WineNet>(weights, null, new StringReader(raw), predictions, CancellationToken.None));
        string[] lines = predictions.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("class,p_class_0,p_class_1,p_class_2", lines[0]);
        Assert.StartsWith("class_0,", lines[1]);
        Assert.StartsWith("class_2,", lines[2]);
    }
}
