using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AotNet.Data.Keras;

/// <summary>Download progress of one file (<see cref="TotalBytes"/> is null when the server does not say).</summary>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes);

/// <summary>A dataset file could not be downloaded (HTTP error, timeout, network failure).</summary>
public sealed class DatasetDownloadException(string message, Exception? innerException = null) : IOException(message, innerException);

/// <summary>
/// Finds the Keras dataset files where Keras keeps them and downloads the missing ones.
/// <para>
/// Folder: the explicit directory if given, else <c>$KERAS_HOME/datasets</c>, else <c>~/.keras/datasets</c>.
/// A missing file is fetched from the origin (Keras's public folder, or <c>AOTNET_DATASETS_ORIGIN</c>) into a temporary
/// file in the same folder, checked (sha256 for the npz files, structure for the word indices) and only then renamed
/// into place; on any failure nothing is left behind. Present npz files are sha256-checked too unless verification is
/// off (a successful check is remembered in memory by path, size and modification time).
/// </para>
/// </summary>
public sealed class DatasetCache
{
    /// <summary>The environment variable that overrides the download origin.</summary>
    public const string OriginVariable = "AOTNET_DATASETS_ORIGIN";

    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), bool> Verified = new();
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    private readonly HttpClient _http;

    /// <summary>Creates a cache on <paramref name="directory"/>.</summary>
    /// <param name="directory">The datasets folder (see <see cref="ResolveDirectory"/>).</param>
    /// <param name="origin">Base URL the file names are appended to; defaults to <see cref="KerasDatasetFiles.DefaultOrigin"/>.</param>
    /// <param name="verify">Whether present npz files are sha256-checked (downloads are always checked).</param>
    /// <param name="http">The client to download with (a shared one by default).</param>
    /// <param name="timeout">Limit for one whole download (default 15 minutes).</param>
    public DatasetCache(string directory, string? origin = null, bool verify = true, HttpClient? http = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        Origin = string.IsNullOrEmpty(origin) ? KerasDatasetFiles.DefaultOrigin : origin.EndsWith('/') ? origin : origin + "/";
        Verify = verify;
        _http = http ?? SharedHttp.Value;
        Timeout = timeout ?? TimeSpan.FromMinutes(15);
    }

    /// <summary>The datasets folder.</summary>
    public string Directory { get; }

    /// <summary>The base URL downloads come from.</summary>
    public string Origin { get; }

    /// <summary>Whether present npz files are sha256-checked.</summary>
    public bool Verify { get; }

    /// <summary>Limit for one whole download.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>A cache as the App uses it: folder from <see cref="ResolveDirectory"/>, origin from <c>AOTNET_DATASETS_ORIGIN</c>.</summary>
    public static DatasetCache FromEnvironment(string? explicitDirectory, bool verify = true) =>
        new(ResolveDirectory(explicitDirectory), Environment.GetEnvironmentVariable(OriginVariable), verify);

    /// <summary>Keras's folder rule: <paramref name="explicitDirectory"/>, else <c>$KERAS_HOME/datasets</c>, else <c>~/.keras/datasets</c>.</summary>
    public static string ResolveDirectory(string? explicitDirectory)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        string? kerasHome = Environment.GetEnvironmentVariable("KERAS_HOME");
        string home = !string.IsNullOrEmpty(kerasHome)
            ? kerasHome
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras");
        return Path.GetFullPath(Path.Combine(home, "datasets"));
    }

    /// <summary>Synchronous <see cref="EnsureAsync"/>.</summary>
    public string Ensure(string fileName, Action<DownloadProgress>? progress = null) =>
        EnsureAsync(fileName, progress, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// The full path of known file <paramref name="fileName"/>, downloading it first when missing, and verifying it.
    /// </summary>
    /// <exception cref="DataFormatException">The file (present or downloaded) fails its check.</exception>
    /// <exception cref="DatasetDownloadException">The download failed.</exception>
    public async Task<string> EnsureAsync(string fileName, Action<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string? sha256 = KerasDatasetFiles.Sha256(fileName);
        string path = Path.Combine(Directory, fileName);
        if (File.Exists(path))
        {
            if (Verify && sha256 is not null)
            {
                VerifyPresent(path, sha256);
            }

            return path;
        }

        await DownloadAsync(fileName, path, sha256, progress, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private static void VerifyPresent(string path, string sha256)
    {
        var info = new FileInfo(path);
        var key = (path, info.Length, info.LastWriteTimeUtc);
        if (Verified.ContainsKey(key))
        {
            return;
        }

        string actual;
        using (FileStream stream = File.OpenRead(path))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (actual != sha256)
        {
            throw new DataFormatException(
                $"{path}: sha256 {actual} differs from Keras's {sha256}; delete the file to download it again, or skip the check (--no-verify)");
        }

        Verified[key] = true;
    }

    private async Task DownloadAsync(string fileName, string path, string? sha256, Action<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string url = Origin + fileName;
        string temp = Path.Combine(Directory, $".{fileName}.{Guid.NewGuid():N}.part");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            System.IO.Directory.CreateDirectory(Directory); // a file in the way is reported below as "cannot store the download"
            using (HttpResponseMessage response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new DatasetDownloadException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                long? total = response.Content.Headers.ContentLength;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (FileStream output = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await using (Stream input = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 16];
                    long received = 0;
                    int read;
                    progress?.Invoke(new DownloadProgress(fileName, 0, total));
                    while ((read = await input.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                    {
                        await output.WriteAsync(buffer.AsMemory(0, read), timeout.Token).ConfigureAwait(false);
                        hash.AppendData(buffer, 0, read);
                        received += read;
                        progress?.Invoke(new DownloadProgress(fileName, received, total));
                    }

                    if (total is long expected && received != expected)
                    {
                        throw new DatasetDownloadException($"{url}: received {received} of {expected} bytes");
                    }
                }

                string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (sha256 is not null && actual != sha256)
                {
                    throw new DataFormatException($"{url}: downloaded file has sha256 {actual}, Keras expects {sha256}; it was discarded");
                }
            }

            if (sha256 is null)
            {
                WordIndex.Load(temp); // word-index files are checked by structure
            }

            File.Move(temp, path, overwrite: false);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            Exception? wrapped = e switch
            {
                DataFormatException or DatasetDownloadException => null,
                OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                    new DatasetDownloadException($"{url}: download timed out after {Timeout}", e),
                HttpRequestException or HttpIOException => new DatasetDownloadException($"{url}: download failed ({e.Message})", e),
                IOException or UnauthorizedAccessException => new DatasetDownloadException($"{path}: cannot store the download ({e.Message})", e),
                _ => null,
            };
            if (wrapped is null)
            {
                throw;
            }

            throw wrapped;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
