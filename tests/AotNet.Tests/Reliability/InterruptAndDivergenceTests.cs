using AotNet.IO;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Ctrl+C (SIGINT) during training and a diverging loss, end to end through the real executable on a synthetic
/// boston_housing.npz (so the real data is not needed).
/// </summary>
public sealed class InterruptAndDivergenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-sigint").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    [Fact]
    public async Task Sigint_during_training_exits_130_and_leaves_no_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGINT via kill is POSIX only
        }

        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz(rows: 200));
        string weights = Path.Combine(_dir, "weights.safetensors");
        // 50,000 epochs: the run must still be training when SIGINT comes, 300 ms after the heading (the native binary
        // trains 500 epochs on 200 rows in about 0.4 s)
        var result = await AppProcess.RunAndInterrupt(
            ["boston", "--epochs", "50000", "--data-dir", _dir, "--no-verify", "--out", Out, "--save-weights", weights, "--threads", "2"],
            line => line.StartsWith("boston:", StringComparison.Ordinal)); // the heading is printed right before the folds start training
        string run = $"exit code {result.Code}\nstderr:\n{result.Err}\nstdout:\n{result.Out}";
        Assert.True(result.Code == 130, run);
        Assert.True(result.Err.Contains("interrupted", StringComparison.Ordinal), run);
        Assert.DoesNotContain("   at ", result.Err);
        string[] written = [.. Directory.EnumerateFileSystemEntries(Out).Select(Path.GetFileName).OfType<string>()];
        Assert.True(written.Length == 0, "left in the output folder: " + string.Join(", ", written) + "\n" + run); // no results.json, SVG, report, nor a .tmp
        Assert.Equal([HostileInputs.Boston, "out"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Huge_targets_make_training_diverge_with_a_clear_message()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz(targetScale: 1e30));
        var result = AppProcess.Run(["boston", "--epochs", "3", "--folds", "2", "--threads", "1", "--data-dir", _dir, "--no-verify", "--out", Out, "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "training loss is", "training stopped");
        Assert.Equal(1, result.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Out));
    }

    [Fact]
    public void Huge_initial_weights_make_training_diverge_with_a_clear_message()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        Tensor Filled(string name, int[] shape) => new(name, shape, Enumerable.Repeat(1e30f, shape.Aggregate(1, (a, b) => a * b)).ToArray());
        string weights = Path.Combine(_dir, "huge.safetensors");
        File.WriteAllBytes(weights, SafeTensors.Serialize(
        [
            Filled("dense_0.kernel", [13, 64]), Filled("dense_0.bias", [64]),
            Filled("dense_1.kernel", [64, 64]), Filled("dense_1.bias", [64]),
            Filled("dense_2.kernel", [64, 1]), Filled("dense_2.bias", [1]),
        ]));
        var result = AppProcess.Run(["boston", "--epochs", "3", "--folds", "2", "--threads", "1", "--data-dir", _dir, "--no-verify", "--out", Out, "--initial-weights", weights, "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "training loss is");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Out));
    }
}
