using System.Text.Json;

namespace AotNet.App.Results;

/// <summary>
/// The <c>--out</c> folder: results.json, the figures as SVG and report.html, changed only as a complete set.
/// A run writes the whole new set (this run's experiments merged over the entries of results.json it does not
/// replace, every figure and the report drawn again from that) into a new folder beside the target, then exchanges
/// the two folders in one step and deletes the old one. An error, a full disk or a signal before the exchange leaves
/// the old set as it was; concurrent runs into one folder take turns (each merges over the other's results), so
/// the folder always holds one complete set. Files aotnet does not write (e.g. weights saved there) are carried over.
/// </summary>
internal sealed class OutputFolder
{
    public const string ResultsFileName = "results.json", ReportFileName = "report.html";

    /// <summary>How long a run waits for another run that is writing into the same parent folder.</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(2);

    private readonly string _option;

    /// <summary>Test seam: called with each file's name after it is staged (a throw stands for a full disk or an I/O error).</summary>
    internal static Action<string>? AfterStagedFile { get; set; }

    /// <summary>Checks, before any training, that the set can be written at <paramref name="path"/>.</summary>
    public OutputFolder(string path)
    {
        _option = path;
        try
        {
            string full = System.IO.Path.GetFullPath(path);
            if (File.Exists(full) && !Directory.Exists(full))
            {
                throw new IOException("it is a file; give a folder (it is created when missing)");
            }

            // a symlinked --out is followed: the set replaces the folder it points to, not the link
            var info = new DirectoryInfo(full);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } link)
            {
                full = link.FullName;
            }

            Path = System.IO.Path.TrimEndingDirectorySeparator(full);
            Parent = System.IO.Path.GetDirectoryName(Path) ?? throw new IOException("a file system root cannot be replaced; give a folder below it");
            Name = System.IO.Path.GetFileName(Path);
            Directory.CreateDirectory(Path); // the set replaces it at the end; until then it stays as it is
            string probe = Staging("probe");
            Directory.CreateDirectory(probe);
            try
            {
                Directory.Delete(probe);
            }
            catch (DirectoryNotFoundException)
            {
                // a run committing into the same folder just now cleared it as a leftover: the write check passed
            }
            _ = ReadResults(System.IO.Path.Combine(Path, ResultsFileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new IOException($"--out '{path}': the folder cannot be written ({e.Message})", e);
        }
    }

    /// <summary>The folder (a symlink resolved).</summary>
    public string Path { get; } = string.Empty;

    private string Parent { get; } = string.Empty;

    private string Name { get; } = string.Empty;

    /// <summary>The files of the set written by the last <see cref="Commit"/>.</summary>
    public List<string> Written { get; } = [];

    /// <summary>Experiments whose entries the last <see cref="Commit"/> kept from earlier runs.</summary>
    public List<string> Kept { get; } = [];

