using System.IO.Compression;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 13, causes 5 and 11: batch sizes are validated (and a batch larger than the training set is the whole set),
/// and bad dataset content is one line that names the file and says what to do, never .NET's "Actual value was".
/// </summary>
public sealed class MessageAndBatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-messages").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    private static void AssertOneLine(AppProcess.Result result, params string[] expected)
    {
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.DoesNotContain("Actual value", result.Err);
        Assert.True(result.Err.Length < 600, $"{result.Err.Length} characters on stderr");
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("100000000")]
    public void An_absurd_batch_size_is_refused_by_the_command_line(string size)
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        var result = AppProcess.Run(["boston", "--epochs", "2", "--folds", "2", "--batch-size", size, "--data-dir", _dir, "--no-verify", "--out", Out, "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--batch-size", "at most", size);
        Assert.False(File.Exists(Path.Combine(Out, "results.json")));
    }

    [Fact]
    public void A_batch_larger_than_the_training_set_trains_one_batch_per_epoch()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz(rows: 100));
        string Run(string batch)
        {
            string output = Path.Combine(_dir, "out-" + batch);
            var result = AppProcess.Run(["boston", "--epochs", "3", "--folds", "2", "--batch-size", batch, "--threads", "1", "--data-dir", _dir, "--no-verify", "--out", output, "-q"]);
            Assert.True(result.Code == 0, result.Err);
            var boston = AotNet.Tests.App.AppRun.Results(output).GetProperty("boston");
            Assert.All(AotNet.Tests.App.AppRun.Doubles(boston.GetProperty("mean_val_mae")), v => Assert.True(v > 0 && double.IsFinite(v)));
            return boston.GetProperty("folds").GetRawText() + boston.GetProperty("test").GetRawText();
        }

        // 80 training rows (the Keras split of 100), folds of 40: 1,000,000 is one batch of everything, as 80 is
        Assert.Equal(Run("80"), Run("1000000"));
    }

    [Fact]
    public void A_reuters_label_outside_the_46_topics_names_the_file()
    {
        File.WriteAllBytes(Path.Combine(_dir, "reuters.npz"), Fixtures.TextNpz(["x"], ["y"], 1300, i => i == 700 ? 46 : i % 46));
        var result = AppProcess.Run(["reuters", "--epochs", "1", "--data-dir", _dir, "--no-verify", "--out", Out, "-q"]);
        AssertOneLine(result, "reuters.npz", "label 46", "--data-dir");
    }

    [Fact]
    public void A_short_imdb_file_names_the_file_instead_of_actual_value_was()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Imdb), HostileInputs.ImdbNpz());
        var result = AppProcess.Run(["imdb", "--epochs", "1", "--data-dir", _dir, "--no-verify", "--out", Out, "-q"]);
        AssertOneLine(result, HostileInputs.Imdb, "10000", "--data-dir");
    }

    [Fact]
    public void A_missing_npz_member_lists_a_few_members_not_all()
    {
        // 3,000 members with long names and no x/y: the old message listed every one (hundreds of KB on one line)
        var members = Enumerable.Range(0, 3000)
            .Select(i => ($"member_{i:D5}_{new string('m', 200)}.npy", HostileInputs.Labels(1)))
            .ToArray();
        byte[] npz = NumpyFiles.Npz(members, CompressionLevel.Fastest);
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), npz);
        var result = AppProcess.Run(["data", "boston", "--data-dir", _dir, "--no-verify"]);
        AssertOneLine(result, HostileInputs.Boston, "3000 members");

        // the general reader (no member limit) names a few members and how many more
        using var archive = AotNet.Data.Numpy.NpzArchive.Open(new MemoryStream(npz), "many.npz");
        var e = Assert.Throws<AotNet.Data.DataFormatException>(() => archive.Read("x"));
        Assert.Contains("no member 'x'", e.Message);
        Assert.Contains("and 2992 more", e.Message);
        Assert.True(e.Message.Length < 1000, $"{e.Message.Length} characters");
    }
}
