using System.Collections.Concurrent;
using AotNet.IO;

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
/// <c>.part</c> file in the same folder, checked (sha256 for the npz files, Keras's md5 for the word indices, see
/// <see cref="KerasDatasetFiles"/>) and only then renamed into place; on any failure nothing is left behind. A
/// download is bounded: it may not exceed the file's known size (<see cref="KerasFile.MaxBytes"/>, also checked
/// against Content-Length), may not stall longer than <see cref="StallTimeout"/> (<c>AOTNET_DOWNLOAD_STALL_SECONDS</c>),
/// nor last longer than <see cref="Timeout"/>. When another process stored the same file meanwhile, its file is
/// checked and used. Present files are checked too unless verification is off (a successful check is remembered in
/// memory by path, size and modification time); they must be regular files (not pipes or devices).
/// </para>
/// <para>
/// All hashing is managed code (<see cref="AotNet.IO.Sha256"/>, <see cref="AotNet.IO.Md5"/>): checking files needs no
/// OpenSSL. Downloads go through the system's libcurl, loaded only when a file is missing (see <c>Curl</c>: proxies
/// from the usual variables, redirects, TLS); without one a download fails with a message naming the file to copy by hand.
/// </para>
/// </summary>
public sealed class DatasetCache
{
    /// <summary>The environment variable that overrides the download origin.</summary>
    public const string OriginVariable = "AOTNET_DATASETS_ORIGIN";

    /// <summary>The environment variable that sets <see cref="StallTimeout"/> in seconds.</summary>
    public const string StallVariable = "AOTNET_DOWNLOAD_STALL_SECONDS";

    /// <summary>How long a download may go without receiving a byte, unless <see cref="StallVariable"/> says otherwise.</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), bool> Verified = new();

    /// <summary>Creates a cache on <paramref name="directory"/>.</summary>
    /// <param name="directory">The datasets folder (see <see cref="ResolveDirectory"/>).</param>
    /// <param name="origin">Base URL the file names are appended to; defaults to <see cref="KerasDatasetFiles.DefaultOrigin"/>.</param>
    /// <param name="verify">Whether present files are checked by hash, and downloaded word indices by md5 (npz downloads are always checked).</param>
    /// <param name="timeout">Limit for one whole download (default 15 minutes).</param>
    /// <param name="stallTimeout">Limit for a download receiving nothing (default <see cref="DefaultStallTimeout"/>).</param>
    public DatasetCache(string directory, string? origin = null, bool verify = true, TimeSpan? timeout = null, TimeSpan? stallTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        Origin = string.IsNullOrEmpty(origin) ? KerasDatasetFiles.DefaultOrigin : origin.EndsWith('/') ? origin : origin + "/";
        Verify = verify;
        Timeout = timeout ?? TimeSpan.FromMinutes(15);
        StallTimeout = stallTimeout ?? DefaultStallTimeout;
    }

    /// <summary>The datasets folder.</summary>
    public string Directory { get; }

    /// <summary>The base URL downloads come from.</summary>
    public string Origin { get; }

    /// <summary>Whether present files are checked by hash.</summary>
    public bool Verify { get; }

    /// <summary>Limit for one whole download.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Limit for a download that receives nothing (no headers, or no more body bytes).</summary>
    public TimeSpan StallTimeout { get; }

    /// <summary>
    /// A cache as the App uses it: folder from <see cref="ResolveDirectory"/>, origin from <c>AOTNET_DATASETS_ORIGIN</c>,
    /// stall timeout from <c>AOTNET_DOWNLOAD_STALL_SECONDS</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The stall variable is not a positive number of seconds.</exception>
    public static DatasetCache FromEnvironment(string? explicitDirectory, bool verify = true) =>
        new(ResolveDirectory(explicitDirectory), Environment.GetEnvironmentVariable(OriginVariable), verify, stallTimeout: StallFromEnvironment());

