using AotNet.IO;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 21 item 3: an output path that is one of the --out set's files or an input file is refused before training,
/// however it is spelled (a "..", a symbolic link, a hard link), and the file stays as it was. --initial-weights equal
/// to --save-weights is allowed (read whole first, replaced atomically at the end).
/// </summary>
public sealed class PathAliasTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-alias").FullName;

    private readonly byte[] _npz = HostileInputs.BostonNpz();

    public PathAliasTests()
    {
        File.WriteAllBytes(Npz, _npz);
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "results.json"), "{}");
    }

    private string Out => Path.Combine(_dir, "out");

    private string Npz => Path.Combine(_dir, HostileInputs.Boston);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AppProcess.Result Boston(params string[] extra) =>
        AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Out, "--epochs", "3", "--folds", "2", .. extra], timeoutSeconds: 60);

    private void AssertRefused(AppProcess.Result result, params string[] expected)
    {
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected);
        Assert.DoesNotContain("boston:", result.Out); // nothing was trained
        Assert.Equal("{}", File.ReadAllText(Path.Combine(Out, "results.json")));
        Assert.Equal(_npz, File.ReadAllBytes(Npz));
    }

    [Fact]
    public void Save_weights_onto_a_file_of_the_set_is_refused_before_training()
    {
        AssertRefused(Boston("--save-weights", Path.Combine(Out, "results.json")), "--save-weights", "results.json");
        AssertRefused(Boston("--save-weights", Path.Combine(_dir, "out", "..", "out", "report.html")), "--save-weights", "report.html"); // not written yet
        File.CreateSymbolicLink(Path.Combine(_dir, "w.safetensors"), Path.Combine(Out, "boston_mae.svg"));
        File.WriteAllText(Path.Combine(Out, "boston_mae.svg"), "<svg/>");
        AssertRefused(Boston("--save-weights", Path.Combine(_dir, "w.safetensors")), "--save-weights", "boston_mae.svg");
        Assert.Equal("<svg/>", File.ReadAllText(Path.Combine(Out, "boston_mae.svg")));
    }

    [Fact]
    public void Save_weights_onto_an_input_is_refused_before_training_even_through_a_hard_link()
    {
        AssertRefused(Boston("--save-weights", Npz), "--save-weights", "dataset file boston_housing.npz");
        string link = Path.Combine(_dir, "hard.safetensors");
        using (var ln = System.Diagnostics.Process.Start("ln", [Npz, link])!)
        {
            ln.WaitForExit();
        }

        AssertRefused(Boston("--save-weights", link), "--save-weights", "dataset file boston_housing.npz");
        Assert.True(FileIdentity.Same(link, Npz));
    }

    [Fact]
    public void An_input_that_is_a_file_of_the_set_is_refused_before_training()
    {
        File.WriteAllBytes(Path.Combine(Out, "report.html"), Fixtures.BostonWeights());
        AssertRefused(Boston("--initial-weights", Path.Combine(Out, "report.html")), "--initial-weights", "report.html", "which this run replaces");
    }

    [Fact]
    public void Initial_weights_equal_to_save_weights_train_from_the_file_and_replace_it()
    {
        string weights = Path.Combine(_dir, "w.safetensors");
        byte[] before = Fixtures.BostonWeights();
        File.WriteAllBytes(weights, before);
        var result = Boston("--initial-weights", weights, "--save-weights", weights, "-q");
        Assert.True(result.Code == 0, result.Err);
        byte[] after = File.ReadAllBytes(weights);
        Assert.NotEqual(before, after);
        Assert.Equal("BostonNet", SafeTensors.Deserialize(after, weights).Metadata["model"]);
    }

    [Fact]
    public void FileIdentity_tells_spellings_of_one_file_and_of_one_file_not_yet_written()
    {
        Assert.True(FileIdentity.Same(Path.Combine(Out, "results.json"), Path.Combine(_dir, ".", "out", "..", "out", "results.json")));
        Assert.True(FileIdentity.Same(Path.Combine(Out, "new.txt"), Path.Combine(_dir, "out", "..", "out", "new.txt")));
        Assert.False(FileIdentity.Same(Path.Combine(Out, "new.txt"), Path.Combine(Out, "other.txt")));
        Assert.False(FileIdentity.Same(Path.Combine(Out, "results.json"), Npz));
        Assert.Null(FileIdentity.Of(Path.Combine(_dir, "missing", "x")));
    }
}
