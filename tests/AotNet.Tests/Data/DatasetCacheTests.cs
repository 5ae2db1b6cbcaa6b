using System.Text;
using AotNet.Data;
using AotNet.Data.Keras;

namespace AotNet.Tests.Data;

public sealed class DatasetCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-cache").FullName;
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private DatasetCache Cache(bool verify = true) => new(_dir, _server.BaseUrl, verify);

    [Fact]
    public async Task Downloads_a_missing_word_index_checks_its_structure_and_reports_progress()
    {
        byte[] json = Encoding.UTF8.GetBytes("""{"the": 1, "and": 2}""");
        _server.Serve(Imdb.WordIndexFileName, 200, json);
        var reports = new List<DownloadProgress>();
        string path = await Cache(verify: false).EnsureAsync(Imdb.WordIndexFileName, reports.Add); // not Keras's md5: structure only
        Assert.Equal(Path.Combine(_dir, Imdb.WordIndexFileName), path);
        Assert.Equal(json, File.ReadAllBytes(path));
        Assert.Equal(0, reports[0].BytesReceived);
        Assert.Equal(json.Length, reports[^1].BytesReceived);
        Assert.Equal(json.Length, reports[^1].TotalBytes);

        // present now: no second request
        await Cache(verify: false).EnsureAsync(Imdb.WordIndexFileName);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task Corrupt_download_is_refused_and_nothing_is_left_behind()
    {
        _server.Serve(BostonHousing.FileName, 200, Encoding.ASCII.GetBytes(new string('x', 57026))); // Keras's size, not its bytes
        var e = await Assert.ThrowsAsync<DataFormatException>(() => Cache().EnsureAsync(BostonHousing.FileName));
        Assert.Contains("sha256", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Malformed_word_index_download_is_refused_and_nothing_is_left_behind()
    {
        _server.Serve(Reuters.WordIndexFileName, 200, "[1, 2, 3]"u8.ToArray());
        await Assert.ThrowsAsync<DataFormatException>(() => Cache().EnsureAsync(Reuters.WordIndexFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Http_404_is_refused_and_nothing_is_left_behind()
    {
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => Cache().EnsureAsync(Imdb.FileName));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains(Imdb.FileName, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Unknown_files_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Cache().Ensure("passwords.npz"));
    }

    [Fact]
    public void Present_npz_is_verified_unless_verification_is_off()
    {
        File.WriteAllText(Path.Combine(_dir, Reuters.FileName), "not the real file");
        var e = Assert.Throws<DataFormatException>(() => Cache().Ensure(Reuters.FileName));
        Assert.Contains("--no-verify", e.Message);
        Assert.Equal(Path.Combine(_dir, Reuters.FileName), Cache(verify: false).Ensure(Reuters.FileName));
        Assert.Equal(0, _server.Requests);
    }

    [RealDataFact]
    public void Downloads_the_real_boston_file_and_loads_it()
    {
        _server.Serve(BostonHousing.FileName, 200, File.ReadAllBytes(Path.Combine(TestData.Require(), BostonHousing.FileName)));
        string path = Cache().Ensure(BostonHousing.FileName);
        Assert.Equal([15.2, 42.3, 50.0], BostonHousing.Load(Path.GetDirectoryName(path)!).Train.Targets[..3]);
        Assert.Single(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Directory_follows_keras_rules()
    {
        Assert.Equal(Path.GetFullPath(_dir), DatasetCache.ResolveDirectory(_dir));
        string? saved = Environment.GetEnvironmentVariable("KERAS_HOME");
        try
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", _dir);
            Assert.Equal(Path.Combine(_dir, "datasets"), DatasetCache.ResolveDirectory(null));
            Environment.SetEnvironmentVariable("KERAS_HOME", null);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.GetFullPath(Path.Combine(home, ".keras", "datasets")), DatasetCache.ResolveDirectory(null));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", saved);
        }
    }
}