    private static TimeSpan? StallFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(StallVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 86400
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{StallVariable}='{text}' is not a number of seconds between 0 and 86400; unset it or give e.g. 60");
    }

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
    /// <exception cref="DataFormatException">The file (present or downloaded) fails its check, or is not a regular file.</exception>
    /// <exception cref="DatasetDownloadException">The download failed.</exception>
    public async Task<string> EnsureAsync(string fileName, Action<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        KerasFile file = KerasDatasetFiles.Get(fileName);
        cancellationToken.ThrowIfCancellationRequested();
        string path = Path.Combine(Directory, fileName);
        FileKind kind = FileKinds.Of(path);
        if (kind == FileKind.Regular)
        {
            if (Verify)
            {
                VerifyPresent(path, file, cancellationToken);
            }

            return path;
        }

        if (kind != FileKind.Missing)
        {
            throw new DataFormatException(
                $"{path} is {FileKinds.Describe(kind)}, not a regular file; put Keras's {fileName} there, or point --data-dir at a folder that has it");
        }

        await DownloadAsync(file, path, progress, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Checks a present file: size and sha256 (npz), or Keras's md5 or the canonical digest (word index).</summary>
    private static void VerifyPresent(string path, KerasFile file, CancellationToken cancellation)
    {
        var info = new FileInfo(path);
        var key = (path, info.Length, info.LastWriteTimeUtc);
        if (Verified.ContainsKey(key))
        {
            return;
        }

        if (file.Sha256 is { } sha256)
        {
            string actual = info.Length == file.Bytes ? FileHash.Hex(path, new Sha256(), cancellation) : string.Empty;
            if (actual != sha256)
            {
                throw new DataFormatException(actual.Length == 0
                    ? $"{path}: {info.Length} bytes where Keras's {file.Name} has {file.Bytes}, so its sha256 cannot be Keras's; delete the file to download it again, or skip the check (--no-verify)"
                    : $"{path}: sha256 {actual} differs from Keras's {sha256}; delete the file to download it again, or skip the check (--no-verify)");
            }
        }
        else
        {
            string? problem = info.Length > file.MaxBytes
                ? $"{path}: {info.Length} bytes is more than Keras's {file.Name} ({file.Bytes} bytes)"
                : WordIndexProblem(path, file, FileHash.Hex(path, new Md5(), cancellation));
            if (problem is not null)
            {
                throw new DataFormatException($"{problem}; delete the file to download it again, or skip the check (--no-verify)");
            }
        }

        Verified[key] = true;
    }

    /// <summary>Null when the word index at <paramref name="path"/> is Keras's (by md5, or by its canonical digest); else why not.</summary>
    private static string? WordIndexProblem(string path, KerasFile file, string md5)
    {
        if (md5 == file.Md5)
        {
            return null;
        }

        if (file.CanonicalSha256 is { } canonical && WordIndex.Load(path).CanonicalSha256() == canonical)
        {
            return null; // the same word -> index pairs as Keras's file, in other bytes
        }

        return file.CanonicalSha256 is null
            ? $"{path}: md5 {md5} differs from Keras's {file.Md5}"
            : $"{path}: md5 {md5} differs from Keras's {file.Md5}, and its word/index pairs differ from Keras's";
    }

    private async Task DownloadAsync(KerasFile file, string path, Action<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string fileName = file.Name;
        string url = Origin + fileName;
        if (!IsHttpUrl(Origin))
        {
            throw new DatasetDownloadException(
                $"{OriginVariable}: '{Origin}' is not an http:// or https:// URL; unset it to download from Keras's origin, or give e.g. https://host/folder/");
        }

        string temp = Path.Combine(Directory, $".{fileName}.{Guid.NewGuid():N}.part");
        using var timeout = new CancellationTokenSource(Timeout);
        using var stall = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, stall.Token);
        CancellationToken token = linked.Token;
        var download = new Download(file, url, temp, progress, () => stall.CancelAfter(StallTimeout));
        try
        {
            System.IO.Directory.CreateDirectory(Directory); // a file in the way is reported below as "cannot store the download"
            stall.CancelAfter(StallTimeout);
            await Task.Factory.StartNew(() => Curl.Get(url, download, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
            stall.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            string actual = download.Finish();
            if (file.Sha256 is { } sha256 && actual != sha256)
            {
                throw new DataFormatException($"{url}: downloaded file has sha256 {actual}, Keras expects {sha256}; it was discarded");
            }

            if (file.Sha256 is null)
            {
                if (Verify && WordIndexProblem(temp, file, actual) is not null)
                {
                    throw new DataFormatException(
                        $"{url}: downloaded file has md5 {actual}, Keras expects {file.Md5}; it was discarded (--no-verify accepts any well-formed word index)");
                }

                WordIndex.Load(temp); // word-index files are always checked for structure
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (FileKinds.Of(path) == FileKind.Regular)
            {
                // another run stored the same file meanwhile: use it if it is Keras's (it was checked before its rename)
                TryDelete(temp);
                if (Verify || file.Sha256 is not null)
                {
                    VerifyPresent(path, file, cancellationToken);
                }
                else
                {
                    WordIndex.Load(path); // as a download without verification: checked for structure
                }
            }
        }
        catch (Exception e)
        {
            download.Close();
            TryDelete(temp);
            Exception? wrapped = e switch
            {
                DataFormatException or DatasetDownloadException => null,
                OperationCanceledException when cancellationToken.IsCancellationRequested => null,
                OperationCanceledException when stall.IsCancellationRequested =>
                    new DatasetDownloadException(
                        $"{url}: download timed out: nothing received for {StallTimeout.TotalSeconds:0.#} s (to wait longer, set {StallVariable})", e),
                OperationCanceledException => new DatasetDownloadException($"{url}: download timed out after {Timeout}", e),
                HttpTransferException when download.Received > 0 && download.Total is long expected && download.Received < expected =>
                    new DatasetDownloadException($"{url}: received {download.Received} of {expected} bytes ({e.Message})", e),
                HttpTransferException { Unavailable: true } =>
                    new DatasetDownloadException($"{url}: cannot download: {e.Message}; or copy Keras's {fileName} into {Directory} yourself (or point --data-dir at a folder that has it)", e),
                HttpTransferException => new DatasetDownloadException($"{url}: download failed ({e.Message})", e),
                IOException or UnauthorizedAccessException => new DatasetDownloadException($"{path}: cannot store the download ({e.Message})", e),
                _ => null,
            };
            if (wrapped is null)
            {
                throw;
            }

            throw wrapped;
        }
        finally
        {
            download.Dispose();
        }
    }

    /// <summary>An absolute http:// or https:// URL with a host and no spaces or control characters.</summary>
    private static bool IsHttpUrl(string url)
    {
        int scheme = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
            : url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
            : 0;
        if (scheme == 0 || url.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0 || url.Contains('\u007f'))
        {
            return false;
        }

        int hostEnd = url.AsSpan(scheme).IndexOfAny('/', '?', '#');
        return (hostEnd < 0 ? url.Length - scheme : hostEnd) > 0;
    }

    /// <summary>
    /// One download as it arrives: the head checked (status, announced size), the body written to the temporary file
    /// and hashed as it comes, within the file's size, with progress reported and the stall clock restarted per piece.
    /// </summary>
    private sealed class Download(KerasFile file, string url, string temp, Action<DownloadProgress>? progress, Action restartStallClock) : IHttpReceiver, IDisposable
    {
        private readonly IStreamHash _hash = file.Sha256 is not null ? new Sha256() : new Md5();
        private FileStream? _output;
        private bool _registered;

        public long Received { get; private set; }

        public long? Total { get; private set; }

        public void Head(int status, string reason, long? contentLength)
        {
            if (status is < 200 or >= 300)
            {
                throw new DatasetDownloadException(reason.Length > 0 ? $"{url}: HTTP {status} {reason}" : $"{url}: HTTP {status}");
            }

            if (contentLength > file.MaxBytes)
            {
                throw new DatasetDownloadException(
                    $"{url}: the server announces {contentLength} bytes, but Keras's {file.Name} has {file.Bytes}; check {OriginVariable}");
            }

            Total = contentLength;
            TemporaryFiles.Register(temp);
            _registered = true;
            _output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            progress?.Invoke(new DownloadProgress(file.Name, 0, Total));
            restartStallClock();
        }

        public void Body(ReadOnlySpan<byte> data)
        {
            restartStallClock(); // the stall clock restarts with every byte received
            Received += data.Length;
            if (Received > file.MaxBytes || Received > Total)
            {
                throw new DatasetDownloadException(
                    $"{url}: the server sent more than {Math.Min(file.MaxBytes, Total ?? long.MaxValue)} bytes, but Keras's {file.Name} has {file.Bytes}; the download was stopped and discarded (check {OriginVariable})");
            }

            _output!.Write(data);
            _hash.Append(data);
            progress?.Invoke(new DownloadProgress(file.Name, Received, Total));
        }

        /// <summary>Closes the file once the transfer ended well; its digest (sha256 or md5).</summary>
        public string Finish()
        {
            if (Total is long expected && Received != expected)
            {
                throw new DatasetDownloadException($"{url}: received {Received} of {expected} bytes");
            }

            if (_output is null)
            {
                throw new DatasetDownloadException($"{url}: the server sent no response");
            }

            _output.Dispose();
            return _hash.FinishHex();
        }

        /// <summary>Closes the temporary file (it stays registered until <see cref="Dispose"/>).</summary>
        public void Close() => _output?.Dispose();

        public void Dispose()
        {
            Close();
            if (_registered)
            {
                _registered = false;
                TemporaryFiles.Unregister(temp);
            }
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
