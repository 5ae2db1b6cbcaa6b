using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace AotNet.Tests.Packaging;

/// <summary>
/// The package as a user gets it: packs the runtime (with the generator inside) into a temporary folder feed, then
/// builds and runs a project outside the solution that declares its own model, trains it and saves/loads weights.
/// Slow (pack + restore + build, about a minute): <c>--filter Category!=Slow</c> leaves it out.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(6);

    private readonly string _root = Directory.CreateTempSubdirectory("aotnet-pkg-").FullName;

    // a version no earlier run used, so the global packages folder can hold no stale copy
    private readonly string _version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        string cached = Path.Combine(GlobalPackagesFolder(), "aotnet", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }

        string id = Path.GetDirectoryName(cached)!;
        if (Directory.Exists(id) && !Directory.EnumerateFileSystemEntries(id).Any())
        {
            Directory.Delete(id);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Packed_library_builds_and_trains_a_consumer_model()
    {
        string feed = Path.Combine(_root, "feed");
        string consumer = Path.Combine(_root, "consumer");
        Directory.CreateDirectory(consumer);

        // 1. pack; build outputs go to a private artifacts folder so the repository's own bin/obj stay untouched
        var pack = Pack(_root, feed, _version);
        Assert.True(pack.Code == 0, pack.Output);
        string nupkg = Path.Combine(feed, $"AotNet.{_version}.nupkg");
        Assert.True(File.Exists(nupkg), pack.Output);
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("lib/net10.0/AotNet.Runtime.dll", entries);
            Assert.Contains("lib/net10.0/AotNet.Runtime.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/AotNet.Generator.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            using var nuspec = new StreamReader(zip.GetEntry("AotNet.nuspec")!.Open());
            string spec = nuspec.ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", spec);
            Assert.Contains("id=\"System.Numerics.Tensors\"", spec);
            Assert.Contains("id=\"CommunityToolkit.HighPerformance\"", spec);
            Assert.DoesNotContain("AotNet.Generator", spec);
        }

        // 2. a consumer outside the solution
        OutsideTheSolution(consumer, feed);

        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsAotCompatible>true</IsAotCompatible>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AotNet" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);

        var build = Dotnet(consumer, "build", "-c", "Release", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Assert.True(build.Code == 0, build.Output);
        Assert.Contains(" 0 Warning(s)", build.Output);

        // 3. run it: it trains, and reports losses and a weights round trip
        var run = Dotnet(consumer, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));
        Assert.True(run.Code == 0, run.Output);
        var values = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        Assert.Equal("4 → 8 relu → 1 sigmoid", values["topology"]);
        double first = double.Parse(values["first_loss"], CultureInfo.InvariantCulture);
        double last = double.Parse(values["last_loss"], CultureInfo.InvariantCulture);
        double accuracy = double.Parse(values["val_accuracy"], CultureInfo.InvariantCulture);
        Assert.True(last < 0.6 * first, run.Output);
        Assert.True(accuracy > 0.85, run.Output);
        Assert.Equal("True", values["reloaded_equal"]);

        // the regularised model: dropout, L2, Gelu/LeakyRelu, integer labels, all through the package
        Assert.Equal("4 → 16 gelu → dropout 0.2 → 8 leakyrelu → 2 softmax", values["regularized_topology"]);
        Assert.True(double.Parse(values["regularized_val_accuracy"], CultureInfo.InvariantCulture) > 0.85, run.Output);
        Assert.True(double.Parse(values["regularized_penalty"], CultureInfo.InvariantCulture) > 0, run.Output);

        // this wave's features through the package: several metrics, AdamW, a schedule, class weights, ReduceLROnPlateau
        Assert.Equal("loss,accuracy,auc,precision,recall,val_loss,val_accuracy,val_auc,val_precision,val_recall", values["metrics_keys"]);
        Assert.True(double.Parse(values["metrics_val_auc"], CultureInfo.InvariantCulture) > 0.9, run.Output);
        Assert.Equal(values["metrics_val_auc"], values["metrics_evaluate_auc"]);
        Assert.Equal("True", values["unit_class_weights_equal"]); // class weights of 1 = no weights, bit for bit
        Assert.Equal("False", values["class_weights_differ"]); // other class weights move the weights
        Assert.Equal("True", values["constant_schedule_equal"]); // ExponentialDecay with rate 1 = the declared rate, bit for bit
        Assert.Equal("True", values["plateau_reduced"]);
        Assert.Equal("True", values["adamw_decays"]);
    }

    // The consumer: a model declared with the package's attributes (so the generator in the package must run),
    // trained with Trainer<T>.Fit, evaluated, saved and reloaded as safetensors.
    private const string ConsumerProgram = """
        using System.Globalization;
        using AotNet;
        using AotNet.Data;
        using AotNet.IO;
        using AotNet.Training;

        var random = new DeterministicRandom(3);
        LabeledData Make(int rows)
        {
            var x = new DenseMatrix(rows, 4);
            var y = new DenseMatrix(rows, 1);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < 4; c++)
                {
                    x.Row(r)[c] = random.NextSingle(-1f, 1f);
                }

                y.Row(r)[0] = x.Row(r)[0] + x.Row(r)[1] - x.Row(r)[2] > 0 ? 1f : 0f;
            }

            return new LabeledData(x, y);
        }

        var train = Make(800);
        var validation = Make(200);
        var model = TinyNet.Create(seed: 1);
        using var trainer = new Trainer<TinyNet>(model);
        var history = trainer.Fit(train, validation, new FitOptions { Epochs = 30, BatchSize = 32, Seed = 5 });
        var evaluation = trainer.Evaluate(validation);

        string path = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.safetensors");
        File.WriteAllBytes(path, SafeTensors.Serialize(SafeTensors.FromModel(TinyNet.Description, model.Parameters)));
        var reloaded = TinyNet.Create(seed: 2);
        SafeTensors.ToModel(TinyNet.Description, SafeTensors.Deserialize(File.ReadAllBytes(path)).Tensors, reloaded.Parameters);
        File.Delete(path);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"topology = {TinyNet.Description.Topology}");
        Console.WriteLine(string.Create(inv, $"first_loss = {history.Loss[0]:R}"));
        Console.WriteLine(string.Create(inv, $"last_loss = {history.Loss[^1]:R}"));
        Console.WriteLine(string.Create(inv, $"val_accuracy = {evaluation.Metric:R}"));
        Console.WriteLine($"reloaded_equal = {reloaded.Parameters.AsSpan().SequenceEqual(model.Parameters)}");

        // integer labels: the target matrix's one column holds the class index
        var regularized = RegularizedNet.Create(seed: 1);
        using var regularizedTrainer = new Trainer<RegularizedNet>(regularized);
        regularizedTrainer.Fit(train, validation, new FitOptions { Epochs = 30, BatchSize = 32, Seed = 5 });
        Console.WriteLine($"regularized_topology = {RegularizedNet.Description.Topology}");
        Console.WriteLine(string.Create(inv, $"regularized_val_accuracy = {regularizedTrainer.Evaluate(validation).Metric:R}"));
        Console.WriteLine(string.Create(inv, $"regularized_penalty = {regularized.RegularizationLoss():R}"));

        // several metrics, AdamW with a cosine schedule
        var metricsModel = MetricsNet.Create(seed: 1);
        using var metricsTrainer = new Trainer<MetricsNet>(metricsModel);
        var metricsHistory = metricsTrainer.Fit(train, validation, new FitOptions { Epochs = 20, BatchSize = 32, Seed = 5, LearningRateSchedule = new CosineDecay(0.01, 500) });
        Console.WriteLine($"metrics_keys = {string.Join(",", metricsHistory.Keys)}");
        Console.WriteLine(string.Create(inv, $"metrics_val_auc = {metricsHistory["val_auc"][^1]:R}"));
        Console.WriteLine(string.Create(inv, $"metrics_evaluate_auc = {metricsTrainer.Evaluate(validation)["auc"]:R}"));

        // class weights: all 1 gives the bits of no weights; others change the training
        float[] FitWeights(IReadOnlyDictionary<int, double>? classWeight, LearningRateSchedule? schedule = null)
        {
            var m = MetricsNet.Create(seed: 2);
            using var t = new Trainer<MetricsNet>(m);
            t.Fit(train, null, new FitOptions { Epochs = 3, BatchSize = 64, Seed = 5, ClassWeight = classWeight, LearningRateSchedule = schedule });
            return m.Parameters;
        }

        var plain = FitWeights(null);
        Console.WriteLine($"unit_class_weights_equal = {plain.AsSpan().SequenceEqual(FitWeights(new Dictionary<int, double> { [0] = 1, [1] = 1 }))}");
        Console.WriteLine($"class_weights_differ = {plain.AsSpan().SequenceEqual(FitWeights(new Dictionary<int, double> { [0] = 1, [1] = 3 }))}");
        Console.WriteLine($"constant_schedule_equal = {plain.AsSpan().SequenceEqual(FitWeights(null, new ExponentialDecay(MetricsNet.LearningRate, 10, 1.0)))}");

        // ReduceLROnPlateau: the history's learning_rate falls when val_loss stops improving
        var plateauModel = MetricsNet.Create(seed: 3);
        using var plateauTrainer = new Trainer<MetricsNet>(plateauModel);
        var plateauHistory = plateauTrainer.Fit(train, validation, new FitOptions { Epochs = 30, BatchSize = 32, Seed = 5, ReduceLROnPlateau = new ReduceLROnPlateau { Patience = 1, MinDelta = 0.05 } });
        Console.WriteLine($"plateau_reduced = {plateauHistory["learning_rate"][^1] < plateauHistory["learning_rate"][0]}");

        // AdamW: zero inputs give dense_0.kernel a zero gradient, so only the decay moves it: w · (1 − 0.004 · lr) a step
        var decayed = MetricsNet.Create(seed: 4);
        float[] kernel0 = decayed.Dense0Kernel.ToArray();
        using (var decayTrainer = new Trainer<MetricsNet>(decayed))
        {
            decayTrainer.Fit(new LabeledData(new DenseMatrix(64, 4), new DenseMatrix(64, 1)), null, new FitOptions { Epochs = 5, BatchSize = 64 });
        }

        bool shrunk = true;
        for (int i = 0; i < kernel0.Length; i++)
        {
            double expected = kernel0[i] * Math.Pow(1 - (0.004 * 0.01), 5);
            shrunk &= Math.Abs(decayed.Dense0Kernel[i] - expected) <= 1e-6 * Math.Abs(kernel0[i]) && (kernel0[i] == 0 || Math.Abs(decayed.Dense0Kernel[i]) < Math.Abs(kernel0[i]));
        }

        Console.WriteLine($"adamw_decays = {shrunk}");

        [Sequential(4, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
        [Dense(8, Activation.Relu)]
        [Dense(1, Activation.Sigmoid)]
        internal sealed partial class TinyNet;

        [Sequential(4, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
        [Dense(16, Activation.Gelu, KernelL2 = 0.001)]
        [Dropout(0.2)]
        [Dense(8, Activation.LeakyRelu)]
        [Dense(2, Activation.Softmax)]
        internal sealed partial class RegularizedNet;

        [Sequential(4, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.AdamW, LearningRate = 0.01, ClipNorm = 1,
            Metrics = Metric.Accuracy | Metric.Auc | Metric.Precision | Metric.Recall)]
        [Dense(8, Activation.Silu)]
        [Dense(1, Activation.Sigmoid)]
        internal sealed partial class MetricsNet;
        """;

    internal static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Packs src/Runtime as <paramref name="version"/> into <paramref name="feed"/>; build outputs go to <paramref name="root"/>/artifacts so the repository's own bin/obj stay untouched.</summary>
    internal static (int Code, string Output) Pack(string root, string feed, string version) =>
        Dotnet(TestData.RepoRoot, "pack", Path.Combine(TestData.RepoRoot, "src", "Runtime"), "-c", "Release", "-o", feed,
            "--artifacts-path", Path.Combine(root, "artifacts"), $"-p:Version={version}");

    /// <summary>
    /// Makes <paramref name="consumer"/> a project folder outside the solution: its own nuget.config adds the folder feed to
    /// the machine's sources; empty Directory.* files stop MSBuild from picking up anything above the temporary folder.
    /// </summary>
    internal static void OutsideTheSolution(string consumer, string feed)
    {
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="aotnet-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(consumer, name), "<Project />\n");
        }
    }

    internal static (int Code, string Output) Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        // the test host's MSBuild settings must not leak into a separate build
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"dotnet {string.Join(' ', arguments)} timed out after {StepTimeout}\n{output}");
        }

        process.WaitForExit(); // drain the output events
        lock (output)
        {
            return (process.ExitCode, $"dotnet {string.Join(' ', arguments)} (exit {process.ExitCode})\n{output}");
        }
    }
}
