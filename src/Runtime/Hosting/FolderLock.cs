using System.Runtime.InteropServices;

namespace AotNet.Hosting;

/// <summary>
/// The exclusive right to commit into one folder: Linux <c>flock</c> on the folder itself (released when the process
/// ends, however it ends, so a killed run never leaves it taken). Elsewhere, or on a file system without locks, a lock
/// file in the temporary folder named after the folder's path stands in.
/// </summary>
internal static partial class FolderLock
{
    private const int OpenReadOnlyCloseOnExec = 0x80000, LockExclusive = 2, LockNonBlocking = 4;
    private const int ErrorWouldBlock = 11, ErrorInterrupted = 4;

    /// <summary>Waits (cancellably, at most <paramref name="patience"/>) for the lock on <paramref name="folder"/>.</summary>
    public static IDisposable Acquire(string folder, TimeSpan patience, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + patience;
        if (OperatingSystem.IsLinux())
        {
            int fd = open(folder, OpenReadOnlyCloseOnExec);
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
                        throw Busy(folder, patience);
                    }

                    if (cancellation.WaitHandle.WaitOne(50))
                    {
                        _ = close(fd);
                        cancellation.ThrowIfCancellationRequested();
                    }
                }

                _ = close(fd);
            }
        }

        string lockFile = Path.Combine(Path.GetTempPath(), $"aotnet-{Convert.ToHexString(AotNet.IO.Sha256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16]}.lock");
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
            catch (IOException)
            {
                throw Busy(folder, patience);
            }
        }
    }

    private static IOException Busy(string folder, TimeSpan patience) =>
        new($"another run has been writing into {folder} for {patience.TotalSeconds:0} s; try again when it has finished");

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
