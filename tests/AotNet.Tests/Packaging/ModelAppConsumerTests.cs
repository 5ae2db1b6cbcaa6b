using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AotNet.IO;
using AotNet.Tests.Reliability;

namespace AotNet.Tests.Packaging;

/// <summary>
/// The "own model" promise end to end: the packed package, a project outside the solution (samples/AotNet.OwnModel:
/// a declaration and the one-line Program.cs) published with a plain <c>dotnet publish -c Release -r linux-x64</c>,
/// then its native binary fits the iris CSV (exported at test time from Debian's python3-sklearn) with the species'
/// names as labels, evaluates, predicts the names, stops on signals and refuses bad input and another model's weights;
/// the same consumer published for linux-arm64 runs under qemu and gives the same bits. Slow (pack + two NativeAOT
/// publishes, several minutes).
/// </summary>
public sealed class ModelAppConsumerTests : IDisposable
{
    private const string IrisCsv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv";

    private readonly string _root = Directory.CreateTempSubdirectory("aotnet-host-").FullName;
    private readonly string _version = "0.1.0-host." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        string cached = Path.Combine(PackageConsumerTests.GlobalPackagesFolder(), "aotnet", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_published_consumer_fits_evaluates_and_predicts_named_classes()
    {
        Assert.True(File.Exists(IrisCsv), $"{IrisCsv} is missing: apt-get install python3-sklearn (.ci/run does)");
        string binary = Publish();

        // the data: the sample's export script, a seeded 80/20 split with the species' names
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        var export = Run("/usr/bin/python3", [Path.Combine(Sample, "export_iris.py"), data]);
        Assert.True(export.Code == 0, export.Err);
        string train = Path.Combine(data, "iris_train.csv"), test = Path.Combine(data, "iris_test.csv");

        var summary = Run(binary, ["summary"]);
        Assert.Equal(0, summary.Code);
        Assert.Contains("Model: \"IrisNet\"", summary.Out);
        Assert.Contains("Total params: 131", summary.Out); // 4*16+16 + 16*3+3
        Assert.Contains("Adam", summary.Out);

        string weights = Path.Combine(_root, "iris.safetensors"), output = Path.Combine(_root, "out");
        var fit = Run(binary, ["fit", "--data", train, "--label", "species", "--epochs", "100", "--batch-size", "16", "--seed", "1", "--validation-data", test, "--out", output, "--save-weights", weights]);
        Assert.True(fit.Code == 0, fit.Out + fit.Err);
        Assert.Contains("Epoch 100/100", fit.Out);
        Assert.True(File.Exists(weights));
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json"))))
        {
            Assert.Equal(["setosa", "versicolor", "virginica"], results.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(100, results.RootElement.GetProperty("history").GetProperty("val_accuracy").GetArrayLength());
        }

        Assert.True(File.Exists(Path.Combine(output, "loss.svg")));
        Assert.True(File.Exists(Path.Combine(output, "accuracy.svg")));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(output, "report.html")));

        // evaluate: PyTorch's accuracy with the same recipe on the same split (samples/AotNet.OwnModel/torch_reference.json)
        var evaluate = Run(binary, ["evaluate", "--data", test, "--label", "species", "--weights", weights]);
        Assert.True(evaluate.Code == 0, evaluate.Err);
        double accuracy = double.Parse(evaluate.Out.Split('\n').First(l => l.StartsWith("accuracy: ", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
        using (var torch = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sample, "torch_reference.json"))))
        {
            double reference = torch.RootElement.GetProperty("mean_test_accuracy").GetDouble();
            Assert.True(accuracy >= reference - (1.0 / 30) - 1e-9, $"test accuracy {accuracy} below PyTorch's {reference} less one sample\n{evaluate.Out}");
        }

        Assert.Contains("confusion matrix", evaluate.Out);
        Assert.Contains("virginica", evaluate.Out);

        // predict: class names and probabilities, from a file and from stdin
        var predict = Run(binary, ["predict", "--weights", weights, "--data", test]);
        Assert.True(predict.Code == 0, predict.Err);
        string[] lines = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("class,p_setosa,p_versicolor,p_virginica", lines[0]);
        Assert.Equal(31, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Contains(l.Split(',')[0], new[] { "setosa", "versicolor", "virginica" }));
        var piped = Run(binary, ["predict", "--weights", weights], "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        Assert.True(piped.Code == 0, piped.Err);
        string[] pipedLines = piped.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, pipedLines.Length);
        Assert.StartsWith("setosa,", pipedLines[1]);
        Assert.StartsWith("virginica,", pipedLines[2]);

        // errors: one line, exit 1
        AssertOneLineError(Run(binary, ["fit", "--data", train, "--label", "specie"]), "did you mean 'species'?");
        AssertOneLineError(Run(binary, ["fti", "--data", train]), "did you mean 'fit'?");
        AssertOneLineError(Run(binary, ["fit", "--data", train, "--label", "species", "--save-weights", train]), "writing there would destroy it");
        AssertOneLineError(Run(binary, ["predict", "--weights", weights], "1,2,3\n"), "stdin line 1: 3 values, but the model takes 4");
        string ragged = Path.Combine(data, "ragged.csv");
        File.WriteAllText(ragged, "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,setosa\n");
        AssertOneLineError(Run(binary, ["fit", "--data", ragged, "--label", "species"]), $"{ragged}: line 3: 4 fields, but the header has 5");
        string fourClasses = Path.Combine(data, "four.csv");
        File.WriteAllText(fourClasses, "a,b,c,d,species\n1,2,3,4,w\n1,2,3,4,x\n1,2,3,4,y\n1,2,3,4,z\n");
        AssertOneLineError(Run(binary, ["fit", "--data", fourClasses, "--label", "species"]), "'z' is class number 4, but the model tells 3 classes apart");

        // weights of another model (same shapes, another name) are refused
        string other = Path.Combine(_root, "other.safetensors");
        var (tensors, metadata) = SafeTensors.Deserialize(File.ReadAllBytes(weights));
        metadata["model"] = "OtherNet";
        File.WriteAllBytes(other, SafeTensors.Serialize(tensors.Values.ToList(), metadata));
        AssertOneLineError(Run(binary, ["predict", "--weights", other, "--data", test]), "holds weights of OtherNet");

        // seeds over indexed jobs (issue 24 item 5): three processes given JOB_COMPLETION_INDEX=0..2 train as
        // `fit --seed I` does, bit for bit, each into its own DIR/seed-I; merge gives each seed's curves and their mean
        string runs = Path.Combine(_root, "runs");
        string[] recipe = ["--data", train, "--label", "species", "--epochs", "20", "--batch-size", "16", "--validation-data", test, "--quiet"];
        var singles = new List<JsonElement>();
        for (int i = 0; i < 3; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture), single = Path.Combine(_root, "single-" + index);
            var job = Run(binary, ["fit", "--seed", "env", .. recipe, "--out", runs], environment: JobEnvironment(index));
            Assert.True(job.Code == 0, job.Err);
            var alone = Run(binary, ["fit", "--seed", index, .. recipe, "--out", single]);
            Assert.True(alone.Code == 0, alone.Err);
            singles.Add(JsonDocument.Parse(File.ReadAllText(Path.Combine(single, "results.json"))).RootElement);
            Assert.Equal(
                singles[i].GetProperty("history").GetRawText(),
                JsonDocument.Parse(File.ReadAllText(Path.Combine(runs, "seed-" + index, "results.json"))).RootElement.GetProperty("history").GetRawText());
        }

