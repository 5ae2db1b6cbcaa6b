using AotNet.IO;

namespace AotNet.Hosting;

/// <summary>
/// A folder the user named for a tool's results (<c>--out DIR</c>) holding one <em>set</em>: a manifest
/// (<c>results.json</c>) and the files drawn from it (figures, a report). The rule is that the tool never reads,
/// moves, copies or deletes an entry it did not create:
/// <list type="bullet">
/// <item>only the set's own names are ever written, each through a temporary file in DIR (<c>.NAME.aotnet-ID.tmp</c>)
/// that is renamed over NAME; an entry at one of those names that is not a regular file (a folder, a symbolic link, a
/// pipe, a device, a socket) is refused, before any work, and left alone;</item>
/// <item>DIR itself is never renamed, replaced or re-created: a mount point, a shell's working folder, a log being
/// written into DIR and every other entry in it stay exactly as they are;</item>
/// <item>every file of the new set is written and flushed to disk before the first rename, so an error, a full disk or
/// a signal while writing leaves the previous set as it was (the temporary files are deleted); then the files are
/// renamed into place, the manifest last, in a step no signal interrupts;</item>
/// <item>the manifest names the set: its <c>"set"</c> property holds this run's id and every file's SHA-256, so a
/// reader can check that the files it sees belong to the manifest; a file the previous manifest named, still holding
/// exactly the bytes recorded there, that the new set no longer has is deleted — nothing else ever is;</item>
/// <item>commits into one folder take turns (an exclusive <c>flock</c> on DIR itself), so concurrent runs each merge
/// over the other's manifest (<see cref="OutputSetWriter.PreviousManifest"/>).</item>
/// </list>
/// Create it before the long work (training): the constructor checks that DIR can take the set (it creates DIR when
/// missing, probes it with a file of its own and checks the set's names), so a wrong <c>--out</c> fails at once.
/// </summary>
public sealed class OutputSet
{
    /// <summary>The manifest's file name unless another is given.</summary>
    public const string DefaultManifestName = "results.json";

    /// <summary>The manifest's property that names the set (run id and file hashes); written by <see cref="OutputSetWriter.Commit"/>.</summary>
    public const string SetProperty = "set";

    /// <summary>Largest manifest read back (a larger one is refused as not the tool's).</summary>
    public const long MaxManifestBytes = 512L << 20;

    /// <summary>How long a commit waits by default for another one into the same folder.</summary>
    public static readonly TimeSpan DefaultLockPatience = TimeSpan.FromMinutes(2);

    /// <param name="folder">The folder (created with its parents when missing; a symbolic link to a folder is followed).</param>
    /// <param name="option">How messages name it, e.g. "--out".</param>
    /// <param name="manifestName">The manifest's file name.</param>
    /// <param name="names">The other names the set may write (checked now: each must be missing or a regular file).</param>
    /// <exception cref="IOException">The folder cannot take the set; the message says why and what to do.</exception>
    public OutputSet(string folder, string option = "--out", string manifestName = DefaultManifestName, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Option = option;
        ManifestName = CheckName(manifestName);
        try
        {
            if (folder.Length == 0)
            {
                throw new IOException("no folder named");
            }

            Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder));
            if (Path.Length == 0)
            {
                Path = System.IO.Path.GetFullPath(folder);
            }

            FileKind kind = FileKinds.Of(Path);
            if (kind == FileKind.Missing)
            {
                Directory.CreateDirectory(Path);
            }
            else if (kind != FileKind.Directory)
            {
                throw new IOException($"it is {FileKinds.Describe(kind)}; give a folder (it is created when missing)");
            }

