using System.Buffers.Binary;
using System.Text;

namespace AotNet.Export;

/// <summary>An HDF5 group: named children, each a group or a float32 dataset.</summary>
public sealed class Hdf5Group
{
    /// <summary>Children by name (HDF5 keeps them sorted by name; so does this).</summary>
    public SortedDictionary<string, object> Children { get; } = new(StringComparer.Ordinal);

    public Hdf5Group Group(string name) =>
        Children.TryGetValue(name, out var child) && child is Hdf5Group group ? group : throw new KeyNotFoundException(name);

    /// <summary>The child at a '/'-separated path, or null.</summary>
    public object? Find(string path)
    {
        object? node = this;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is Hdf5Group g && g.Children.TryGetValue(part, out var child) ? child : null;
        }

        return node;
    }
}

/// <summary>
/// An HDF5 dataset as read or to be written: float32 values with their shape, or (read only) the reason its
/// values cannot be read here (another type, a chunked or compressed layout).
/// </summary>
public sealed record Hdf5Dataset(ulong[] Dims, float[]? Values, string? Unsupported = null);

/// <summary>
/// The HDF5 subset Keras weight files need, written and read without a library: the classic format that h5py writes
/// by default (superblock version 0, version-1 object headers, groups as symbol tables — a version-1 B-tree of
/// symbol-table nodes and a local heap of names), float32 datasets with contiguous (or, read only, compact) layout.
/// Every read is bounds-checked: a truncated or foreign file is an <see cref="InvalidDataException"/>. PureHDF, the
/// well-kept package for this, produces trim and AOT analysis warnings (IL2104, IL3053) in a Native AOT publish,
/// so it cannot go into the native binary (docs/export.md).
/// </summary>
public static class Hdf5
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];
    private const ulong Undefined = ulong.MaxValue;
    private const int LeafK = 4, InternalK = 16; // a symbol-table node holds 2·LeafK entries; a B-tree node 2·InternalK children
    private const int EntrySize = 40, SnodSize = 8 + 2 * LeafK * EntrySize, BTreeSize = 24 + (2 * InternalK + 1) * 8 + 2 * InternalK * 8;

    // ---------------------------------------------------------------- writing

    /// <summary>The file image of <paramref name="root"/>.</summary>
    public static byte[] Write(Hdf5Group root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var file = new MemoryStream();
        file.Write(new byte[96]); // the superblock, filled in last
        var (header, btree, heap) = WriteGroup(file, root);
        var super = new byte[96];
        Signature.CopyTo(super, 0);
        // versions 0 (superblock, free space, root entry, reserved, shared header), offsets 8, lengths 8, reserved
        super[13] = 8;
        super[14] = 8;
        BinaryPrimitives.WriteUInt16LittleEndian(super.AsSpan(16), LeafK);
        BinaryPrimitives.WriteUInt16LittleEndian(super.AsSpan(18), InternalK);
        // 20: consistency flags 0; 24: base address 0; 32: free-space address; 40: end of file; 48: driver block
        BinaryPrimitives.WriteUInt64LittleEndian(super.AsSpan(32), Undefined);
        BinaryPrimitives.WriteUInt64LittleEndian(super.AsSpan(40), (ulong)file.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(super.AsSpan(48), Undefined);
        Entry(super.AsSpan(56), 0, header, btree, heap);
        file.Position = 0;
        file.Write(super);
        return file.ToArray();
    }

    private static (ulong Header, ulong BTree, ulong Heap) WriteGroup(MemoryStream file, Hdf5Group group)
    {
        // children first, so their addresses are known
        var children = new List<(string Name, ulong Header, ulong BTree, ulong Heap, bool IsGroup)>();
        foreach (var (name, child) in group.Children)
        {
            if (child is Hdf5Group g)
            {
                var (h, b, p) = WriteGroup(file, g);
                children.Add((name, h, b, p, true));
            }
            else if (child is Hdf5Dataset { Values: { } values } d)
            {
                children.Add((name, WriteDataset(file, d.Dims, values), 0, 0, false));
            }
            else
            {
                throw new ArgumentException($"HDF5 writer: '{name}' is neither a group nor a float32 dataset");
            }
        }

        // local heap: "" at offset 0, then each name, each NUL-terminated and padded to 8 bytes
        var names = new MemoryStream();
        names.Write(new byte[8]);
        var offsets = new List<ulong>();
        foreach (var child in children)
        {
            offsets.Add((ulong)names.Length);
            byte[] bytes = Encoding.UTF8.GetBytes(child.Name);
            names.Write(bytes);
            names.Write(new byte[8 - (bytes.Length % 8)]);
        }

        ulong heapData = Append(file, names.ToArray());
        var heap = new byte[32];
        "HEAP"u8.CopyTo(heap);
        BinaryPrimitives.WriteUInt64LittleEndian(heap.AsSpan(8), (ulong)names.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(heap.AsSpan(16), 1); // no free block (libhdf5's H5HL_FREE_NULL)
        BinaryPrimitives.WriteUInt64LittleEndian(heap.AsSpan(24), heapData);
        ulong heapAddress = Append(file, heap);

        // symbol-table nodes of up to 2·LeafK entries, sorted by name; one B-tree node (level 0) over them
        int nodes = (children.Count + 2 * LeafK - 1) / (2 * LeafK);
        if (nodes > 2 * InternalK)
        {
            throw new ArgumentException($"HDF5 writer: a group of {children.Count} members is more than this writer's {2 * InternalK * 2 * LeafK}");
        }

        var btree = new byte[BTreeSize];
        "TREE"u8.CopyTo(btree);
        BinaryPrimitives.WriteUInt16LittleEndian(btree.AsSpan(6), (ushort)nodes);
        BinaryPrimitives.WriteUInt64LittleEndian(btree.AsSpan(8), Undefined);
        BinaryPrimitives.WriteUInt64LittleEndian(btree.AsSpan(16), Undefined);
        for (int n = 0; n < nodes; n++)
        {
            int first = n * 2 * LeafK, count = Math.Min(2 * LeafK, children.Count - first);
            var snod = new byte[SnodSize];
            "SNOD"u8.CopyTo(snod);
            snod[4] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(snod.AsSpan(6), (ushort)count);
            for (int i = 0; i < count; i++)
            {
                var c = children[first + i];
                Entry(snod.AsSpan(8 + i * EntrySize), offsets[first + i], c.Header, c.IsGroup ? c.BTree : Undefined, c.IsGroup ? c.Heap : Undefined);
            }

            ulong snodAddress = Append(file, snod);
            // keys: key 0 = "" (offset 0), key n+1 = the last name of child n
            BinaryPrimitives.WriteUInt64LittleEndian(btree.AsSpan(24 + n * 16 + 8), snodAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(btree.AsSpan(24 + (n + 1) * 16), offsets[first + count - 1]);
        }

        ulong btreeAddress = Append(file, btree);
        var message = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(message, btreeAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(8), heapAddress);
        ulong header = ObjectHeader(file, [(0x11, message)]);
        return (header, btreeAddress, heapAddress);
    }

    private static ulong WriteDataset(MemoryStream file, ulong[] dims, float[] values)
    {
        ulong count = dims.Aggregate(1UL, (a, d) => a * d);
        if (count != (ulong)values.Length)
        {
            throw new ArgumentException($"HDF5 writer: shape [{string.Join(", ", dims)}] does not hold {values.Length} values");
        }

        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        ulong address = Append(file, data);
        var space = new byte[8 + 8 * dims.Length];
        space[0] = 1;
        space[1] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(space.AsSpan(8 + 8 * i), dims[i]);
        }

        // IEEE float32 little-endian: class 1 version 1; implied msb normalisation, sign bit 31; precision 32,
        // exponent at 23 of 8 bits, mantissa at 0 of 23 bits, bias 127
        byte[] type = [0x11, 0x20, 0x1f, 0x00, 4, 0, 0, 0, 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0];
        byte[] fill = [2, 1, 2, 0]; // version 2, early allocation, written if set, no fill value defined
        var layout = new byte[18];
        layout[0] = 3;
        layout[1] = 1; // contiguous
        BinaryPrimitives.WriteUInt64LittleEndian(layout.AsSpan(2), values.Length == 0 ? Undefined : address);
        BinaryPrimitives.WriteUInt64LittleEndian(layout.AsSpan(10), (ulong)data.Length);
        return ObjectHeader(file, [(0x01, space), (0x03, type), (0x05, fill), (0x08, layout)]);
    }

    /// <summary>A version-1 object header with its messages (each padded to 8 bytes).</summary>
    private static ulong ObjectHeader(MemoryStream file, List<(int Type, byte[] Data)> messages)
    {
        int size = messages.Sum(m => 8 + Pad8(m.Data.Length));
        var header = new byte[16 + size];
        header[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), (ushort)messages.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)size);
        int at = 16;
        foreach (var (type, data) in messages)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(at), (ushort)type);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(at + 2), (ushort)Pad8(data.Length));
            header[at + 4] = type == 0x03 ? (byte)1 : (byte)0; // the datatype is constant
            data.CopyTo(header, at + 8);
            at += 8 + Pad8(data.Length);
        }

        return Append(file, header);
    }

    private static void Entry(Span<byte> entry, ulong nameOffset, ulong header, ulong btree, ulong heap)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(entry, nameOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], header);
        if (btree != Undefined)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], 1); // cache type 1: the group's B-tree and heap
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], btree);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], heap);
        }
    }

    private static ulong Append(MemoryStream file, byte[] bytes)
    {
        file.Position = file.Length;
        file.Write(new byte[Pad8((int)file.Length) - (int)file.Length]);
        ulong address = (ulong)file.Length;
        file.Write(bytes);
        return address;
    }

    private static int Pad8(int n) => (n + 7) & ~7;

    // ---------------------------------------------------------------- reading

    /// <summary>Reads the groups and datasets of an HDF5 image written in the classic format (superblock 0 or 1).</summary>
    public static Hdf5Group Read(ReadOnlySpan<byte> image, string source)
    {
        var reader = new Reader(image.ToArray(), source);
        return reader.ReadRoot();
    }

    private sealed class Reader(byte[] file, string source)
    {
        private int _depth;

        public Hdf5Group ReadRoot()
        {
            if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature))
            {
                throw Fail("not an HDF5 file (no HDF5 signature at its start)");
            }

            int version = Byte(8);
            if (version > 1)
            {
                throw Fail($"HDF5 superblock version {version} (written with libver='latest') is not read here; Keras and h5py write version 0 by default");
            }

            if (Byte(13) != 8 || Byte(14) != 8)
            {
                throw Fail($"HDF5 offsets of {Byte(13)} and lengths of {Byte(14)} bytes are not read here (only 8)");
            }

            int root = version == 0 ? 56 : 60; // version 1 adds the indexed-storage K and 2 reserved bytes
            ulong end = U64(40 + (version == 0 ? 0 : 4));
            if (end > (ulong)file.Length)
            {
                throw Fail($"the file is truncated: {file.Length} bytes, its superblock says {end}");
            }

            return (Hdf5Group)ReadObject(U64(root + 8), "/");
        }

        private object ReadObject(ulong address, string path)
        {
            if (++_depth > 64)
            {
                throw Fail("groups nested more than 64 deep (a cycle?)");
            }

            try
            {
                var messages = Messages(address, path);
                var table = messages.FirstOrDefault(m => m.Type == 0x11);
                if (table.Size >= 16)
                {
                    return ReadGroup(U64(table.Data), U64(table.Data + 8), path);
                }

                if (messages.Any(m => m.Type == 0x06 || m.Type == 0x02))
                {
                    throw Fail($"{path}: a group in the new (link-message) format; only symbol-table groups, h5py's default, are read here");
                }

                return ReadDataset(messages, path);
            }
            finally
            {
                _depth--;
            }
        }

        private List<(int Type, int Data, int Size)> Messages(ulong address, string path)
        {
            int at = Offset(address, 16);
            if (Byte(at) != 1)
            {
                throw Fail($"{path}: object header version {Byte(at)} is not read here (only version 1)");
            }

            int count = U16(at + 2);
            var messages = new List<(int, int, int)>();
            var blocks = new Queue<(int Start, int Size)>();
            blocks.Enqueue((at + 16, (int)U32(at + 8)));
            while (blocks.Count > 0 && messages.Count < count)
            {
                var (start, size) = blocks.Dequeue();
                Offset((ulong)start, size);
                for (int p = start; p + 8 <= start + size && messages.Count < count;)
                {
                    int type = U16(p), length = U16(p + 2);
                    Offset((ulong)(p + 8), length);
                    messages.Add((type, p + 8, length));
                    if (type == 0x10)
                    {
                        blocks.Enqueue((Offset(U64(p + 8), (int)U64(p + 16)), (int)U64(p + 16)));
                    }

                    p += 8 + length;
                }
            }

            return messages;
        }

        private Hdf5Group ReadGroup(ulong btree, ulong heap, string path)
        {
            int h = Offset(heap, 32);
            if (!file.AsSpan(h, 4).SequenceEqual("HEAP"u8))
            {
                throw Fail($"{path}: no local heap where the group's names should be");
            }

            int heapSize = (int)Math.Min(U64(h + 8), int.MaxValue);
            int names = Offset(U64(h + 24), heapSize);
            var group = new Hdf5Group();
            foreach (var (nameOffset, header) in Entries(btree, path, 0))
            {
                if (nameOffset >= (ulong)heapSize)
                {
                    throw Fail($"{path}: a member's name lies outside the group's heap");
                }

                int start = names + (int)nameOffset, stop = Array.IndexOf(file, (byte)0, start, names + heapSize - start);
                if (stop < 0)
                {
                    throw Fail($"{path}: a member's name is not terminated");
                }

                string name = Encoding.UTF8.GetString(file, start, stop - start);
                group.Children[name] = ReadObject(header, path == "/" ? "/" + name : path + "/" + name);
            }

            return group;
        }

        private IEnumerable<(ulong Name, ulong Header)> Entries(ulong node, string path, int depth)
        {
            if (depth > 16)
            {
                throw Fail($"{path}: the group's B-tree is deeper than 16 levels (damaged)");
            }

            int at = Offset(node, 24);
            if (!file.AsSpan(at, 4).SequenceEqual("TREE"u8) || Byte(at + 4) != 0)
            {
                throw Fail($"{path}: no group B-tree node where one should be");
            }

            int level = Byte(at + 5), used = U16(at + 6);
            Offset((ulong)at, 24 + (used * 16) + 8);
            var result = new List<(ulong, ulong)>();
            for (int i = 0; i < used; i++)
            {
                ulong child = U64(at + 24 + (i * 16) + 8);
                if (level > 0)
                {
                    result.AddRange(Entries(child, path, depth + 1));
                    continue;
                }

                int s = Offset(child, 8);
                if (!file.AsSpan(s, 4).SequenceEqual("SNOD"u8))
                {
                    throw Fail($"{path}: no symbol-table node where one should be");
                }

                int symbols = U16(s + 6);
                Offset((ulong)s, 8 + (symbols * EntrySize));
                for (int e = 0; e < symbols; e++)
                {
                    result.Add((U64(s + 8 + (e * EntrySize)), U64(s + 8 + (e * EntrySize) + 8)));
                }
            }

            return result;
        }

        private Hdf5Dataset ReadDataset(List<(int Type, int Data, int Size)> messages, string path)
        {
            var space = messages.FirstOrDefault(m => m.Type == 0x01);
            var type = messages.FirstOrDefault(m => m.Type == 0x03);
            var layout = messages.FirstOrDefault(m => m.Type == 0x08);
            if (space.Size == 0 || type.Size == 0 || layout.Size == 0)
            {
                throw Fail($"{path}: neither a group nor a dataset");
            }

            int version = Byte(space.Data), rank = Byte(space.Data + 1);
            int dimsAt = space.Data + (version == 1 ? 8 : 4);
            var dims = new ulong[rank];
            for (int i = 0; i < rank; i++)
            {
                dims[i] = U64(dimsAt + (8 * i));
            }

            int cls = Byte(type.Data) & 0x0f, size = (int)U32(type.Data + 4);
            bool bigEndian = (Byte(type.Data + 1) & 1) != 0;
            if (cls != 1 || size != 4 || bigEndian)
            {
                return new Hdf5Dataset(dims, null, cls == 1 ? $"float of {size * 8} bits{(bigEndian ? ", big-endian" : string.Empty)}, not float32" : $"HDF5 type class {cls}, not float32");
            }

            ulong count = dims.Aggregate(1UL, (a, d) => a * d);
            if (count > int.MaxValue / 4)
            {
                throw Fail($"{path}: {count} values are too many");
            }

            int layoutClass = Byte(layout.Data) == 3 ? Byte(layout.Data + 1) : -1;
            int data;
            if (layoutClass == 1)
            {
                ulong address = U64(layout.Data + 2);
                data = count == 0 ? 0 : Offset(address, (int)count * 4);
            }
            else if (layoutClass == 0)
            {
                data = layout.Data + 4;
                Offset((ulong)data, (int)count * 4);
            }
            else
            {
                return new Hdf5Dataset(dims, null, layoutClass == 2 ? "chunked (perhaps compressed) storage, which is not read here" : "a storage layout not read here");
            }

            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(data + (4 * i)));
            }

            return new Hdf5Dataset(dims, values);
        }

        /// <summary>The offset of <paramref name="length"/> bytes at <paramref name="address"/>, which must lie in the file.</summary>
        private int Offset(ulong address, int length) =>
            address <= (ulong)file.Length && length >= 0 && (ulong)length <= (ulong)file.Length - address
                ? (int)address
                : throw Fail($"the file is truncated or damaged: {length} bytes at {(address == Undefined ? "an undefined address" : address.ToString(System.Globalization.CultureInfo.InvariantCulture))} lie beyond its {file.Length} bytes");

        private int Byte(int at) => file[Offset((ulong)at, 1)];

        private int U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(Offset((ulong)at, 2)));

        private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(Offset((ulong)at, 4)));

        private ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(Offset((ulong)at, 8)));

        private InvalidDataException Fail(string message) => new($"{source}: {message}");
    }
}
