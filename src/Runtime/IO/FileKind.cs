using System.Runtime.InteropServices;

namespace AotNet.IO;

/// <summary>What a path names, as <c>stat</c> sees it.</summary>
public enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A named pipe (FIFO): reading it waits for a writer, and it may never end.</summary>
    Fifo,

    /// <summary>A character device such as <c>/dev/zero</c> or <c>/dev/null</c>.</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,

    /// <summary>A Unix socket.</summary>
    Socket,

    /// <summary>A symbolic link (only when links are not followed).</summary>
    SymbolicLink,

    /// <summary>Something else, or the kind could not be told.</summary>
    Other,
}

/// <summary>
/// Tells regular files from pipes, devices and folders before they are opened: opening a FIFO blocks until a writer
/// comes, <c>/dev/zero</c> never ends, and renaming over a device node destroys it. Linux uses <c>statx</c> (its
/// layout is the same on every architecture); elsewhere, or when it is unavailable, only missing, folder and file
/// are told apart.
/// </summary>
public static partial class FileKinds
{
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, StatxType = 0x1;

    private static bool _statxMissing;

    /// <summary>The kind of <paramref name="path"/>; symbolic links are followed unless <paramref name="followLinks"/> is false.</summary>
    public static FileKind Of(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && !_statxMissing)
        {
            try
            {
                return Statx(path, followLinks);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _statxMissing = true;
            }
        }

        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>A phrase for messages: "a named pipe (FIFO)", "a character device", …</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "not a regular file",
    };

    /// <summary>
    /// Throws <see cref="IOException"/> "<paramref name="what"/> PATH is a named pipe (FIFO), not a regular file" unless
    /// <paramref name="path"/> is missing or (after following links) a regular file. A missing path is left to the caller.
    /// </summary>
    public static void RequireRegularOrMissing(string path, string what)
    {
        FileKind kind = Of(path);
        if (kind is not (FileKind.Regular or FileKind.Missing))
        {
            throw new IOException($"{what} {path} is {Describe(kind)}, not a regular file; give the path of a regular file");
        }
    }

    private static unsafe FileKind Statx(string path, bool followLinks)
    {
        // struct statx: stx_mask (u32) at 0 … stx_mode (u16) at 28; the struct is 256 bytes
        byte* buffer = stackalloc byte[256];
        int result = statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer);
        if (result != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? FileKind.Missing : FileKind.Other; // ENOENT, ENOTDIR
        }

        int mode = *(ushort*)(buffer + 28) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
