using System.Diagnostics;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 21 items 10 and 13: the command line as a newcomer types it (options before the model, a mistyped option
/// among texts, a mistyped dataset or variant), and an unwritable stderr (exit 1, never an abort).
/// </summary>
public sealed class CommandLineParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Weights()
    {
        string path = Path.Combine(_dir, "boston.safetensors");
        File.WriteAllBytes(path, Fixtures.BostonWeights());
        return path;
    }

    [Fact]
    public void Predict_options_may_come_before_the_model()
    {
        string weights = Weights();
        var before = AppProcess.Run(["predict", "--weights", weights, "boston", .. Fixtures.BostonRow]);
        var after = AppProcess.Run(["predict", "boston", "--weights", weights, .. Fixtures.BostonRow]);
        Assert.True(before.Code == 0, before.Err);
        Assert.True(after.Code == 0, after.Err);
        Assert.Equal(after.Out, before.Out);
    }

    [Fact]
    public void An_unknown_model_is_named_without_a_misleading_unknown_option()
    {
        var result = AppProcess.Run(["predict", "wine", "--weights", "w.safetensors"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "unknown command 'wine'");
        Assert.DoesNotContain("unknown option", result.Err);
    }

    [Fact]
    public void A_mistyped_option_among_texts_is_refused_not_scored()
    {
        var result = AppProcess.Run(["predict", "imdb", "--weights", "w.safetensors", "--no-verfy", "a great film"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "unknown option '--no-verfy'", "did you mean '--no-verify'");
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void Double_dash_ends_the_options()
    {
        var result = AppProcess.Run(["predict", "boston", "--weights", Weights(), "--", .. Fixtures.BostonRow]);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("k$", result.Out);
    }

    [Fact]
    public void A_mistyped_dataset_or_variant_gets_a_did_you_mean_under_its_command()
    {
        var data = AppProcess.Run(["data", "bostn", "--data-dir", _dir]);
        AppProcess.AssertCleanFailure(data.Code, data.Err, "aotnet data:", "did you mean 'boston'");
        var variant = AppProcess.Run(["imdb", "--variant", "al", "--data-dir", _dir]);
        AppProcess.AssertCleanFailure(variant.Code, variant.Err, "aotnet imdb:", "did you mean 'all'");
    }

    [Theory]
    [InlineData("2>&-")]
    [InlineData("2>/dev/full")]
    public void An_unwritable_stderr_gives_exit_1_not_an_abort(string redirect)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var inner = AppProcess.StartInfo(["boston", "--epochs", "0"]);
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", $"exec \"$@\" {redirect}", "sh", inner.FileName }.Concat(inner.ArgumentList))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in inner.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "hang");
        Assert.Equal(1, process.ExitCode);
    }
}
