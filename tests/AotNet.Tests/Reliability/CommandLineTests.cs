using AotNet.IO;

namespace AotNet.Tests.Reliability;

/// <summary>Bad command-line values and bad --out / --initial-weights files, through the real executable.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-cli").FullName;

    public CommandLineTests()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    private AppProcess.Result Boston(params string[] extra) =>
        AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Out, "-q", .. extra]);

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be a positive whole number")]
    [InlineData("--epochs", "-3", "--epochs must be a positive whole number")]
    [InlineData("--epochs", "abc", "abc")]
    [InlineData("--epochs", "1e3", "1e3")]
    [InlineData("--epochs", "99999999999", "99999999999")]
    [InlineData("--epochs", "2147483647", "--epochs must be at most 1000000")]
    [InlineData("--batch-size", "0", "--batch-size must be a positive whole number")]
    [InlineData("--batch-size", "many", "many")]
    [InlineData("--folds", "1", "--folds must be at least 2")]
    [InlineData("--folds", "two", "two")]
    [InlineData("--threads", "0", "--threads must be between 1 and 256")]
    [InlineData("--threads", "x", "x")]
    [InlineData("--seed", "-1", "-1")]
    [InlineData("--smoothing", "fancy", "--smoothing must be book or tutorial (got 'fancy')")]
    public void Bad_values_are_refused_before_anything_runs(string option, string value, string expected)
    {
        var result = Boston(option, value);
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected);
        Assert.False(Directory.Exists(Out), "--out was created although the command line was refused");
    }

    [Fact]
    public void More_folds_than_samples_is_refused()
    {
        var result = Boston("--folds", "1000", "--epochs", "1");
        AppProcess.AssertCleanFailure(result.Code, result.Err, "1000 folds need at least 1000 samples, there are 32");
        Assert.DoesNotContain("(Parameter", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Out));
    }

    [Theory]
    [InlineData("mnist")]
    [InlineData("--bogus-option")]
    public void Unknown_dataset_or_option_is_refused(string argument)
    {
        var result = AppProcess.Run([argument]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, argument);
    }

    [Theory]
    [InlineData("mnist", "train", "0", "unknown dataset 'mnist'")]
    [InlineData("boston", "validation", "0", "unknown split 'validation'")]
    [InlineData("boston", "test", "8", "index 8 is outside the test split (0..7)")]
    [InlineData("boston", "train", "-1", "index -1 is outside the train split (0..31)")]
    [InlineData("boston", "train", "lots", "lots")]
    public void Data_command_refuses_bad_requests(string dataset, string split, string index, string expected)
    {
        var result = AppProcess.Run(["data", dataset, "--split", split, "--index", index, "--data-dir", _dir, "--no-verify"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected);
    }

    [Fact]
    public void Out_that_is_a_file_is_refused()
    {
        File.WriteAllText(Out, "a file, not a folder");
        var result = Boston("--epochs", "1");
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--out", "cannot be written");
        Assert.Equal("a file, not a folder", File.ReadAllText(Out));
    }

    [Fact]
    public void Out_below_a_file_is_refused()
    {
        string file = Path.Combine(_dir, "plain-file");
        File.WriteAllText(file, "x");
        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(file, "out"), "--epochs", "1", "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--out", "cannot be written");
    }

    [Fact]
    public void Empty_out_is_refused()
    {
        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", string.Empty, "--epochs", "1", "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--out ''", "cannot be written");
    }

    [Fact]
    public void Data_dir_that_is_a_file_is_refused()
    {
        string file = Path.Combine(_dir, "plain-file");
        File.WriteAllText(file, "x");
        var result = AppProcess.Run(["boston", "--data-dir", file, "--out", Out, "--epochs", "1", "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--data-dir", "plain-file is a file", "give the folder");
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("no/such/folder/w.safetensors", "does not exist")]
    [InlineData("", "is not a file name")]
    [InlineData(".", "is not a file name")]
    public void Unwritable_save_weights_is_refused_before_training(string target, string expected)
    {
        var result = Boston("--epochs", "1", "--folds", "2", "--save-weights", target.Length == 0 ? target : Path.Combine(_dir, target));
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--save-weights", expected);
        Assert.False(Directory.Exists(Out), "the run started although --save-weights cannot be written");
    }

    public static TheoryData<string, byte[]?, string> BadWeights()
    {
        float[] zeros64 = new float[13 * 64];
        byte[] Weights(params Tensor[] tensors) => SafeTensors.Serialize(tensors);
        Tensor[] good =
        [
            new("dense_0.kernel", [13, 64], zeros64), new("dense_0.bias", [64], new float[64]),
            new("dense_1.kernel", [64, 64], new float[64 * 64]), new("dense_1.bias", [64], new float[64]),
            new("dense_2.kernel", [64, 1], new float[64]), new("dense_2.bias", [1], new float[1]),
        ];
        byte[] f64 = Weights(good);
        string header = System.Text.Encoding.UTF8.GetString(f64);
        int at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        f64[at + 2] = (byte)'6';
        f64[at + 3] = (byte)'4';
        return new()
        {
            { "missing file", null, "no such file" },
            { "empty file", [], "too short" },
            { "not safetensors", "this is text, not tensors at all"u8.ToArray(), "is not a safetensors file" },
            { "wrong names", Weights([.. good[..5], new("dense_9.bias", [1], new float[1])]), "'dense_2.bias' is missing" },
            { "extra tensor", Weights([.. good, new("dense_3.bias", [1], new float[1])]), "unexpected tensor 'dense_3.bias'" },
            { "wrong shape", Weights([new("dense_0.kernel", [64, 13], zeros64), .. good[1..]]), "has shape [64, 13]" },
            { "wrong dtype", f64, "dtype F64" },
            { "imdb weights", Weights([new("dense_0.kernel", [10000, 16], new float[160000]), new("dense_0.bias", [16], new float[16])]), "shape [10000, 16]" },
        };
    }

    [Theory]
    [MemberData(nameof(BadWeights))]
    public void Bad_initial_weights_are_refused(string what, byte[]? file, string expected)
    {
        string path = Path.Combine(_dir, "initial.safetensors");
        if (file is not null)
        {
            File.WriteAllBytes(path, file);
        }

        var result = Boston("--epochs", "1", "--folds", "2", "--initial-weights", path);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "initial.safetensors", expected);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Out));
        Assert.False(string.IsNullOrEmpty(what));
    }
}
