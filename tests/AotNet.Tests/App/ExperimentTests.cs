using System.Text.Json;

namespace AotNet.Tests.App;

/// <summary>The experiments end to end through the command line, on the real Keras files.</summary>
[Collection(AllocationMeasurements.Name)]
public class ExperimentTests
{
    private static string Data => TestData.Require();

    /// <summary>
    /// Runs aotnet as its own process (the published binary when AOTNET_BINARY is set, as in CI, else
    /// <c>dotnet aotnet.dll</c>) where results include <c>allocated_bytes_after_first_epoch</c>: that count is the
    /// training threads' own allocation counter, and inside the test host those threads share the process with the
    /// test framework, the JIT's tiering of whatever earlier tests ran, and leftovers of other tests (issue 13 saw
    /// 2,504 B once in a full run, never alone). In its own process, only the product runs.
    /// </summary>
    private static void RunAlone(int timeoutSeconds, params string[] args)
    {
        var result = Reliability.AppProcess.Run(args, timeoutSeconds: timeoutSeconds);
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(string.Empty, result.Err);
    }

    [RealDataFact]
    public void AllWritesResultsFiguresAndReportInTheDocumentedShape()
    {
        string outDir = AppRun.TempDir();
        RunAlone(600, "all", "--epochs", "2", "--data-dir", Data, "--out", outDir, "--quiet");

        var results = AppRun.Results(outDir);
        foreach (string name in new[] { "imdb", "reuters" })
        {
            var r = results.GetProperty(name);
            Assert.Equal(["history", "test", "best_epoch", "seconds", "allocated_bytes_after_first_epoch", "run"], r.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["finished_at", "command", "version", "settings", "machine"], r.GetProperty("run").EnumerateObject().Select(p => p.Name));
            Assert.Equal(2, r.GetProperty("run").GetProperty("settings").GetProperty("epochs").GetInt32());
            Assert.Equal(512, r.GetProperty("run").GetProperty("settings").GetProperty("batch_size").GetInt32());
            Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], r.GetProperty("history").EnumerateObject().Select(p => p.Name));
            Assert.All(r.GetProperty("history").EnumerateObject(), p => Assert.Equal(2, p.Value.GetArrayLength()));
            Assert.Equal(["loss", "accuracy"], r.GetProperty("test").EnumerateObject().Select(p => p.Name));
            Assert.InRange(r.GetProperty("best_epoch").GetInt32(), 1, 2);
            Assert.Equal(0, r.GetProperty("allocated_bytes_after_first_epoch").GetInt64());
        }

        var boston = results.GetProperty("boston");
        Assert.Equal(5, boston.GetProperty("folds").GetArrayLength());
        Assert.Equal(["val_mae", "val_loss"], boston.GetProperty("folds")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, boston.GetProperty("mean_val_mae").GetArrayLength());
        Assert.Equal(["mae", "loss"], boston.GetProperty("test").EnumerateObject().Select(p => p.Name));

        Assert.Equal(1, boston.GetProperty("run").GetProperty("settings").GetProperty("batch_size").GetInt32());
        Assert.Equal(5, boston.GetProperty("run").GetProperty("settings").GetProperty("folds").GetInt32());
        string[] figures = ["imdb_loss.svg", "imdb_accuracy.svg", "reuters_loss.svg", "reuters_accuracy.svg", "boston_mae.svg", "boston_folds.svg", "boston_mae_smoothed.svg"];
        foreach (string figure in figures)
        {
            var svg = System.Xml.Linq.XDocument.Load(Path.Combine(outDir, figure));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
        }

        string report = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Equal(7, System.Text.RegularExpressions.Regex.Matches(report, "<svg").Count);
        Assert.Contains("test loss / accuracy", report);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [RealDataFact]
    public void SeedSettingsReachTheReferenceResults()
    {
        // the seed's full settings; PyTorch with the same rules: 0.860 / 0.888, 0.795 / 0.818, 2.27; book: test MAE 2.55
        string outDir = AppRun.TempDir();
        RunAlone(900, "all", "--data-dir", Data, "--out", outDir, "--quiet");
        var results = AppRun.Results(outDir);

        var imdb = results.GetProperty("imdb");
        Assert.True(imdb.GetProperty("test").GetProperty("accuracy").GetDouble() >= 0.85, $"imdb test: {imdb.GetProperty("test")}");
        Assert.InRange(AppRun.Doubles(imdb.GetProperty("history").GetProperty("val_accuracy")).Max(), 0.88, 1);

        var reuters = results.GetProperty("reuters");
        Assert.InRange(reuters.GetProperty("test").GetProperty("accuracy").GetDouble(), 0.78, 1);
        Assert.InRange(AppRun.Doubles(reuters.GetProperty("history").GetProperty("val_accuracy")).Max(), 0.80, 1);

        var boston = results.GetProperty("boston");
        Assert.Equal(500, boston.GetProperty("mean_val_mae").GetArrayLength());
        Assert.Equal(490, boston.GetProperty("smoothed_val_mae").GetArrayLength());
        Assert.InRange(AppRun.Doubles(boston.GetProperty("mean_val_mae")).Min(), 0, 2.4);
        Assert.InRange(boston.GetProperty("test").GetProperty("mae").GetDouble(), 0, 3.0);
        // Boston is left out here: under the JIT the runtime itself has been seen to allocate ~11 KB on a fold thread
        // mid-run (open; batch-1 Fit allocating nothing is checked in FusedTrainRowTests, and the full run in the
        // native binary by TheNativeBinaryAllocatesNothingAfterTheFirstEpoch)
        foreach (string name in new[] { "imdb", "reuters" })
        {
            long allocated = results.GetProperty(name).GetProperty("allocated_bytes_after_first_epoch").GetInt64();
            Assert.True(allocated == 0, $"{name}: {allocated} bytes allocated after the first epoch");
        }
    }

    [RealDataTheory]
    [InlineData("imdb", "3")]
    [InlineData("reuters", "3")]
    [InlineData("boston", "4")]
    public void RepeatedRunsAndAnyThreadCountGiveIdenticalResults(string experiment, string epochs)
    {
        string[] Run(string threads)
        {
            string outDir = AppRun.TempDir();
            var (code, error) = AppRun.Cli(experiment, "--epochs", epochs, "--threads", threads, "--data-dir", Data, "--out", outDir, "--quiet");
            Assert.True(code == 0, error);
            var r = AppRun.Results(outDir).GetProperty(experiment);
            // everything but the timings
            return experiment == "boston"
                ? [r.GetProperty("folds").GetRawText(), r.GetProperty("test").GetRawText(), r.GetProperty("best_epoch").GetRawText()]
                : [r.GetProperty("history").GetRawText(), r.GetProperty("test").GetRawText()];
        }

        var one = Run("1");
        Assert.Equal(one, Run("1"));
        Assert.Equal(one, Run("2"));
        Assert.Equal(one, Run("3"));
    }

    [RealDataFact]
    public void SavedWeightsLoadAsInitialWeights()
    {
        string dir = AppRun.TempDir();
        string weights = Path.Combine(dir, "boston.safetensors");
        var (code, error) = AppRun.Cli("boston", "--epochs", "3", "--folds", "2", "--data-dir", Data, "--out", dir, "--save-weights", weights, "--quiet");
        Assert.True(code == 0, error);
        var (tensors, metadata) = AotNet.IO.SafeTensors.Deserialize(File.ReadAllBytes(weights));
        Assert.Equal(["dense_0.bias", "dense_0.kernel", "dense_1.bias", "dense_1.kernel", "dense_2.bias", "dense_2.kernel"], tensors.Keys.Order());
        Assert.Equal([13, 64], tensors["dense_0.kernel"].Shape);
        Assert.Equal("BostonNet", metadata["model"]);
        Assert.Equal(13, metadata["normalization_mean"].Split(',').Length);

        // starting every fold from the saved weights changes the first epoch's validation error
        string fresh = AppRun.TempDir(), warm = AppRun.TempDir();
        Assert.Equal(0, AppRun.Cli("boston", "--epochs", "1", "--folds", "2", "--data-dir", Data, "--out", fresh, "--quiet").ExitCode);
        Assert.Equal(0, AppRun.Cli("boston", "--epochs", "1", "--folds", "2", "--data-dir", Data, "--out", warm, "--initial-weights", weights, "--quiet").ExitCode);
        double Mae(string o) => AppRun.Results(o).GetProperty("boston").GetProperty("mean_val_mae")[0].GetDouble();
        Assert.NotEqual(Mae(fresh), Mae(warm));

        // an imdb model cannot start from boston weights
        var (wrong, message) = AppRun.Cli("imdb", "--epochs", "1", "--data-dir", Data, "--out", dir, "--initial-weights", weights, "--quiet");
        Assert.Equal(1, wrong);
        Assert.Contains("shape", message);
    }

    [RealDataFact]
    public void NoShuffleTrainsInDataOrderAndDiffersFromShuffled()
    {
        string a = AppRun.TempDir(), b = AppRun.TempDir();
        Assert.Equal(0, AppRun.Cli("imdb", "--epochs", "2", "--data-dir", Data, "--out", a, "--quiet").ExitCode);
        Assert.Equal(0, AppRun.Cli("imdb", "--epochs", "2", "--no-shuffle", "--data-dir", Data, "--out", b, "--quiet").ExitCode);
        Assert.NotEqual(
            AppRun.Results(a).GetProperty("imdb").GetProperty("history").GetRawText(),
            AppRun.Results(b).GetProperty("imdb").GetProperty("history").GetRawText());
    }

    [Theory]
    [InlineData("imdb --epochs 0", "--epochs")]
    [InlineData("imdb --epochs many", "many")]
    [InlineData("reuters --batch-size -3", "--batch-size")]
    [InlineData("boston --folds 1", "--folds")]
    [InlineData("boston --threads 0", "--threads")]
    [InlineData("boston --smoothing median", "median")]
    [InlineData("all --save-weights w.safetensors", "one model")]
    [InlineData("cifar", "cifar")]
    public void RefusesBadArguments(string args, string mentioned)
    {
        var (code, error) = AppRun.Cli(args.Split(' '));
        Assert.NotEqual(0, code);
        Assert.Contains(mentioned, error);
    }

    [RealDataFact]
    public void RefusesMoreFoldsThanSamplesAndMissingInitialWeights()
    {
        string outDir = AppRun.TempDir();
        var (code, error) = AppRun.Cli("boston", "--folds", "405", "--epochs", "1", "--data-dir", Data, "--out", outDir, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("405 folds", error);

        (code, error) = AppRun.Cli("boston", "--epochs", "1", "--data-dir", Data, "--out", outDir, "--initial-weights", Path.Combine(outDir, "nope.safetensors"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("nope.safetensors", error);
        Assert.DoesNotContain("   at ", error);
    }

    /// <summary>
    /// The shipped number: the seed's full run in the published binary reports 0 bytes after the first epoch for all
    /// three experiments (the workers sleep on futexes: Native AOT's monitor once allocated 120 B for IMDB in a
    /// loaded CI run). Run alone (this class's collection), it still shares the cores with whatever else runs.
    /// </summary>
    [NativeBinaryFact]
    public void TheNativeBinaryAllocatesNothingAfterTheFirstEpoch()
    {
        string outDir = AppRun.TempDir();
        var (code, _, error) = AppRun.Binary("all", "--data-dir", Data, "--out", outDir, "--quiet");
        Assert.True(code == 0, error);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        foreach (string name in new[] { "imdb", "reuters", "boston" })
        {
            long allocated = results.RootElement.GetProperty(name).GetProperty("allocated_bytes_after_first_epoch").GetInt64();
            Assert.True(allocated == 0, $"{name}: {allocated} bytes allocated after the first epoch");
        }
    }

    [NativeBinaryFact]
    public void TheNativeBinaryShowsTheFirstReviewAndRunsAnExperiment()
    {
        var (code, output, error) = AppRun.Binary("data", "imdb", "--index", "0", "--data-dir", Data);
        Assert.True(code == 0, error);
        Assert.Contains("this film was just brilliant casting location scenery story direction", output);

        string outDir = AppRun.TempDir();
        (code, output, error) = AppRun.Binary("boston", "--epochs", "3", "--folds", "2", "--data-dir", Data, "--out", outDir);
        Assert.True(code == 0, error);
        Assert.Contains("fold 2/2", output);
        Assert.Contains("final model test mae", output);
        Assert.True(File.Exists(Path.Combine(outDir, "boston_mae_smoothed.svg")));
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        Assert.Equal(3, results.RootElement.GetProperty("boston").GetProperty("mean_val_mae").GetArrayLength());
    }
}
