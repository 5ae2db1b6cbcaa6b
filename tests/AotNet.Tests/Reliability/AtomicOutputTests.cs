using System.Text.Json;
using AotNet.IO;

namespace AotNet.Tests.Reliability;

/// <summary>Outputs are all or nothing: a failed write keeps the old file and leaves no temporary file.</summary>
public sealed class AtomicOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-atomic").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_write_that_fails_halfway_keeps_the_old_file_and_leaves_no_temporary()
    {
        string path = Path.Combine(_dir, "results.json");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["results.json"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_into_a_missing_folder_fails_and_creates_nothing()
    {
        string path = Path.Combine(_dir, "missing", "report.html");
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "<html></html>"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void A_successful_run_writes_complete_files_and_no_temporaries()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        string output = Path.Combine(_dir, "out");
        string weights = Path.Combine(_dir, "w.safetensors");
        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", output, "--epochs", "2", "--folds", "2", "--save-weights", weights, "-q"]);
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(string.Empty, result.Err);

        string[] files = [.. Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Contains("results.json", files);
        Assert.Contains("report.html", files);
        Assert.Contains(files, f => f.EndsWith(".svg", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.StartsWith('.') || f.EndsWith(".tmp", StringComparison.Ordinal));
        using (JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "results.json"))))
        {
        }

        Assert.EndsWith("</html>", File.ReadAllText(Path.Combine(output, "report.html")).TrimEnd(), StringComparison.Ordinal);
        var (tensors, _) = SafeTensors.Deserialize(File.ReadAllBytes(weights), weights);
        Assert.Equal(6, tensors.Count);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir), f => Path.GetFileName(f).StartsWith('.'));
    }

    [Fact]
    public void Synthetic_data_is_refused_by_the_checksum_and_accepted_with_no_verify()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        var refused = AppProcess.Run(["data", "boston", "--data-dir", _dir]);
        AppProcess.AssertCleanFailure(refused.Code, refused.Err, "sha256", "--no-verify");

        var accepted = AppProcess.Run(["data", "boston", "--data-dir", _dir, "--no-verify", "--json"]);
        Assert.True(accepted.Code == 0, accepted.Err);
        Assert.Contains("\"train_count\":32", accepted.Out);
    }
}
