using System.Text;
using System.Text.Json;
using AotNet.IO;

namespace AotNet.Hosting;

/// <summary>
/// One commit into an <see cref="OutputSet"/>, holding the folder's lock: <see cref="Stage(string, string)"/> each file
/// (written and flushed as a temporary file in the folder), then <see cref="Commit"/> the manifest, which renames every
/// staged file into place, the manifest last. Disposing it without a commit deletes what was staged; the folder keeps
/// its previous set.
/// </summary>
public sealed class OutputSetWriter : IDisposable
{
    private readonly OutputSet _set;
    private readonly IDisposable _lock;
    private readonly CancellationToken _cancellation;
    private readonly List<(string Name, string Temporary, string Sha256)> _staged = [];
    private readonly Dictionary<string, string> _previousFiles;
    private bool _committed, _disposed;

    internal OutputSetWriter(OutputSet set, IDisposable folderLock, CancellationToken cancellation)
    {
        _set = set;
        _lock = folderLock;
        _cancellation = cancellation;
        try
        {
            RemoveLeftovers();
            PreviousManifest = OutputSet.ReadManifest(Combine(set.ManifestName), set.Option);
            _previousFiles = FilesOf(PreviousManifest);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Test seam: called with each file's name after it is staged (a throw stands for a full disk or an I/O error).</summary>
    internal static Action<string>? AfterStaged { get; set; }

    /// <summary>This commit's id (UTC time and a random part), recorded in the manifest.</summary>
    public string RunId { get; } = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..25];

    /// <summary>The manifest in the folder when the commit started (under the lock), or null: merge over it.</summary>
    public string? PreviousManifest { get; }

    /// <summary>The names staged so far, in order, with their SHA-256 (lower-case hex).</summary>
    public IReadOnlyList<(string Name, string Sha256)> Staged => _staged.Select(s => (s.Name, s.Sha256)).ToList();

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) as the set's file <paramref name="name"/>, not yet visible.</summary>
    public void Stage(string name, string text) => Stage(name, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> as the set's file <paramref name="name"/>, not yet visible.</summary>
    public void Stage(string name, ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("the set is already committed");
        }

        OutputSet.CheckName(name);
        if (name == _set.ManifestName)
        {
            throw new ArgumentException($"{name} is the manifest: pass it to Commit", nameof(name));
        }

        if (_staged.Exists(s => s.Name == name))
        {
            throw new ArgumentException($"{name} is already staged", nameof(name));
        }

        StageFile(name, bytes);
    }

    /// <summary>
    /// Adds the <c>"set"</c> property (run id, every file's SHA-256) to <paramref name="manifestJson"/> (a JSON object;
    /// a <c>"set"</c> it holds is replaced), stages it, then renames every staged file into place, the manifest last,
    /// and deletes the files the previous manifest named that the new set no longer has (only while they still hold
    /// the bytes it recorded). Cancellation is honoured until the renames start. Returns the names written, manifest last.
    /// </summary>
    /// <exception cref="IOException">Nothing was renamed (the folder keeps its previous set), unless the message says otherwise.</exception>
    public IReadOnlyList<string> Commit(string manifestJson)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("the set is already committed");
        }

        StageFile(_set.ManifestName, WithSet(manifestJson));
        _cancellation.ThrowIfCancellationRequested();
        foreach (var (name, _, _) in _staged)
        {
            _set.CheckEntry(name); // something may have appeared at a name meanwhile: refused, never replaced
        }

        var written = new List<string>();
        TemporaryFiles.Uninterrupted(() =>
        {
            foreach (var (name, temporary, _) in _staged)
            {
                try
                {
                    File.Move(temporary, Combine(name), overwrite: true); // rename(2): replaces the entry, follows no link
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException && written.Count > 0)
                {
                    throw new IOException($"{_set.Option} '{_set.Path}': {name} could not be put in place ({e.Message}) after {string.Join(", ", written)} were; {_set.ManifestName} still describes the previous set (its hashes tell which files are newer): run again", e);
                }

                written.Add(name);
            }

            _committed = true;
        });

        RemoveStale(written);
        return written;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var (_, temporary, _) in _staged)
        {
            if (!_committed)
            {
                TryDelete(temporary);
            }

            TemporaryFiles.Unregister(temporary);
        }

        _lock.Dispose();
    }

    private string Combine(string name) => Path.Combine(_set.Path, name);

    private void StageFile(string name, ReadOnlySpan<byte> bytes)
    {
        _cancellation.ThrowIfCancellationRequested();
        _set.CheckEntry(name);
        string temporary = Combine(OutputSet.TemporaryName(name, Guid.NewGuid().ToString("N")));
        TemporaryFiles.Register(temporary);
        _staged.Add((name, temporary, Convert.ToHexStringLower(Sha256.HashData(bytes))));
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        AfterStaged?.Invoke(name);
    }

    /// <summary>The manifest with <c>"set": { "run": id, "files": { name: sha256 } }</c> as its last property.</summary>
    private byte[] WithSet(string manifestJson)
    {
        using var document = JsonDocument.Parse(manifestJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("the manifest must be a JSON object", nameof(manifestJson));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != OutputSet.SetProperty)
                {
                    property.WriteTo(json);
                }
            }

            json.WriteStartObject(OutputSet.SetProperty);
            json.WriteString("run", RunId);
            json.WriteStartObject("files");
            foreach (var (name, _, sha256) in _staged)
            {
                json.WriteString(name, sha256);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The files a manifest names (<c>set.files</c>), or none when it names none or cannot be read.</summary>
    private static Dictionary<string, string> FilesOf(string? manifest)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (manifest is null)
        {
            return files;
        }

        try
        {
            using var document = JsonDocument.Parse(manifest);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(OutputSet.SetProperty, out var set) && set.ValueKind == JsonValueKind.Object
                && set.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Object)
            {
                foreach (var file in list.EnumerateObject())
                {
                    if (file.Value.ValueKind == JsonValueKind.String && !file.Name.StartsWith('.') && file.Name.IndexOfAny(['/', '\\', '\0']) < 0)
                    {
                        files[file.Name] = file.Value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: the caller reports it; nothing is known to be ours
        }

        return files;
    }

    /// <summary>Files of the previous set the new one does not have, deleted only while they hold the bytes the tool wrote.</summary>
    private void RemoveStale(List<string> written)
    {
        foreach (var (name, sha256) in _previousFiles)
        {
            if (written.Contains(name) || name == _set.ManifestName)
            {
                continue;
            }

            string path = Combine(name);
            try
            {
                if (FileKinds.Of(path, followLinks: false) != FileKind.Regular || new FileInfo(path).Length > 64L << 20)
                {
                    continue;
                }

                if (Convert.ToHexStringLower(Sha256.HashData(File.ReadAllBytes(path))) == sha256)
                {
                    File.Delete(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // left as it is: the new manifest no longer names it
            }
        }
    }

    /// <summary>Temporary files (".NAME.aotnet-ID.tmp", regular files) of commits killed before they ended: no commit runs now.</summary>
    private void RemoveLeftovers()
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(_set.Path).Select(Path.GetFileName).OfType<string>().Where(OutputSet.IsTemporaryName).ToList())
        {
            string path = Combine(entry);
            if (FileKinds.Of(path, followLinks: false) == FileKind.Regular)
            {
                TryDelete(path);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
