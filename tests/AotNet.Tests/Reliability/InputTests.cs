using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AotNet.App;
using AotNet.IO;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 13, causes 1, 4, 6 and 12 (and issue 14's two --weights rows): inputs that are not regular files, inputs whose
/// headers would drive allocations, garbage weights and preprocessing values, the safetensors layout rules. Each
/// ends with exit != 0 and one or two clear lines, quickly, through the real executable.
/// </summary>
public sealed class InputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-inputs").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static AppProcess.Result Predict(string weights, params string[] values) =>
        AppProcess.Run(["predict", "boston", "--weights", weights, .. values], timeoutSeconds: 60);

    [Fact]
    public void A_fifo_as_weights_or_initial_weights_is_refused_at_once()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Fixtures.Fifo(Path.Combine(_dir, "weights.fifo"));
        var predict = AppProcess.Run(["predict", "boston", "--weights", fifo, .. Fixtures.BostonRow], timeoutSeconds: 30);
        AppProcess.AssertCleanFailure(predict.Code, predict.Err, fifo, "named pipe");

        Write(HostileInputs.Boston, HostileInputs.BostonNpz());
        var train = AppProcess.Run(["boston", "--epochs", "1", "--folds", "2", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--initial-weights", fifo, "-q"], timeoutSeconds: 30);
        AppProcess.AssertCleanFailure(train.Code, train.Err, fifo, "named pipe");
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("link to /dev/zero")]
    public void A_dataset_file_that_is_a_fifo_or_a_device_is_refused_at_once(string kind)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = Path.Combine(_dir, HostileInputs.Boston);
        if (kind == "fifo")
        {
            Fixtures.Fifo(path);
        }
        else
        {
            File.CreateSymbolicLink(path, "/dev/zero");
        }

        // verified (sha256 would hash /dev/zero forever) and unverified (the loader would read it)
        foreach (string[] verify in new[] { Array.Empty<string>(), ["--no-verify"] })
        {
            var result = AppProcess.Run(["data", "boston", "--data-dir", _dir, .. verify], timeoutSeconds: 30);
            AppProcess.AssertCleanFailure(result.Code, result.Err, path, kind == "fifo" ? "named pipe" : "character device");
        }
    }

    [Fact]
    public void Weights_that_are_a_device_a_folder_or_not_safetensors_get_one_line_naming_the_file()
    {
        var zero = Predict("/dev/zero", Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(zero.Code, zero.Err, "/dev/zero", "character device", "--save-weights");
        Assert.Single(zero.Err.Trim().Split('\n'));

        var folder = Predict(_dir, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(folder.Code, folder.Err, _dir, "folder", "--save-weights");
        Assert.Single(folder.Err.Trim().Split('\n'));

        string text = Write("reviews.txt", Encoding.UTF8.GetBytes("A wonderful film, I loved every minute.\nDull and far too long.\n"));
        var notSafetensors = Predict(text, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(notSafetensors.Code, notSafetensors.Err, text, "not a safetensors file", "--save-weights");
        Assert.Single(notSafetensors.Err.Trim().Split('\n'));
    }

    [Fact]
    public void Initial_weights_from_dev_zero_are_refused_before_any_fold_reads_them()
    {
        Write(HostileInputs.Boston, HostileInputs.BostonNpz());
        var result = AppProcess.Run(["boston", "--epochs", "1", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--initial-weights", "/dev/zero"], timeoutSeconds: 30);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "/dev/zero", "character device");
        Assert.DoesNotContain("boston:", result.Out); // refused before training started
    }

    [Fact]
    public void Tensors_aliasing_one_range_are_refused_as_overlapping_before_their_data_is_read()
    {
        // 200 tensors of 1 MiB that all name the same bytes: the format forbids it, and reading them would copy 200 MiB
        var header = new StringBuilder("{");
        for (int i = 0; i < 200; i++)
        {
            header.Append(System.Globalization.CultureInfo.InvariantCulture, $"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[262144],\"data_offsets\":[0,1048576]}},");
        }

        header.Length--;
        header.Append('}');
        string path = Write("alias.safetensors", Build(header.ToString(), 1 << 20));
        Assert.Contains("overlap", Assert.Throws<SafeTensorsException>(() => SafeTensors.Deserialize(File.ReadAllBytes(path), path)).Message);
        var result = Predict(path, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(result.Code, result.Err, path, "overlap");
    }

    [Theory]
    [InlineData("gap", "belong to no tensor")]
    [InlineData("trailing bytes", "belong to no tensor")]
    [InlineData("duplicate name", "twice")]
    [InlineData("overlap", "overlap")]
    public void The_safetensors_layout_rules_are_enforced(string what, string expected)
    {
        string header = what switch
        {
            "gap" => """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""",
            "trailing bytes" => """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
            "duplicate name" => """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
            _ => """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
        };
        byte[] file = Build(header, what == "trailing bytes" ? 12 : what == "gap" ? 12 : 8);
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Deserialize(file, "x.safetensors"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_huge_weights_file_is_refused_from_its_header_without_reading_its_data()
    {
        // valid BostonNet tensors followed by 1.9 GB nobody wrote (a sparse file): refused by the header and the size alone
        byte[] weights = Fixtures.BostonWeights();
        string path = Path.Combine(_dir, "huge.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(weights);
            stream.SetLength(1_900_000_000L);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.ReadFile(path, BostonNet.Description, new float[BostonNet.Description.ParameterCount]));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the data section was read");
        Assert.Contains("belong to no tensor", e.Message);
        var result = Predict(path, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(result.Code, result.Err, path, "belong to no tensor");
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_weights_are_refused_at_load(float value, string shown)
    {
        string path = Write("nan.safetensors", Fixtures.BostonWeights(value));
        var result = Predict(path, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(result.Code, result.Err, path, shown, "finite");
        Assert.DoesNotContain("k$", result.Out);

        // as initial weights: refused naming the file, not "loss is NaN … lower the learning rate"
        Write(HostileInputs.Boston, HostileInputs.BostonNpz());
        var train = AppProcess.Run(["boston", "--epochs", "2", "--folds", "2", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--initial-weights", path, "-q"]);
        AppProcess.AssertCleanFailure(train.Code, train.Err, path, "finite");
        Assert.DoesNotContain("learning rate", train.Err);
    }

    [Fact]
    public void Weights_that_overflow_never_print_nan()
    {
        string path = Write("big.safetensors", Fixtures.BostonWeights(3e38f));
        var result = Predict(path, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(result.Code, result.Err, path);
        Assert.Contains("instead of a number", result.Err);
        Assert.DoesNotContain("NaN", result.Out);
        Assert.DoesNotContain("k$", result.Out);
    }

    [Fact]
    public void A_tiny_normalization_std_or_a_huge_input_is_refused_after_narrowing_to_float()
    {
        string tiny = Write("tiny-std.safetensors", Fixtures.BostonWeights(metadata: Fixtures.BostonMetadata(string.Join(',', Enumerable.Repeat("1E-45", 13)))));
        var result = Predict(tiny, Fixtures.BostonRow);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "CRIM");
        Assert.DoesNotContain("NaN", result.Out);

        string good = Write("good.safetensors", Fixtures.BostonWeights());
        string[] huge = [.. Fixtures.BostonRow];
        huge[0] = "1e300";
        var big = Predict(good, ["--", .. huge]);
        AppProcess.AssertCleanFailure(big.Code, big.Err, "CRIM", "1e300");
        Assert.DoesNotContain("NaN", big.Out);
    }

    [Fact]
    public async Task A_huge_line_on_stdin_is_refused_without_holding_it()
    {
        Write(HostileInputs.ImdbWords, HostileInputs.Words);
        string weights = Write("imdb.safetensors", Fixtures.ImdbWeights());
        var info = AppProcess.StartInfo(["predict", "imdb", "--weights", weights, "--data-dir", _dir, "--no-verify"]);
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            // 3 MB of words on one line; the process may stop reading (and close the pipe) before all of it is sent
            var line = new StringBuilder();
            while (line.Length < 3_000_000)
            {
                line.Append("the and a of to ");
            }

            process.StandardInput.Write(line.Append('\n').ToString());
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        Assert.True(process.WaitForExit(60_000), "predict did not finish");
        AppProcess.AssertCleanFailure(process.ExitCode, await error, "stdin line 1", "longer than");
        Assert.Equal(string.Empty, await output);
    }

    [Fact]
    public void An_npz_member_that_inflates_far_beyond_the_dataset_is_refused_before_it_is_decoded()
    {
        // a 40 MB x_train (one list of 20 M ints) deflates to well under 1 MB; Keras's largest member is 14 MB
        var b = HostileInputs.OpenObjectArray(4);
        b.Op(']').Put();
        b.Appends(20_000_000, _ => b.Op('K').Byte(5));
        b.Op('a');
        byte[] pickle = HostileInputs.Close(b);
        byte[] npz = HostileInputs.ImdbNpz(xTrain: HostileInputs.ObjectArrayNpy(4, pickle));
        Assert.True(npz.Length < 2 << 20, $"{npz.Length} bytes");
        Write(HostileInputs.Imdb, npz);
        var result = AppProcess.Run(["imdb", "--epochs", "1", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, HostileInputs.Imdb, "more than this dataset can hold");
    }

    private static byte[] Build(string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        return file;
    }
}
