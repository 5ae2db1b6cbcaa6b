using System.Buffers.Binary;
using System.Text;

namespace AotNet.Export;

/// <summary>An HDF5 group: named children, each a group or a float32 dataset.</summary>
public sealed class Hdf5Group
{
    /// <summary>Children by name (HDF5 keeps them sorted by name; so does this).</summary>
    public SortedDictionary<string, object> Children { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The group's attributes that are fixed-length byte strings (read only; Keras 2's <c>layer_names</c> and
    /// <c>weight_names</c>), each as its strings without the NUL padding; other attributes are not kept.
    /// </summary>
    public Dictionary<string, string[]> StringAttributes { get; } = new(StringComparer.Ordinal);

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
/// values cannot be read here (another type, a chunked or compressed layout). Written only: <see cref="Int64Values"/>
/// instead of float32 values (Keras's Normalization stores its <c>count</c> as an int64 scalar, shape []).
/// </summary>
public sealed record Hdf5Dataset(ulong[] Dims, float[]? Values, string? Unsupported = null)
{
    /// <summary>Signed 64-bit little-endian values to write instead of <see cref="Values"/>.</summary>
    public long[]? Int64Values { get; init; }
}

/// <summary>
/// The HDF5 subset Keras weight files need, written and read without a library: the classic format that h5py writes
/// by default (superblock version 0, version-1 object headers, groups as symbol tables — a version-1 B-tree of
/// symbol-table nodes and a local heap of names), float32 datasets with contiguous (or, read only, compact) layout.
/// Every read is bounds-checked: a truncated or foreign file is an <see cref="InvalidDataException"/>. PureHDF, the
/// well-kept package for this, produces trim and AOT analysis warnings (IL2104, IL3053) in a Native AOT publish,
/// so it cannot go into the native binary (docs/export.md).
/// </summary>
public static partial class Hdf5
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
            else if (child is Hdf5Dataset { Int64Values: { } integers } n)
            {
                children.Add((name, WriteInt64Dataset(file, n.Dims, integers), 0, 0, false));
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
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        // IEEE float32 little-endian: class 1 version 1; implied msb normalisation, sign bit 31; precision 32,
        // exponent at 23 of 8 bits, mantissa at 0 of 23 bits, bias 127
        return WriteContiguous(file, dims, values.Length, data, [0x11, 0x20, 0x1f, 0x00, 4, 0, 0, 0, 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0]);
    }

    private static ulong WriteInt64Dataset(MemoryStream file, ulong[] dims, long[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        }

        // fixed-point (class 0, version 1), little-endian, signed (flag bit 3); size 8; bit offset 0, precision 64
        return WriteContiguous(file, dims, values.Length, data, [0x10, 0x08, 0x00, 0x00, 8, 0, 0, 0, 0, 0, 64, 0]);
    }

    /// <summary>A dataset of <paramref name="count"/> values (<paramref name="data"/>, of datatype message <paramref name="type"/>) stored contiguously; rank 0 is a scalar.</summary>
    private static ulong WriteContiguous(MemoryStream file, ulong[] dims, int count, byte[] data, byte[] type)
    {
        if (dims.Aggregate(1UL, (a, d) => a * d) != (ulong)count)
        {
            throw new ArgumentException($"HDF5 writer: shape [{string.Join(", ", dims)}] does not hold {count} values");
        }

        ulong address = Append(file, data);
        var space = new byte[8 + 8 * dims.Length];
        space[0] = 1;
        space[1] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(space.AsSpan(8 + 8 * i), dims[i]);
        }

        byte[] fill = [2, 1, 2, 0]; // version 2, early allocation, written if set, no fill value defined
        var layout = new byte[18];
        layout[0] = 3;
        layout[1] = 1; // contiguous
        BinaryPrimitives.WriteUInt64LittleEndian(layout.AsSpan(2), count == 0 ? Undefined : address);
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
}
