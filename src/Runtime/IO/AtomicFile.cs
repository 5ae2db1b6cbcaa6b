namespace AotNet.IO;

/// <summary>
/// Writes a file completely or not at all: the bytes go to a temporary file in the same folder, which is flushed and
/// then renamed over the target. A crash or Ctrl+C leaves either the old file or the new one, never half of one.
/// <para>
/// Only a regular file is ever replaced: a target that is a device node (<c>/dev/null</c>), a named pipe, a socket or a
/// folder is refused with an <see cref="IOException"/> saying so. A symbolic link is followed: the file it points to is
/// replaced (atomically, in that file's folder) and the link stays; a link to nothing is refused.
/// </para>
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// The file a write to <paramref name="path"/> would replace (the final target of a symbolic link), after checking
    /// that it can be: its folder exists and it is missing or a regular file. Throws <see cref="IOException"/> otherwise.
    /// </summary>
    public static string ResolveTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (FileKinds.Of(full, followLinks: false) == FileKind.SymbolicLink)
        {
            FileSystemInfo? target = null;
            try
            {
                target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            }
            catch (IOException)
            {
                // a link loop: reported below as a link to nothing usable
            }

            if (target is null || FileKinds.Of(target.FullName, followLinks: false) == FileKind.Missing)
            {
                throw new IOException($"{path} is a symbolic link to {target?.FullName ?? "nothing"}, which does not exist; remove the link or give another path");
            }

            full = target.FullName;
        }

        FileKind kind = FileKinds.Of(full, followLinks: false);
        if (kind is not (FileKind.Regular or FileKind.Missing))
        {
            throw new IOException($"{path} is {FileKinds.Describe(kind)}, not a regular file; aotnet only replaces regular files, so give another path");
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new IOException($"{path}: the folder {folder} does not exist; create it first");
        }

        return full;
    }

    /// <summary>
    /// Checks now, before any long work, that <see cref="Write"/> to <paramref name="path"/> can succeed: the target can
    /// be replaced (<see cref="ResolveTarget"/>) and a file can be created in its folder (one is created and deleted).
    /// </summary>
    public static void CheckWritable(string path)
    {
        string full = ResolveTarget(path);
        string probe = TempName(full);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write in {Path.GetDirectoryName(full)} ({e.Message})", e);
        }
        finally
        {
            TryDelete(probe);
        }
    }

    /// <summary>Calls <paramref name="write"/> with a stream on a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = ResolveTarget(path);
        string temp = TempName(full);
        TemporaryFiles.Register(temp);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // checked again right before the rename: something may have appeared at the target meanwhile
            FileKind kind = FileKinds.Of(full, followLinks: false);
            if (kind is not (FileKind.Regular or FileKind.Missing))
            {
                throw new IOException($"{path} is {FileKinds.Describe(kind)}, not a regular file; aotnet only replaces regular files, so give another path");
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            TemporaryFiles.Unregister(temp);
        }
    }

    private static string TempName(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

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