            Probe();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"{option} '{folder}': the folder cannot be written ({e.Message})", e);
        }

        foreach (string name in (names ?? []).Prepend(ManifestName))
        {
            CheckEntry(CheckName(name));
        }
    }

    /// <summary>The folder, as a full path (a symbolic link is kept as given: the kernel follows it).</summary>
    public string Path { get; } = string.Empty;

    /// <summary>The option that named the folder (for messages).</summary>
    public string Option { get; }

    /// <summary>The manifest's file name.</summary>
    public string ManifestName { get; }

    /// <summary>The manifest now in the folder as text, or null when there is none (read under no lock: a commit may replace it any time).</summary>
    public string? ReadManifest() => ReadManifest(System.IO.Path.Combine(Path, ManifestName), Option);

    /// <summary>
    /// Waits (cancellably, at most <paramref name="patience"/>) until no other commit runs into this folder and
    /// starts one. Dispose the writer to end it: files staged but not committed are deleted and the lock is released.
    /// </summary>
    public OutputSetWriter Begin(TimeSpan? patience = null, CancellationToken cancellation = default) =>
        new(this, FolderLock.Acquire(Path, patience ?? DefaultLockPatience, cancellation), cancellation);

    /// <summary>
    /// One whole commit, the way every tool of the package writes its set: under the folder's lock,
    /// <paramref name="render"/> gets the manifest then in the folder (or null; merge over it or check it) and returns
    /// the new manifest (a JSON object) and the other files; each file is staged, then the manifest is committed last.
    /// An I/O error becomes one <see cref="IOException"/> saying the folder keeps its previous set (or, in the rare
    /// case that some renames were done, which). Returns the names written, manifest last.
    /// </summary>
    public IReadOnlyList<string> Write(
        Func<string?, (string Manifest, IEnumerable<(string Name, string Text)> Files)> render, TimeSpan? patience = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        try
        {
            using var writer = Begin(patience, cancellation);
            var (manifest, files) = render(writer.PreviousManifest);
            foreach (var (name, text) in files)
            {
                writer.Stage(name, text);
            }

            return writer.Commit(manifest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string message = e.Message.Contains("still describes the previous set", StringComparison.Ordinal)
                ? e.Message
                : $"{Option} '{Path}': the results could not be written ({e.Message}); the folder keeps its previous set";
            throw new IOException(message, e);
        }
    }

    /// <summary>Refuses names that are not plain file names of the folder (no separators, no dot files).</summary>
    internal static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith('.') || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a plain file name (no folders, not starting with a dot)", nameof(name));
        }

        return name;
    }

    /// <summary>Throws when the entry at <paramref name="name"/> is there and is not a regular file (it is never replaced).</summary>
    internal void CheckEntry(string name)
    {
        string path = System.IO.Path.Combine(Path, name);
        FileKind kind = FileKinds.Of(path, followLinks: false);
        if (kind is not (FileKind.Regular or FileKind.Missing))
        {
            throw new IOException($"{Option} '{Path}': {name} there is {FileKinds.Describe(kind)}, not a regular file; it is the name of a file the set writes, and aotnet replaces only regular files: move it away or choose another {Option}");
        }
    }

    internal static string? ReadManifest(string path, string option)
    {
        FileKind kind = FileKinds.Of(path, followLinks: false);
        if (kind == FileKind.Missing)
        {
            return null;
        }

        if (kind != FileKind.Regular)
        {
            throw new IOException($"{option}: {path} is {FileKinds.Describe(kind)}, not a regular file; move it away or choose another {option}");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxManifestBytes)
        {
            throw new IOException($"{path} is larger than {MaxManifestBytes >> 20} MB, so not a manifest the tool wrote; move it away to keep it, or choose another {option}");
        }

        using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: false));
        return reader.ReadToEnd();
    }

    /// <summary>A temporary file of this process's own name, created in the folder itself and deleted: the folder takes files.</summary>
    private void Probe()
    {
        string probe = System.IO.Path.Combine(Path, TemporaryName("probe", Guid.NewGuid().ToString("N")));
        TemporaryFiles.Register(probe);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }

            File.Delete(probe);
        }
        finally
        {
            TemporaryFiles.Unregister(probe);
        }
    }

    /// <summary>".NAME.aotnet-ID.tmp": the only temporary names the set uses, and the only ones a later commit deletes as leftovers.</summary>
    internal static string TemporaryName(string name, string id) => $".{name}.aotnet-{id}.tmp";

    /// <summary>Whether <paramref name="entry"/> is a temporary name of <see cref="TemporaryName"/> (32 hex digits as the id).</summary>
    internal static bool IsTemporaryName(string entry)
    {
        const string Marker = ".aotnet-", Suffix = ".tmp";
        if (!entry.StartsWith('.') || !entry.EndsWith(Suffix, StringComparison.Ordinal) || entry.Length < 2 + Marker.Length + 32 + Suffix.Length)
        {
            return false;
        }

        var id = entry.AsSpan(entry.Length - Suffix.Length - 32, 32);
        return entry.AsSpan(0, entry.Length - Suffix.Length - 32).EndsWith(Marker, StringComparison.Ordinal) && !id.ContainsAnyExcept("0123456789abcdef");
    }
}
