using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 13, causes 2, 9, 10 and 11 (origin): downloads have a stall timeout and a size cap, concurrent first downloads
/// accept the file the other run stored, word indices are checked by Keras's md5 (Reuters also by its content), and a
/// bad origin is one clear line.
/// </summary>
public sealed class DownloadBoundsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-bounds").FullName;
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string> Origin(string? stall = null)
    {
        var env = new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = _server.BaseUrl };
        if (stall is not null)
        {
            env[DatasetCache.StallVariable] = stall;
        }

        return env;
    }

    [Fact]
    public void Headers_then_nothing_fails_after_the_stall_timeout_set_by_the_environment()
    {
        _server.ServeRaw(BostonHousing.FileName, async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 57026\r\n\r\n"), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        var clock = Stopwatch.StartNew();
        var result = AppProcess.Run(["data", "boston", "--data-dir", _dir], Origin(stall: "1"), timeoutSeconds: 60);
        AppProcess.AssertCleanFailure(result.Code, result.Err, BostonHousing.FileName, "timed out", DatasetCache.StallVariable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"took {clock.Elapsed}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void A_bad_stall_setting_is_one_clear_line()
    {
        var result = AppProcess.Run(["data", "boston", "--data-dir", _dir], Origin(stall: "soon"));
        AppProcess.AssertCleanFailure(result.Code, result.Err, DatasetCache.StallVariable, "soon");
    }

    [Fact]
    public async Task An_endless_body_is_cut_at_the_known_size_and_nothing_is_left()
    {
        _server.ServeRaw(BostonHousing.FileName, async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), stop);
            var chunk = new byte[1 << 16];
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync(chunk, stop); // forever
            }
        });
        var cache = new DatasetCache(_dir, _server.BaseUrl, timeout: TimeSpan.FromMinutes(5));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => cache.EnsureAsync(BostonHousing.FileName).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("more than", e.Message);
        Assert.Contains(BostonHousing.FileName, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_content_length_beyond_the_known_size_is_refused_before_the_body()
    {
        _server.ServeRaw(Imdb.FileName, async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 7500000000\r\n\r\n"), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        var cache = new DatasetCache(_dir, _server.BaseUrl, timeout: TimeSpan.FromMinutes(5), stallTimeout: TimeSpan.FromMinutes(5));
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => cache.EnsureAsync(Imdb.FileName).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("7500000000", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_file_another_run_stored_meanwhile_is_accepted()
    {
        // the download waits until "the other run" has stored its (good) copy, then finishes: the rename finds the file
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        byte[] words = HostileInputs.Words;
        _server.ServeRaw(Imdb.WordIndexFileName, async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {words.Length}\r\n\r\n"), stop);
            await stream.WriteAsync(words.AsMemory(0, 10), stop);
            await stream.FlushAsync(stop);
            await release.Task.WaitAsync(stop);
            await stream.WriteAsync(words.AsMemory(10), stop);
            await stream.FlushAsync(stop);
        });
        var cache = new DatasetCache(_dir, _server.BaseUrl, verify: false);
        string target = Path.Combine(_dir, Imdb.WordIndexFileName);
        var download = cache.EnsureAsync(Imdb.WordIndexFileName, p =>
        {
            if (p.BytesReceived > 0 && !release.Task.IsCompleted)
            {
                File.WriteAllBytes(target, words);
                release.TrySetResult();
            }
        });
        Assert.Equal(target, await download.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal([Imdb.WordIndexFileName], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_word_index_that_is_not_keras_is_refused_unless_no_verify()
    {
        File.WriteAllBytes(Path.Combine(_dir, Imdb.WordIndexFileName), HostileInputs.Words);
        string weights = Path.Combine(_dir, "imdb.safetensors");
        File.WriteAllBytes(weights, Fixtures.ImdbWeights());
        var refused = AppProcess.Run(["predict", "imdb", "--weights", weights, "--data-dir", _dir, "a fine film"]);
        AppProcess.AssertCleanFailure(refused.Code, refused.Err, Imdb.WordIndexFileName, "md5", "--no-verify");

        var accepted = AppProcess.Run(["predict", "imdb", "--weights", weights, "--data-dir", _dir, "--no-verify", "a fine film"]);
        Assert.True(accepted.Code == 0, accepted.Err);
        Assert.Contains("a fine film", accepted.Out);
    }

    [Fact]
    public async Task A_downloaded_word_index_that_is_not_keras_is_discarded()
    {
        _server.Serve(Reuters.WordIndexFileName, 200, HostileInputs.Words);
        var e = await Assert.ThrowsAsync<DataFormatException>(() => new DatasetCache(_dir, _server.BaseUrl).EnsureAsync(Reuters.WordIndexFileName));
        Assert.Contains("md5", e.Message);
        Assert.Contains("discarded", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void The_canonical_digest_ignores_key_order_spacing_and_escapes_but_not_content()
    {
        var a = WordIndex.Parse(new MemoryStream("""{"the": 1, "and": 2, "caf\u00e9": 3}"""u8.ToArray()), "a");
        var b = WordIndex.Parse(new MemoryStream("{\"café\":3,\n  \"and\":2,\"the\":1}"u8.ToArray()), "b");
        var c = WordIndex.Parse(new MemoryStream("""{"the": 1, "and": 3, "café": 2}"""u8.ToArray()), "c");
        Assert.Equal(a.CanonicalSha256(), b.CanonicalSha256());
        Assert.NotEqual(a.CanonicalSha256(), c.CanonicalSha256());
    }

    [RealDataFact]
    public async Task The_real_word_indices_pass_imdb_by_md5_and_the_rebuilt_reuters_by_content()
    {
        string real = TestData.Require();
        foreach (string name in new[] { Imdb.WordIndexFileName, Reuters.WordIndexFileName })
        {
            File.Copy(Path.Combine(real, name), Path.Combine(_dir, name));
            Assert.Equal(Path.Combine(_dir, name), await new DatasetCache(_dir, AppProcess.RefusedOrigin()).EnsureAsync(name));
        }

        Assert.Equal(KerasDatasetFiles.Get(Reuters.WordIndexFileName).CanonicalSha256, WordIndex.Load(Path.Combine(real, Reuters.WordIndexFileName)).CanonicalSha256());

        // one changed index: neither the md5 nor the content matches
        string changed = File.ReadAllText(Path.Combine(real, Reuters.WordIndexFileName)).Replace("\"mdbl\": 10996,", "\"mdbl\": 99999,", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, Reuters.WordIndexFileName), changed);
        File.SetLastWriteTimeUtc(Path.Combine(_dir, Reuters.WordIndexFileName), DateTime.UtcNow.AddMinutes(1));
        var e = await Assert.ThrowsAsync<DataFormatException>(() => new DatasetCache(_dir, AppProcess.RefusedOrigin()).EnsureAsync(Reuters.WordIndexFileName));
        Assert.Contains("word/index pairs differ", e.Message);
    }

    [Fact]
    public void Without_libcurl_a_download_is_one_line_naming_the_file_to_copy_by_hand()
    {
        _server.Serve(BostonHousing.FileName, 200, "never fetched"u8.ToArray());
        string missing = Path.Combine(_dir, "no-such-libcurl.so");
        var env = Origin();
        env["AOTNET_LIBCURL"] = missing;
        var result = AppProcess.Run(["data", "boston", "--data-dir", _dir], env);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "AOTNET_LIBCURL", missing, BostonHousing.FileName, _dir, "--data-dir");
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.Equal(0, _server.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Theory]
    [InlineData("::not a url")]
    [InlineData("ftp://x/")]
    public void A_bad_origin_is_one_line_naming_the_variable(string origin)
    {
        var result = AppProcess.Run(["data", "boston", "--data-dir", _dir], new Dictionary<string, string> { ["AOTNET_DATASETS_ORIGIN"] = origin });
        AppProcess.AssertCleanFailure(result.Code, result.Err, "AOTNET_DATASETS_ORIGIN", origin);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
