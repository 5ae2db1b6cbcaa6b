using System.Buffers.Binary;
using System.Text;

namespace AotNet.Export;

/// <summary>The reading half of <see cref="Hdf5"/>: the classic-format groups and float32 datasets, every read bounds-checked.</summary>
public static partial class Hdf5
{
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
                    var group = ReadGroup(U64(table.Data), U64(table.Data + 8), path);
                    foreach (var attribute in messages.Where(m => m.Type == 0x0C))
                    {
                        ReadStringAttribute(attribute.Data, attribute.Size, group, path);
                    }

                    return group;
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

        /// <summary>
        /// An attribute message (versions 1–3): kept when it is a scalar or 1-D array of fixed-length strings (HDF5
        /// class 3), as h5py writes numpy byte strings; other attributes are skipped.
        /// </summary>
        private void ReadStringAttribute(int at, int size, Hdf5Group group, string path)
        {
            int version = Byte(at), nameSize = U16(at + 2), typeSize = U16(at + 4), spaceSize = U16(at + 6);
            if (version is < 1 or > 3)
            {
                return;
            }

            int Pad(int n) => version == 1 ? (n + 7) & ~7 : n;
            int name = at + (version == 3 ? 9 : 8), type = name + Pad(nameSize), space = type + Pad(typeSize), data = space + Pad(spaceSize);
            Offset((ulong)at, data - at);
            if ((Byte(type) & 0x0f) != 3 || nameSize < 1)
            {
                return;
            }

            int length = (int)U32(type + 4), rank = Byte(space + 1), dims = space + (Byte(space) == 1 ? 8 : 4);
            ulong count = 1;
            for (int i = 0; i < rank; i++)
            {
                count *= U64(dims + (8 * i));
            }

            if (rank > 1 || length < 1 || count * (ulong)length > (ulong)size)
            {
                throw Fail($"{path}: a string attribute of {count} × {length} bytes does not fit its message");
            }

            Offset((ulong)data, (int)count * length);
            var values = new string[count];
            for (int i = 0; i < values.Length; i++)
            {
                var bytes = file.AsSpan(data + (i * length), length);
                int end = bytes.IndexOf((byte)0);
                values[i] = Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
            }

            group.StringAttributes[Encoding.UTF8.GetString(file, name, nameSize - 1)] = values;
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
