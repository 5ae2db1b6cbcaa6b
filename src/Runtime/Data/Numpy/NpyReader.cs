using System.Runtime.InteropServices;

namespace AotNet.Data.Numpy;

/// <summary>
/// Reads npy files: versions 1–3, C order, dtypes <c>&lt;f8 &lt;f4 &lt;i8 &lt;i4 |u1 |b1</c> and object arrays of int lists
/// (<c>|O</c>, decoded by <see cref="PickleObjectArrayReader"/>). Every inconsistency (size mismatch, NaN/Inf, bad bool byte,
/// anything unexpected in the header) raises <see cref="DataFormatException"/>. Allocations are bounded by the bytes
/// actually present, never by a number read from the header alone.
/// </summary>
public static class NpyReader
{
    /// <summary>Reads an npy file from disk.</summary>
    public static NpyArray ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DataFormatException)
        {
            throw new DataFormatException($"{path}: cannot read ({e.Message})", e);
        }

        return Read(bytes, path);
    }

    /// <summary>Reads an npy image held in memory; <paramref name="source"/> names it in errors.</summary>
    public static NpyArray Read(ReadOnlySpan<byte> file, string source) => Read(file, null, source);

    /// <summary>Reads an npy image held in an array (object arrays are decoded in place, without a copy).</summary>
    internal static NpyArray Read(byte[] file, string source) => Read(file, file, source);

    private static NpyArray Read(ReadOnlySpan<byte> file, byte[]? array, string source)
    {
        NpyHeader header = NpyHeader.Parse(file, source);
        ReadOnlySpan<byte> data = file[header.DataOffset..];
        if (header.DType == NpyDType.Object)
        {
            IntSequences sequences = array is not null
                ? PickleObjectArrayReader.Read(array, header.DataOffset, data.Length, header.ElementCount, source)
                : PickleObjectArrayReader.Read(data, header.ElementCount, source);
            return new NpyArray(source, header.Shape, sequences);
        }

        long expected = header.ElementCount * header.ItemSize;
        if (data.Length != expected)
        {
            throw NpyHeader.Error(source, $"data has {data.Length} bytes, the header's shape ({string.Join(", ", header.Shape)}) " +
                $"and dtype need {expected}{(data.Length < expected ? " (truncated file?)" : string.Empty)}");
        }

        Array numbers = header.DType switch
        {
            NpyDType.Float64 => ReadFinite<double>(data, source),
            NpyDType.Float32 => ReadFinite<float>(data, source),
            NpyDType.Int64 => ReadLittleEndian<long>(data),
            NpyDType.Int32 => ReadLittleEndian<int>(data),
            NpyDType.UInt8 => data.ToArray(),
            NpyDType.Bool => ReadBools(data, source),
            _ => throw new InvalidOperationException("unreachable"),
        };
        return new NpyArray(source, header.DType, header.Shape, numbers);
    }

    private static T[] ReadLittleEndian<T>(ReadOnlySpan<byte> data)
        where T : unmanaged
    {
        var values = MemoryMarshal.Cast<byte, T>(data).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            int size = bytes.Length / Math.Max(values.Length, 1);
            for (int i = 0; i < bytes.Length; i += size)
            {
                bytes.Slice(i, size).Reverse();
            }
        }

        return values;
    }

    private static T[] ReadFinite<T>(ReadOnlySpan<byte> data, string source)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] values = ReadLittleEndian<T>(data);
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw NpyHeader.Error(source, $"non-finite value (NaN or infinity) at flat index {i}");
            }
        }

        return values;
    }

    private static bool[] ReadBools(ReadOnlySpan<byte> data, string source)
    {
        var values = new bool[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            values[i] = data[i] switch
            {
                0 => false,
                1 => true,
                _ => throw NpyHeader.Error(source, $"boolean byte {data[i]} at flat index {i} is neither 0 nor 1"),
            };
        }

        return values;
    }
}
