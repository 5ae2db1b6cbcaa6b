using System.Collections.Concurrent;

namespace AotNet.IO;

/// <summary>
/// The temporary files being written right now (atomic writes, downloads), so that a process that has to end at once
/// (a second Ctrl+C, SIGTERM, a read that cannot be interrupted) can delete them before it exits and leave nothing behind.
/// </summary>
public static class TemporaryFiles
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static volatile bool _closed;

    /// <summary>
    /// Records <paramref name="path"/> as being written (before it is created). After <see cref="DeleteAll"/> (the
    /// process is ending) no new temporary file may start: this throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void Register(string path)
    {
        if (_closed)
        {
            throw new OperationCanceledException("the process is ending");
        }

        Live[path] = 0;
        if (_closed)
        {
            Live.TryRemove(path, out _);
            throw new OperationCanceledException("the process is ending");
        }
    }

    /// <summary>Forgets <paramref name="path"/> (renamed into place or deleted).</summary>
    public static void Unregister(string path) => Live.TryRemove(path, out _);

    /// <summary>The files being written now.</summary>
    public static IReadOnlyCollection<string> Current => [.. Live.Keys];

    /// <summary>
    /// Runs <paramref name="step"/> (short: a few renames) so that <see cref="DeleteAll"/> — a process ending at once
    /// after a signal — waits for it to end rather than cutting it in half.
    /// </summary>
    public static void Uninterrupted(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var scope = Gate.EnterScope();
        if (_closed)
        {
            throw new OperationCanceledException("the process is ending");
        }

        step();
    }

    /// <summary>Deletes every registered file (errors ignored) and refuses new ones; returns how many were deleted.</summary>
    public static int DeleteAll()
    {
        using var scope = Gate.EnterScope(); // waits for an uninterrupted step (a set's renames) to end
        _closed = true;
        int deleted = 0;
        foreach (string path in Live.Keys)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            Live.TryRemove(path, out _);
        }

        return deleted;
    }
}