        string mergedDir = Path.Combine(_root, "merged");
        var merge = Run(binary, ["merge", "--out", mergedDir, Path.Combine(runs, "seed-2"), Path.Combine(runs, "seed-0"), Path.Combine(runs, "seed-1")]);
        Assert.True(merge.Code == 0, merge.Err);
        var merged = JsonDocument.Parse(File.ReadAllText(Path.Combine(mergedDir, "results.json"))).RootElement;
        Assert.Equal([0UL, 1UL, 2UL], merged.GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()));
        double lastLoss = (singles[0].GetProperty("history").GetProperty("val_loss")[19].GetDouble()
            + singles[1].GetProperty("history").GetProperty("val_loss")[19].GetDouble()
            + singles[2].GetProperty("history").GetProperty("val_loss")[19].GetDouble()) / 3;
        Assert.Equal(lastLoss, merged.GetProperty("history").GetProperty("val_loss")[19].GetDouble());
        AssertOneLineError(Run(binary, ["fit", "--seed", "env", .. recipe], environment: JobEnvironment(string.Empty)), "JOB_COMPLETION_INDEX");

        // linux-arm64: the same consumer cross-published (package targets: armv8-a) and run under qemu gives the same
        // weights and predictions, bit for bit, as x64 (the determinism contract), and evaluates the same
        string arm64 = PublishArm64();
        string armWeights = Path.Combine(_root, "iris-arm64.safetensors");
        var armFit = Run(Qemu, [.. QemuArgs, arm64, "fit", "--data", train, "--label", "species", "--epochs", "100", "--batch-size", "16", "--seed", "1", "--validation-data", test, "--out", Path.Combine(_root, "out-arm64"), "--save-weights", armWeights]);
        Assert.True(armFit.Code == 0, armFit.Out + armFit.Err);
        Assert.Equal(File.ReadAllBytes(weights), File.ReadAllBytes(armWeights));
        var armEvaluate = Run(Qemu, [.. QemuArgs, arm64, "evaluate", "--data", test, "--label", "species", "--weights", armWeights]);
        Assert.True(armEvaluate.Code == 0, armEvaluate.Err);
        Assert.Equal(evaluate.Out, armEvaluate.Out);
        var armPredict = Run(Qemu, [.. QemuArgs, arm64, "predict", "--weights", armWeights, "--data", test]);
        Assert.True(armPredict.Code == 0, armPredict.Err);
        Assert.Equal(predict.Out, armPredict.Out);

        // signals: SIGTERM and SIGINT stop a long fit with 143 and 130, leaving no weights
        foreach (var (signal, code) in new[] { ("TERM", 143), ("INT", 130) })
        {
            string stopped = Path.Combine(_root, $"stopped-{signal}.safetensors");
            var (result, _) = await AppProcess.RunAndSignal(
                ["fit", "--data", train, "--label", "species", "--epochs", "1000000", "--save-weights", stopped],
                line => line.StartsWith("Epoch 2/", StringComparison.Ordinal), signal, program: binary);
            Assert.Equal(code, result.Code);
            Assert.False(File.Exists(stopped));
            Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private static string Sample => Path.Combine(TestData.RepoRoot, "samples", "AotNet.OwnModel");

    /// <summary>A Kubernetes job's index (empty: none), the other engines' variables emptied (an empty one counts as unset).</summary>
    private static Dictionary<string, string> JobEnvironment(string index) =>
        new() { ["JOB_COMPLETION_INDEX"] = index, ["SLURM_ARRAY_TASK_ID"] = string.Empty, ["AWS_BATCH_JOB_ARRAY_INDEX"] = string.Empty };

    private static void AssertOneLineError(AppProcess.Result result, string expected)
    {
        Assert.Equal(1, result.Code);
        Assert.Contains(expected, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("internal error", result.Err);
    }

    /// <summary>Packs the package, copies the sample outside the solution and publishes it with a plain <c>dotnet publish -c Release -r linux-x64</c>.</summary>
    private string Publish()
    {
        string feed = Path.Combine(_root, "feed"), consumer = Path.Combine(_root, "consumer");
        Directory.CreateDirectory(consumer);
        var pack = PackageConsumerTests.Pack(_root, feed, _version);
        Assert.True(pack.Code == 0, pack.Output);
        PackageConsumerTests.OutsideTheSolution(consumer, feed);

        foreach (string file in new[] { "IrisNet.cs", "Program.cs", "IrisModel.csproj" })
        {
            File.Copy(Path.Combine(Sample, file), Path.Combine(consumer, file));
        }

        var publish = PackageConsumerTests.Dotnet(consumer, "publish", "-c", "Release", "-r", "linux-x64", $"-p:AotNetVersion={_version}", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Assert.True(publish.Code == 0, publish.Output);
        Assert.DoesNotContain("AOTNET100", publish.Output);
        Assert.DoesNotContain("warning IL", publish.Output);
        string binary = Path.Combine(consumer, "bin", "Release", "net10.0", "linux-x64", "publish", "IrisModel");
        Assert.True(File.Exists(binary), publish.Output);

        // fast by default: the package's buildTransitive targets gave ILC x86-64-v3, so the kernels use hardware FMA
        string rsp = Directory.EnumerateFiles(Path.Combine(consumer, "obj"), "*.ilc.rsp", SearchOption.AllDirectories).Single(f => f.Contains("linux-x64", StringComparison.Ordinal));
        Assert.Contains("--instruction-set:x86-64-v3", File.ReadAllText(rsp));
        var objdump = Run("objdump", ["-d", "--no-show-raw-insn", binary]);
        Assert.Contains("vfmadd", objdump.Out);

        // the default can be declined, with a warning that says what it costs
        var slow = PackageConsumerTests.Dotnet(consumer, "msbuild", "IrisModel.csproj", "-t:_AotNetWarnSoftwareFma", "-p:PublishAot=true", "-p:RuntimeIdentifier=linux-x64",
            "-p:IlcInstructionSet=x86-64-v2", $"-p:AotNetVersion={_version}", "-restore", "-nodeReuse:false");
        Assert.Contains("AOTNET100", slow.Output);
        return binary;
    }

    private const string Qemu = "qemu-aarch64-static";

    private static readonly string[] QemuArgs = ["-L", "/usr/aarch64-linux-gnu"];

    /// <summary>Cross-publishes the consumer of <see cref="Publish"/> for linux-arm64 (clang + the gcc cross toolchain, docs/arm64.md; .ci/run installs them).</summary>
    private string PublishArm64()
    {
        string consumer = Path.Combine(_root, "consumer");
        var publish = PackageConsumerTests.Dotnet(consumer, "publish", "-c", "Release", "-r", "linux-arm64", $"-p:AotNetVersion={_version}", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Assert.True(publish.Code == 0, publish.Output);
        Assert.DoesNotContain("warning IL", publish.Output);
        string rsp = Directory.EnumerateFiles(Path.Combine(consumer, "obj"), "*.ilc.rsp", SearchOption.AllDirectories).Single(f => f.Contains("linux-arm64", StringComparison.Ordinal));
        Assert.Contains("--instruction-set:armv8-a", File.ReadAllText(rsp));
        string binary = Path.Combine(consumer, "bin", "Release", "net10.0", "linux-arm64", "publish", "IrisModel");
        Assert.True(File.Exists(binary), publish.Output);
        return binary;
    }

    private static AppProcess.Result Run(string program, string[] args, string? stdin = null, Dictionary<string, string>? environment = null)
    {
        var info = AppProcess.StartInfo(args, environment, program);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 3 minutes");
        }

        process.WaitForExit();
        return new AppProcess.Result(process.ExitCode, output.Result, error.Result);
    }
}
