using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Downloads against a loopback server that misbehaves: every failure is a clear error and leaves nothing in the
/// cache folder (no file under the final name, no temporary file).
/// </summary>
public sealed class DownloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-download").FullName;
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private DatasetCache Cache(TimeSpan? timeout = null) => new(_dir, _server.BaseUrl, timeout: timeout ?? TimeSpan.FromSeconds(20));

    private static Func<NetworkStream, CancellationToken, Task> Respond(string head, byte[] body, bool stallAfter = false) => async (stream, stop) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
        await stream.WriteAsync(body, stop);
        await stream.FlushAsync(stop);
        if (stallAfter)
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
    };

    [Fact]
    public async Task Truncated_body_is_refused_and_nothing_is_left()
    {
        _server.ServeRaw(BostonHousing.FileName, Respond("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n", new byte[40000]));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => Cache().EnsureAsync(BostonHousing.FileName));
        Assert.Contains(BostonHousing.FileName, e.Message);
        Assert.DoesNotContain("cannot store", e.Message); // a network failure, not a disk one
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Truncated_body_without_length_fails_the_checksum_and_nothing_is_left()
    {
        _server.ServeRaw(BostonHousing.FileName, Respond("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", new byte[40000]));
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Cache().EnsureAsync(BostonHousing.FileName));
        Assert.Contains("sha256", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Stalled_body_times_out_quickly_and_nothing_is_left()
    {
        _server.ServeRaw(Imdb.FileName, Respond("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", new byte[1000], stallAfter: true));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => Cache(TimeSpan.FromMilliseconds(500)).EnsureAsync(Imdb.FileName));
        Assert.Contains("timed out", e.Message);
        Assert.Contains(Imdb.FileName, e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_and_nothing_is_left()
    {
        _server.ServeRaw(Reuters.FileName, (_, stop) => Task.Delay(Timeout.Infinite, stop));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => Cache(TimeSpan.FromMilliseconds(500)).EnsureAsync(Reuters.FileName));
        Assert.Contains("timed out", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Refused_connection_and_server_error_are_clear_and_leave_nothing()
    {
        var refused = new DatasetCache(_dir, AppProcess.RefusedOrigin());
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => refused.EnsureAsync(Imdb.WordIndexFileName));
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);

        _server.Serve(Imdb.FileName, 500, "boom"u8.ToArray());
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => Cache().EnsureAsync(Imdb.FileName));
        Assert.Contains("HTTP 500", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_timeout_and_leaves_nothing()
    {
        _server.ServeRaw(Imdb.FileName, Respond("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", new byte[1000], stallAfter: true));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache().EnsureAsync(Imdb.FileName, null, cancel.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("experiment")]
    public async Task Sigint_during_a_stalled_download_exits_130_and_leaves_nothing(string command)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGINT via kill is POSIX only
        }

        _server.ServeRaw(BostonHousing.FileName, Respond("HTTP/1.1 200 OK\r\nContent-Length: 57026\r\n\r\n", new byte[1000], stallAfter: true));
        string output = Path.Combine(_dir, "out");
        string[] args = command == "data"
            ? ["data", "boston", "--data-dir", _dir]
            : ["boston", "--data-dir", _dir, "--out", output, "--epochs", "1"];
        var result = await AppProcess.RunAndInterrupt(
            args,
            line => line.Contains($"downloading {BostonHousing.FileName}", StringComparison.Ordinal),
            new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = _server.BaseUrl });
        Assert.Equal(130, result.Code);
        Assert.Contains("interrupted", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        string[] left = [.. Directory.EnumerateFileSystemEntries(_dir).Where(f => f != output)];
        Assert.True(left.Length == 0, "left in the datasets folder: " + string.Join(", ", left)); // no .part file, no boston_housing.npz
        Assert.Empty(Directory.Exists(output) ? Directory.EnumerateFileSystemEntries(output) : []);
    }

    [Fact]
    public void End_to_end_the_origin_variable_is_used_a_good_file_is_stored_and_a_corrupt_one_refused()
    {
        // good: the word index is fetched from AOTNET_DATASETS_ORIGIN and kept (structure-checked, it has no hash)
        File.WriteAllBytes(Path.Combine(_dir, Imdb.FileName), HostileInputs.ImdbNpz());
        _server.Serve(Imdb.WordIndexFileName, 200, HostileInputs.Words);
        var origin = new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = _server.BaseUrl };
        var good = AppProcess.Run(["data", "imdb", "--data-dir", _dir, "--no-verify", "--json"], origin);
        Assert.True(good.Code == 0, good.Err);
        Assert.Contains("\"text\":", good.Out);
        Assert.Equal(HostileInputs.Words, File.ReadAllBytes(Path.Combine(_dir, Imdb.WordIndexFileName)));

        // corrupt: a boston file that is not Keras's is refused even with --no-verify (downloads are always checked)
        _server.Serve(BostonHousing.FileName, 200, HostileInputs.BostonNpz());
        string output = Path.Combine(_dir, "out");
        var corrupt = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", output, "--epochs", "1", "-q"], origin);
        AppProcess.AssertCleanFailure(corrupt.Code, corrupt.Err, BostonHousing.FileName, "sha256", "discarded");
        Assert.Equal(
            [Imdb.FileName, Imdb.WordIndexFileName, "out"],
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }
}
