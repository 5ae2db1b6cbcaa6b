using System.Runtime.InteropServices;

namespace AotNet.App.Results;

/// <summary>
/// The two file-system operations that make an output folder change as a set: an exclusive lock that serialises the
/// runs writing into one parent folder, and the exchange of two folders in one step (Linux: <c>flock</c> on the
/// parent folder and <c>renameat2(RENAME_EXCHANGE)</c>). Elsewhere, or on a file system without the exchange, a lock
/// file in the temporary folder and two renames stand in (a reader may then find the folder missing for an instant,
/// never a mixed set).
/// </summary>
internal static partial class FolderSwap
{
    private const int AtFdCwd = -100, RenameExchange = 2, LockExclusive = 2, LockNonBlocking = 4, OpenReadOnlyDirectory = 0x10000;
    private const int ErrorWouldBlock = 11, ErrorInterrupted = 4;

    /// <summary>Waits (cancellably) for the exclusive right to change folders inside <paramref name="parent"/>.</summary>
    public static IDisposable Lock(string parent, TimeSpan patience, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + patience;
        if (OperatingSystem.IsLinux())
        {
            int fd = open(parent, OpenReadOnlyDirectory);
            if (fd >= 0)
            {
                while (true)
                {
                    if (flock(fd, LockExclusive | LockNonBlocking) == 0)
                    {
                        return new Descriptor(fd);
                    }

                    int error = Marshal.GetLastPInvokeError();
                    if (error is not (ErrorWouldBlock or ErrorInterrupted))
                    {
                        break; // a file system without locks: fall back to the lock file
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        _ = close(fd);
                        throw new IOException($"another aotnet run has been writing into {parent} for {patience.TotalSeconds:0} s; try again when it has finished");
                    }

                    cancellation.WaitHandle.WaitOne(50);
                    cancellation.ThrowIfCancellationRequested();
                }

                _ = close(fd);
            }
        }

        string lockFile = Path.Combine(Path.GetTempPath(), $"aotnet-{Convert.ToHexString(AotNet.IO.Sha256.HashData(System.Text.Encoding.UTF8.GetBytes(parent)))[..16]}.lock");
        while (true)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow <= deadline)
            {
                cancellation.WaitHandle.WaitOne(50);
                cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>
    /// Puts folder <paramref name="replacement"/> at <paramref name="target"/>; returns where the previous folder now
    /// is (to be deleted), or null when there was none. Throws <see cref="TargetCannotMoveException"/> when the target
    /// cannot be renamed at all (a mount point, e.g. a container volume): the caller then replaces its files one by one.
    /// </summary>
    public static string? Replace(string replacement, string target, string retired)
    {
        if (TargetIsMountPoint)
        {
            throw new TargetCannotMoveException(new IOException($"{target} is a mount point (simulated)"));
        }

        if (!Directory.Exists(target))
        {
            Directory.Move(replacement, target);
            return null;
        }

        if (OperatingSystem.IsLinux() && renameat2(AtFdCwd, replacement, AtFdCwd, target, RenameExchange) == 0)
        {
            return replacement; // the old set now sits under the replacement's name
        }

        try
        {
            Directory.Move(target, retired);
        }
        catch (IOException e)
        {
            throw new TargetCannotMoveException(e);
        }

        try
        {
            Directory.Move(replacement, target);
        }
        catch
        {
            Directory.Move(retired, target);
            throw;
        }

        return retired;
    }

    /// <summary>Test seam: behave as if every target folder were a mount point (renaming it fails).</summary>
    internal static bool TargetIsMountPoint { get; set; }

    /// <summary>The target folder itself cannot be renamed (e.g. it is a mount point).</summary>
    public sealed class TargetCannotMoveException(IOException inner) : IOException(inner.Message, inner);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    private sealed class Descriptor(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose()
        {
            int fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                _ = close(fd); // closing releases the flock
            }
        }
    }
}
