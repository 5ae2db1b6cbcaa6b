using System.Runtime.InteropServices;

namespace AotNet.IO;

/// <summary>
/// Which file a path names, whatever the spelling: symbolic links, "..", hard links and bind mounts all lead to the
/// same identity. An existing file is its device and inode (Linux <c>statx</c>, links followed); a missing one is
/// the identity of its folder plus its name (so two spellings of a file not written yet still match). Used to refuse
/// an output path that is an input file or another output before any work starts.
/// </summary>
public readonly partial record struct FileIdentity(ulong Device, ulong Inode, string? Name)
{
    private const int AtFdCwd = -100, StatxType = 0x1, StatxIno = 0x100;

    /// <summary>The identity of <paramref name="path"/>, or null when neither it nor its folder exists.</summary>
    public static FileIdentity? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (Stat(full) is { } existing)
        {
            return existing;
        }

        string? folder = Path.GetDirectoryName(full);
        return folder is not null && Stat(folder) is { } parent ? parent with { Name = Path.GetFileName(full) } : null;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> name the same file (existing or to be created).</summary>
    public static bool Same(string a, string b) => Of(a) is { } x && Of(b) is { } y && x == y;

    private static FileIdentity? Stat(string full)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return Statx(full);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }

        // elsewhere: the path with links resolved stands in for the inode
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (!info.Exists)
        {
            return null;
        }

        string resolved = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
        return new FileIdentity(0, 0, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? resolved.ToUpperInvariant() : resolved);
    }

    private static unsafe FileIdentity? Statx(string path)
    {
        // struct statx: stx_ino (u64) at 32, stx_dev_major / stx_dev_minor (u32) at 136 / 140; 256 bytes
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxType | StatxIno, buffer) != 0)
        {
            return null;
        }

        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return new FileIdentity(device, *(ulong*)(buffer + 32), null);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
