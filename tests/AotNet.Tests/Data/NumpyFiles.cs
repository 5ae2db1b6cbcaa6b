using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AotNet.Tests.Data;

/// <summary>Writes small npy/npz/pickle images the way numpy does, so the readers can be tested without the real files.</summary>
internal static class NumpyFiles
{
    public static byte[] Npy(string descr, string shape, ReadOnlySpan<byte> data, int version = 1, bool fortran = false, string? headerOverride = null)
    {
        string dict = headerOverride ?? $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthField = version == 1 ? 2 : 4;
        int unpadded = 8 + lengthField + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        string header = dict + new string(' ', padding) + "\n";
        Encoding encoding = version == 3 ? Encoding.UTF8 : Encoding.Latin1;
        byte[] headerBytes = encoding.GetBytes(header);

        var output = new MemoryStream();
        output.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        var length = new byte[lengthField];
        if (lengthField == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)headerBytes.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerBytes.Length);
        }

        output.Write(length);
        output.Write(headerBytes);
        output.Write(data);
        return output.ToArray();
    }

    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Int64s(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    /// <summary>An object-array npy (descr |O) holding <paramref name="lists"/>.</summary>
    public static byte[] ObjectNpy(int[][] lists) =>
        Npy("|O", $"({lists.Length},)", PickleBuilder.NumpyObjectArray(lists));

    public static byte[] Npz(IEnumerable<(string Name, byte[] Content)> members, CompressionLevel level)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in members)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, level);
                using Stream s = entry.Open();
                s.Write(content);
            }
        }

        return output.ToArray();
    }
}

/// <summary>Builds protocol-2 pickles with the opcodes numpy (Python 2) uses for object arrays of int lists.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _s = new();
    private int _memo = 1;

    public static byte[] NumpyObjectArray(int[][] lists, int? pickledCount = null, bool fortran = false, string reconstructModule = "numpy.core.multiarray") =>
        NumpyObjectArray(pickledCount ?? lists.Length, b => b.Appends(lists.Length, i =>
        {
            b.Op(']').Put();
            int[] items = lists[i];
            b.Appends(items.Length, k => b.Int(items[k]));
        }), fortran, reconstructModule);

    /// <summary>numpy's prelude and state tuple around a custom body that fills the outer list (on the stack top).</summary>
    public static byte[] NumpyObjectArray(int count, Action<PickleBuilder> fillOuterList, bool fortran = false, string reconstructModule = "numpy.core.multiarray")
    {
        var b = new PickleBuilder();
        b.Op(0x80).Byte(2);
        b.Global(reconstructModule, "_reconstruct").Put();
        b.Global("numpy", "ndarray").Put();
        b.Int(0).Op(0x85).ShortString("b").Op(0x87).Op('R').Put();
        b.Op('(').Int(1).Int(count).Op(0x85);
        b.Global("numpy", "dtype").Put().ShortString("O8").Int(0).Int(1).Op(0x87).Op('R').Put();
        b.Op('(').Int(3).ShortString("|").Op('N').Op('N').Op('N').Int(-1).Int(-1).Int(63).Op('t').Op('b');
        b.Op(fortran ? 0x88 : 0x89);
        b.Op(']').Put();
        fillOuterList(b);
        b.Op('t').Op('b').Op('.');
        return b.ToArray();
    }

    public PickleBuilder Op(int opcode)
    {
        _s.WriteByte((byte)opcode);
        return this;
    }

    public PickleBuilder Byte(int value) => Op(value);

    public PickleBuilder Global(string module, string name)
    {
        Op('c');
        _s.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        return this;
    }

    public PickleBuilder ShortString(string value)
    {
        Op('U').Byte(value.Length);
        _s.Write(Encoding.Latin1.GetBytes(value));
        return this;
    }

    public PickleBuilder Int(int value)
    {
        if (value is >= 0 and < 256)
        {
            return Op('K').Byte(value);
        }

        if (value is >= 0 and < 65536)
        {
            Op('M');
            _s.Write(BitConverter.GetBytes((ushort)value));
            return this;
        }

        Op('J');
        _s.Write(BitConverter.GetBytes(value));
        return this;
    }

    public int LastMemo => _memo - 1;

    public PickleBuilder Put()
    {
        int index = _memo++;
        if (index < 256)
        {
            return Op('q').Byte(index);
        }

        Op('r');
        _s.Write(BitConverter.GetBytes(index));
        return this;
    }

    /// <summary>Python's batch_appends: MARK … APPENDS per 1000 items, APPEND for a batch of one.</summary>
    public PickleBuilder Appends(int count, Action<int> writeItem)
    {
        for (int start = 0; start < count; start += 1000)
        {
            int n = Math.Min(1000, count - start);
            if (n == 1)
            {
                writeItem(start);
                Op('a');
            }
            else
            {
                Op('(');
                for (int i = start; i < start + n; i++)
                {
                    writeItem(i);
                }

                Op('e');
            }
        }

        return this;
    }

    public byte[] ToArray() => _s.ToArray();
}
