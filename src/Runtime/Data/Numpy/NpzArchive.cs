using System.IO.Compression;

namespace AotNet.Data.Numpy;

/// <summary>
/// An npz file (what <c>np.savez</c>/<c>np.savez_compressed</c> write): a zip archive of npy members, stored or
/// deflated. Members are read by name, with or without the <c>.npy</c> suffix (<c>"x_train"</c> or <c>"x_train.npy"</c>).
/// Every problem (not a zip, truncated, missing member, bad member) raises <see cref="DataFormatException"/>.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    /// <summary>Largest uncompressed member accepted (1 GiB); bigger members are refused instead of being buffered.</summary>
    public const long MaxMemberBytes = 1L << 30;

    private readonly ZipArchive _zip;
    private readonly string _source;
    private readonly long _memberLimit;

    private NpzArchive(ZipArchive zip, string source, long memberLimit)
    {
        _zip = zip;
        _source = source;
        _memberLimit = memberLimit;
    }

    /// <summary>The member names without the <c>.npy</c> suffix, in archive order.</summary>
    public IReadOnlyList<string> Names =>
        _zip.Entries.Select(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName).ToArray();

    /// <summary>Opens the npz file at <paramref name="path"/> (a regular file).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxMemberBytes">
    /// The largest uncompressed member accepted (at most <see cref="MaxMemberBytes"/>): what the dataset can plausibly
    /// hold, so a small file that inflates to gigabytes is refused before it is read.
    /// </param>
    /// <param name="maxMembers">
    /// The most members accepted, read from the zip's end record before the central directory is read (a file of
    /// millions of tiny members would otherwise be listed whole); zip64 archives count as having too many.
    /// </param>
    public static NpzArchive Open(string path, long maxMemberBytes = MaxMemberBytes, int maxMembers = int.MaxValue)
    {
        FileStream stream;
        try
        {
            AotNet.IO.FileKinds.RequireRegularOrMissing(path, "the npz file");
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot open ({e.Message})", e);
        }

        if (maxMembers < int.MaxValue && DeclaredMembers(stream) is int declared && declared > maxMembers)
        {
            stream.Dispose();
            throw new DataFormatException(
                $"{path}: {(declared == ushort.MaxValue ? "a zip64 archive" : $"{declared} members")}, more than this dataset's npz has ({maxMembers} at most); it is not the Keras file: delete it to download it again, or point --data-dir at a good copy");
        }

        return Open(stream, path, maxMemberBytes);
    }

    /// <summary>The member count of the zip end record (0xFFFF for zip64), or null when there is no end record.</summary>
    private static int? DeclaredMembers(FileStream stream)
    {
        long length = stream.Length;
        int tail = (int)Math.Min(length, 22 + 65535);
        if (tail < 22)
        {
            return null;
        }

        var buffer = new byte[tail];
        stream.Seek(length - tail, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        stream.Seek(0, SeekOrigin.Begin);
        for (int at = tail - 22; at >= 0; at--)
        {
            if (buffer[at] == 0x50 && buffer[at + 1] == 0x4b && buffer[at + 2] == 5 && buffer[at + 3] == 6)
            {
                return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at + 10));
            }
        }

        return null;
    }

    /// <summary>Opens an npz image from a seekable stream (the archive takes ownership of it); <paramref name="source"/> names it in errors.</summary>
    public static NpzArchive Open(Stream stream, string source) => Open(stream, source, MaxMemberBytes);

    /// <summary>As <see cref="Open(Stream, string)"/>, accepting members of at most <paramref name="maxMemberBytes"/> uncompressed bytes.</summary>
    public static NpzArchive Open(Stream stream, string source, long maxMemberBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMemberBytes);
        try
        {
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            _ = zip.Entries.Count; // the central directory is read lazily: a corrupt one must fail here, as a DataFormatException
            return new NpzArchive(zip, source, Math.Min(maxMemberBytes, MaxMemberBytes));
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new DataFormatException($"{source}: not a valid npz (zip) file, or truncated ({e.Message})", e);
        }
    }

    /// <summary>True when the archive has member <paramref name="name"/> (with or without <c>.npy</c>).</summary>
    public bool Contains(string name) => Find(name) is not null;

    /// <summary>Reads and decodes member <paramref name="name"/> (with or without <c>.npy</c>).</summary>
    public NpyArray Read(string name)
    {
        ZipArchiveEntry entry = Find(name) ?? throw Missing(name);
        string source = $"{_source}[{entry.FullName}]";
        byte[] bytes = ReadMember(entry, source, _memberLimit);
        return NpyReader.Read(bytes, source);
    }

    /// <summary>
    /// Reads several members: they are decompressed one after another (the zip stream is sequential) while the ones
    /// already decompressed are decoded on other threads. Same results and errors as calling <see cref="Read"/> for each.
    /// </summary>
    public NpyArray[] ReadMany(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var decoding = new Task<NpyArray>[names.Length];
        try
        {
            for (int i = 0; i < names.Length; i++)
            {
                ZipArchiveEntry entry = Find(names[i]) ?? throw Missing(names[i]);
                string source = $"{_source}[{entry.FullName}]";
                byte[] bytes = ReadMember(entry, source, _memberLimit);
                decoding[i] = Task.Run(() => NpyReader.Read(bytes, source));
            }

            Task.WaitAll(decoding);
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        finally
        {
            foreach (Task<NpyArray>? task in decoding)
            {
                try
                {
                    task?.Wait(); // never leave a decode running past the archive's lifetime
                }
                catch (AggregateException)
                {
                }
            }
        }

        return Array.ConvertAll(decoding, t => t.Result);
    }

    /// <summary>
    /// Streams object member <paramref name="name"/> (an array of int lists) to the sink that
    /// <paramref name="createSink"/> makes for the npy header's item count, inflating and decoding in one pass without
    /// holding the member in memory (see <see cref="PickleObjectArrayReader.TryStream"/>). Returns false when the member
    /// is missing, not a 1-D object array, not in numpy's own layout, or broken in any way; the sink is then
    /// incomplete and the caller must use <see cref="Read"/>, which gives the result or the precise error.
    /// </summary>
    internal bool TryStreamIntLists(string name, Func<long, IIntListSink> createSink)
    {
        ZipArchiveEntry? entry = Find(name);
        if (entry is null || entry.Length < 0 || entry.Length > _memberLimit)
        {
            return false;
        }

        string source = $"{_source}[{entry.FullName}]";
        try
        {
            using var input = new CrcCheckingStream(entry.Open(), entry.Crc32, source);
            byte[] headerBytes = ReadNpyHeader(input);
            NpyHeader header = NpyHeader.Parse(headerBytes, source);
            if (header.DType != NpyDType.Object || header.Shape.Length != 1 || headerBytes.Length > entry.Length)
            {
                return false;
            }

            if (!PickleObjectArrayReader.TryStream(input, header.ElementCount, source, createSink(header.ElementCount), maxBytes: entry.Length - headerBytes.Length))
            {
                return false;
            }

            input.ReadToEndAndCheck(); // a CRC mismatch: false, and Read then reports it
            return true;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _zip.Dispose();

    /// <summary>Reads exactly the npy magic, version, header length and header from the start of <paramref name="input"/>.</summary>
    private static byte[] ReadNpyHeader(Stream input)
    {
        Span<byte> prefix = stackalloc byte[12];
        input.ReadExactly(prefix[..10]);
        int lengthSize = prefix[6] == 1 ? 2 : 4;
        if (lengthSize == 4)
        {
            input.ReadExactly(prefix[10..12]);
        }

        long headerLength = lengthSize == 2
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > NpyHeader.MaxHeaderLength)
        {
            throw new InvalidDataException("npy header too long");
        }

        var bytes = new byte[8 + lengthSize + headerLength];
        prefix[..(8 + lengthSize)].CopyTo(bytes);
        input.ReadExactly(bytes, 8 + lengthSize, (int)headerLength);
        return bytes;
    }

    /// <summary>"no member 'x'" with the first few member names (an archive may hold millions).</summary>
    private DataFormatException Missing(string name)
    {
        const int Shown = 8;
        int count = _zip.Entries.Count;
        string members = count == 0
            ? "it has no members"
            : $"it has {string.Join(", ", Names.Take(Shown).Select(n => n.Length <= 40 ? n : n[..37] + "..."))}{(count > Shown ? $" and {count - Shown} more" : string.Empty)}";
        string shown = name.Length <= 40 ? name : name[..37] + "...";
        return new DataFormatException($"{_source}: no member '{shown}' ({members}); it is not the Keras file: delete it to download it again, or point --data-dir at a good copy");
    }

    private ZipArchiveEntry? Find(string name) =>
        _zip.GetEntry(name.EndsWith(".npy", StringComparison.Ordinal) ? name : name + ".npy") ?? _zip.GetEntry(name);

    private static byte[] ReadMember(ZipArchiveEntry entry, string source, long limit)
    {
        long declared = entry.Length;
        if (declared < 0 || declared > limit)
        {
            throw new DataFormatException(limit < MaxMemberBytes
                ? $"{source}: member of {declared} bytes, more than this dataset can hold ({limit}); it is not the Keras file: delete it to download it again, or point --data-dir at a good copy"
                : $"{source}: member size {declared} is outside 0..{MaxMemberBytes}");
        }

        try
        {
            using Stream input = new CrcCheckingStream(entry.Open(), entry.Crc32, source);

            // Inflate straight into the result array. It starts at the declared size only as far as the compressed
            // bytes can back it (deflate expands at most ~1032:1) and grows with the bytes actually decompressed, so a
            // lying size field cannot make us allocate much ahead of real data.
            long plausible = (entry.CompressedLength * 1032) + 4096;
            var buffer = new byte[(int)Math.Min(declared, Math.Min(plausible, limit))];
            int length = 0;
            Span<byte> probe = stackalloc byte[1];
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length == declared)
                    {
                        if (input.Read(probe) > 0)
                        {
                            throw new DataFormatException($"{source}: member holds more than the {declared} bytes its zip entry declares");
                        }

                        return buffer;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(declared, (long)buffer.Length * 2));
                }

                int read = input.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    throw new DataFormatException($"{source}: member truncated ({length} of {declared} bytes)");
                }

                length += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"{source}: corrupt zip member ({e.Message})", e);
        }
        catch (IOException e) when (e is not DataFormatException)
        {
            throw new DataFormatException($"{source}: cannot read member ({e.Message})", e);
        }
    }
}
