using System.Globalization;
using AotNet.App;
using AotNet.App.Commands;
using AotNet.App.Experiments;
using AotNet.Data;
using AotNet.Export;
using AotNet.Training;
using Microsoft.ML.OnnxRuntime;

namespace AotNet.Tests.Export;

// user topologies: every activation, dropout (left out of the graph), several widths
[Sequential(7, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam)]
[Dense(12, Activation.Gelu)]
[Dense(10, Activation.Elu)]
[Dropout(0.3)]
[Dense(9, Activation.Selu)]
[Dense(8, Activation.LeakyRelu, NegativeSlope = 0.1)]
[Dense(8, Activation.Softplus)]
[Dense(6, Activation.Silu)]
[Dense(5, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
internal sealed partial class EveryActivationNet;

[Sequential(33, Loss = Loss.BinaryCrossentropy)]
[Dense(17, Activation.Relu)]
[Dense(1, Activation.Sigmoid)]
internal sealed partial class SigmoidNet;

[Sequential(5, Loss = Loss.MeanSquaredError)]
[Dense(3)]
internal sealed partial class LinearNet;

/// <summary>
/// Exported models run in ONNX Runtime and give what AotNet's own Predict gives on 1,000 rows (1e-5 relative); the
/// files pass onnx's checker (python3-onnx) when it is installed.
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    private const int Rows = 1000;

    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_activation_matches_predict() => AssertMatches(WithBiases(EveryActivationNet.Create(11)), Uniform(Rows, 7, 2f, 1));

    [Fact]
    public void Sigmoid_outputs_match_predict() => AssertMatches(WithBiases(SigmoidNet.Create(12)), Uniform(Rows, 33, 1f, 2));

    [Fact]
    public void A_single_linear_layer_matches_predict() => AssertMatches(WithBiases(LinearNet.Create(13)), Uniform(Rows, 5, 3f, 3));

    [Fact]
    public void Imdb_matches_predict() => AssertMatches(WithBiases(ImdbNet.Create(4)), MultiHot(Rows, 10000, 5));

    [Fact]
    public void Reuters_matches_predict() => AssertMatches(WithBiases(ReutersNet.Create(5)), MultiHot(Rows, 10000, 6));

    [Fact]
    public void Boston_matches_predict() => AssertMatches(WithBiases(BostonNet.Create(6)), Uniform(Rows, 13, 2f, 7));

    [Fact]
    public void Export_command_gives_boston_a_graph_on_raw_features()
    {
        var model = WithBiases(BostonNet.Create(3));
        float[] mean = [3.6f, 11.4f, 11.1f, 0.07f, 0.55f, 6.3f, 68.6f, 3.8f, 9.5f, 408f, 18.5f, 356.7f, 12.7f];
        float[] std = [8.6f, 23.3f, 6.9f, 0.25f, 0.12f, 0.7f, 28.1f, 2.1f, 8.7f, 168f, 2.2f, 91.3f, 7.1f];
        string weights = Path.Combine(_dir, "boston.safetensors");
        ModelFactory.Save(model, weights, new Dictionary<string, string>
        {
            ["dataset"] = "boston_housing",
            ["normalization_mean"] = string.Join(",", mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            ["normalization_std"] = string.Join(",", std.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        });
        string onnx = Path.Combine(_dir, "boston.onnx");
        var output = new StringWriter();
        Assert.Equal(0, ExportCommand.Run(new ExportRequest("boston", weights, onnx), output));
        Assert.Contains("wrote", output.ToString());

        // raw features around the training statistics; AotNet's side normalises them as predict does
        var random = new Random(8);
        var raw = new DenseMatrix(Rows, 13);
        var normalised = new DenseMatrix(Rows, 13);
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < 13; c++)
            {
                raw.Row(r)[c] = mean[c] + std[c] * (float)(random.NextDouble() * 4 - 2);
                normalised.Row(r)[c] = (raw.Row(r)[c] - mean[c]) / std[c];
            }
        }

        using var trainer = new Trainer<BostonNet>(model, threads: 1);
        AssertClose(trainer.Predict(normalised), RunOnnx(File.ReadAllBytes(onnx), raw, 1), "boston raw features");
    }

    [Fact]
    public void Export_command_refuses_an_unknown_format_and_the_weights_file_itself()
    {
        string weights = Path.Combine(_dir, "imdb.safetensors");
        ModelFactory.Save(ImdbNet.Create(1), weights, new Dictionary<string, string> { ["dataset"] = "imdb" });
        var format = Assert.Throws<ArgumentException>(() => ExportCommand.Run(new ExportRequest("imdb", weights, Path.Combine(_dir, "imdb.pb")), TextWriter.Null));
        Assert.Contains("must end in .onnx, .keras, .weights.h5 or .safetensors", format.Message);
        var self = Assert.Throws<ArgumentException>(() => ExportCommand.Run(new ExportRequest("imdb", weights, weights), TextWriter.Null));
        Assert.Contains("is the weights file itself", self.Message);
        var other = Assert.Throws<InvalidDataException>(() => ExportCommand.Run(new ExportRequest("reuters", weights, Path.Combine(_dir, "r.onnx")), TextWriter.Null));
        Assert.Contains("not of ReutersNet", other.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "r.onnx")));
    }

    [Fact]
    public void Wrong_parameter_count_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.Write(LinearNet.Description, new float[3], new MemoryStream()));
        Assert.Contains("3 parameters given, the model has 18", e.Message);
    }

    private void AssertMatches<TModel>(TModel model, DenseMatrix inputs)
        where TModel : class, IModel<TModel>
    {
        using var trainer = new Trainer<TModel>(model, threads: 1);
        DenseMatrix expected = trainer.Predict(inputs);
        string path = Path.Combine(_dir, TModel.Description.Name + ".onnx");
        OnnxExport.WriteFile(model, path);
        AssertClose(expected, RunOnnx(File.ReadAllBytes(path), inputs, TModel.Description.Outputs), TModel.Description.Name);
    }

    internal static float[] RunOnnx(byte[] onnx, DenseMatrix inputs, int outputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        Assert.Equal(["input"], session.InputNames);
        Assert.Equal(["output"], session.OutputNames);
        using var input = OrtValue.CreateTensorValueFromMemory(inputs.Data.ToArray(), [inputs.Rows, inputs.Cols]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);
        Assert.Equal([inputs.Rows, outputs], results[0].GetTensorTypeAndShape().Shape);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>
    /// Within 1e-5 relative: of |expected|, or of the outputs' mean magnitude where an output is smaller (a linear output
    /// near 0 is a sum that cancels; its rounding is relative to its terms, not to the small result).
    /// </summary>
    internal static void AssertClose(DenseMatrix expected, float[] actual, string what)
    {
        Assert.Equal(expected.Data.Length, actual.Length);
        double scale = expected.Data.Average(v => Math.Abs((double)v));
        double worst = 0;
        int at = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float e = expected.Data[i];
            Assert.True(float.IsFinite(e), $"{what}: AotNet gave {e} at {i}");
            double relative = Math.Abs(actual[i] - e) / Math.Max(Math.Abs(e), scale);
            if (!(relative <= worst))
            {
                worst = relative;
                at = i;
            }
        }

        Assert.True(worst <= 1e-5, $"{what}: ONNX Runtime {actual[at]} vs AotNet {expected.Data[at]} at {at} (relative {worst:E2})");
    }

    [PythonOnnxFact]
    public void Onnx_checker_accepts_every_exported_model()
    {
        string[] paths = [Write(WithBiases(EveryActivationNet.Create(1))), Write(SigmoidNet.Create(1)), Write(LinearNet.Create(1)), Write(ImdbNet.Create(1)), Write(ReutersNet.Create(1))];
        string boston = Path.Combine(_dir, "boston-normalised.onnx");
        OnnxExport.WriteFile(BostonNet.Create(1), boston, new OnnxExportOptions { InputMean = new float[13], InputStd = Enumerable.Repeat(2f, 13).ToArray() });
        var (code, output) = PythonOnnx.Run(
            "import onnx, sys\n" +
            "for path in sys.argv[1:]:\n" +
            "    m = onnx.load(path)\n" +
            "    onnx.checker.check_model(m, full_check=True)\n" +
            "    print(m.ir_version, m.opset_import[0].version, len(m.graph.node))\n",
            [.. paths, boston]);
        Assert.True(code == 0, $"onnx.checker refused a file: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("8 17 ", line));
    }

    private string Write<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        string path = Path.Combine(_dir, TModel.Description.Name + "-checked.onnx");
        OnnxExport.WriteFile(model, path);
        return path;
    }

    private static TModel WithBiases<TModel>(TModel model)
        where TModel : class, IModel<TModel>
    {
        // Create gives zero biases; the export must carry them, so give them values
        var random = new Random(TModel.Description.Layers.Count);
        foreach (var layer in TModel.Description.Layers)
        {
            for (int u = 0; u < layer.Units; u++)
            {
                model.Parameters[layer.BiasOffset + u] = (float)(random.NextDouble() - 0.5) * 0.2f;
            }
        }

        return model;
    }

    internal static DenseMatrix Uniform(int rows, int cols, float scale, int seed)
    {
        var random = new Random(seed);
        var m = new DenseMatrix(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }

        return m;
    }

    private static DenseMatrix MultiHot(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var m = new DenseMatrix(rows, cols);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < 120; k++)
            {
                m.Row(r)[random.Next(cols)] = 1f;
            }
        }

        return m;
    }
}

/// <summary>Debian's python3 (/usr/bin/python3, where apt puts python3-onnx and python3-h5py), else the python3 on PATH.</summary>
internal static class PythonOnnx
{
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static bool Available { get; } = Run("import onnx", []).Code == 0;

    public static (int Code, string Output) Run(string script, IEnumerable<string> arguments)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>A fact that needs python3 with onnx (Debian python3-onnx; .ci/run installs it): skipped, with the reason, without it.</summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    public PythonOnnxFactAttribute()
    {
        if (!PythonOnnx.Available)
        {
            Skip = "python3-onnx is not installed (apt-get install python3-onnx; .ci/run installs it)";
        }
    }
}