    /// <summary>
    /// Writes the set for <paramref name="run"/> merged over the folder's results.json and swaps it in.
    /// Cancellation is honoured until the swap starts; after that the set is completed.
    /// </summary>
    public void Commit(ResultsFile run, string commandLine, DateTimeOffset started, CancellationToken cancellation)
    {
        try
        {
            using var gate = FolderSwap.Lock(Parent, LockPatience, cancellation);
            RemoveLeftovers();
            string resultsPath = System.IO.Path.Combine(Path, ResultsFileName);
            var previous = ReadResults(resultsPath);
            var merged = run.MergedOver(previous);
            Kept.Clear();
            Kept.AddRange(merged.Experiments.Except(run.Experiments));

            string staging = Staging("new");
            Directory.CreateDirectory(staging);
            var movedDirectories = new List<string>();
            try
            {
                Written.Clear();
                foreach (var (file, text) in ReportSet.Render(merged, commandLine, started))
                {
                    WriteDurably(System.IO.Path.Combine(staging, file), text);
                    AfterStagedFile?.Invoke(file);
                    Written.Add(file);
                }

                CopyForeignFiles(staging);
                cancellation.ThrowIfCancellationRequested();
                MoveForeignDirectories(Path, staging, movedDirectories);
                string? old;
                try
                {
                    old = FolderSwap.Replace(staging, Path, Staging("old"));
                }
                catch (FolderSwap.TargetCannotMoveException)
                {
                    // a mount point cannot be swapped: replace the files in it one by one (each atomically), the
                    // figures and the report first, results.json last, then drop own files the new set does not have
                    MoveBack(staging, movedDirectories);
                    movedDirectories.Clear();
                    ReplaceInPlace(staging);
                    old = staging;
                }

                if (old is not null)
                {
                    TryDeleteFolder(old);
                }
            }
            catch
            {
                MoveBack(staging, movedDirectories);
                TryDeleteFolder(staging);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--out '{_option}': the results could not be written ({e.Message}); the folder keeps its previous contents", e);
        }
    }

    /// <summary>Whether <paramref name="file"/> belongs to the set aotnet writes (and so is replaced, never carried over).</summary>
    public static bool IsOwnFile(string file) =>
        file is ResultsFileName or ReportFileName
        || (file.EndsWith(".svg", StringComparison.Ordinal) && (file.StartsWith("imdb_", StringComparison.Ordinal) || file.StartsWith("reuters_", StringComparison.Ordinal) || file.StartsWith("boston_", StringComparison.Ordinal)));

    /// <summary>The folder's results.json, or null when there is none; one that cannot be read is refused.</summary>
    private static ResultsFile? ReadResults(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > 512L << 20)
            {
                throw new JsonException("larger than 512 MB");
            }

            return JsonSerializer.Deserialize(stream, ResultsJsonContext.Default.ResultsFile) ?? throw new JsonException("it is null");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path} is not a results.json AotNet can read ({e.Message.Split('.')[0]}); move it away to keep it, or choose another --out");
        }
    }

    private string Staging(string kind) => System.IO.Path.Combine(Parent, $".{Name}.aotnet-{kind}-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Folders left by runs that were killed while holding the lock (no living run owns one now).</summary>
    private void RemoveLeftovers()
    {
        string prefix = $".{Name}.aotnet-";
        foreach (string dir in Directory.EnumerateDirectories(Parent).Where(d => System.IO.Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal)))
        {
            TryDeleteFolder(dir);
        }
    }

    private void CopyForeignFiles(string staging)
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(Path))
        {
            string name = System.IO.Path.GetFileName(file);
            if (!IsOwnFile(name) && !IsTemporary(name))
            {
                File.Copy(file, System.IO.Path.Combine(staging, name));
            }
        }
    }

    private static void MoveForeignDirectories(string from, string to, List<string> moved)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            string name = System.IO.Path.GetFileName(dir);
            Directory.Move(dir, System.IO.Path.Combine(to, name));
            moved.Add(name);
        }
    }

    private void MoveBack(string staging, List<string> moved)
    {
        foreach (string name in moved)
        {
            try
            {
                Directory.Move(System.IO.Path.Combine(staging, name), System.IO.Path.Combine(Path, name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private void ReplaceInPlace(string staging)
    {
        foreach (string file in Written.Where(f => f != ResultsFileName).Append(ResultsFileName))
        {
            File.Move(System.IO.Path.Combine(staging, file), System.IO.Path.Combine(Path, file), overwrite: true);
        }

        foreach (string file in Directory.EnumerateFiles(Path).Select(System.IO.Path.GetFileName).ToList()!)
        {
            if (IsOwnFile(file!) && !Written.Contains(file!))
            {
                File.Delete(System.IO.Path.Combine(Path, file!));
            }
        }
    }

    /// <summary>AtomicFile's temporaries (".name.pid.guid.tmp") of an interrupted write: never carried over.</summary>
    private static bool IsTemporary(string name) => name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);

    private static void WriteDurably(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true))
        {
            writer.Write(text);
        }

        stream.Flush(flushToDisk: true);
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
