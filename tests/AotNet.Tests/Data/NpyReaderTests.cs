using System.Runtime.InteropServices;
using AotNet.Data;
using AotNet.Data.Numpy;

namespace AotNet.Tests.Data;

public class NpyReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_float64_matrix_in_every_header_version(int version)
    {
        byte[] file = NumpyFiles.Npy("<f8", "(2, 3)", NumpyFiles.Doubles(1, 2.5, -3, 4e10, 0, 1e-300), version);
        NpyArray array = NpyReader.Read(file, "m.npy");
        Assert.Equal(NpyDType.Float64, array.DType);
        Assert.Equal([2, 3], array.Shape);
        Assert.Equal([1, 2.5, -3, 4e10, 0, 1e-300], array.ToDoubleArray());
    }

    [Fact]
    public void Reads_every_numeric_dtype()
    {
        float[] f = [1.5f, -2f];
        int[] i4 = [int.MinValue, 7];
        long[] i8 = [long.MaxValue, -1];
        Assert.Equal(f, (float[])NpyReader.Read(NumpyFiles.Npy("<f4", "(2,)", MemoryMarshal.AsBytes<float>(f)), "f").Numbers!);
        Assert.Equal([1.5, -2.0], NpyReader.Read(NumpyFiles.Npy("<f4", "(2,)", MemoryMarshal.AsBytes<float>(f)), "f").ToDoubleArray());
        Assert.Equal([int.MinValue, 7L], NpyReader.Read(NumpyFiles.Npy("<i4", "(2,)", MemoryMarshal.AsBytes<int>(i4)), "i").ToInt64Array());
        Assert.Equal(i8, NpyReader.Read(NumpyFiles.Npy("<i8", "(2,)", MemoryMarshal.AsBytes<long>(i8)), "l").ToInt64Array());
        Assert.Equal([0L, 200, 255], NpyReader.Read(NumpyFiles.Npy("|u1", "(3,)", [0, 200, 255]), "u").ToInt64Array());
        Assert.Equal([false, true], (bool[])NpyReader.Read(NumpyFiles.Npy("|b1", "(2,)", [0, 1]), "b").Numbers!);
    }

    [Fact]
    public void Reads_scalar_and_empty_shapes_and_python2_long_suffix()
    {
        Assert.Equal([42.0], NpyReader.Read(NumpyFiles.Npy("<f8", "()", NumpyFiles.Doubles(42)), "s").ToDoubleArray());
        Assert.Empty(NpyReader.Read(NumpyFiles.Npy("<f8", "(0, 13)", []), "e").ToDoubleArray());
        Assert.Equal([3], NpyReader.Read(NumpyFiles.Npy("<i8", "(3L,)", NumpyFiles.Int64s(1, 2, 3)), "py2").Shape);
    }

    [Fact]
    public void Reads_object_array_of_int_lists()
    {
        int[][] lists = [[1, 2, 3], [], [70000, 5], [-7]];
        NpyArray array = NpyReader.Read(NumpyFiles.ObjectNpy(lists), "o.npy");
        IntSequences seqs = array.ToSequences();
        Assert.Equal(4, seqs.Count);
        for (int i = 0; i < lists.Length; i++)
        {
            Assert.Equal(lists[i], seqs[i].ToArray());
        }
    }

    public static TheoryData<string, string, byte[]> BadFiles() => new()
    {
        { "fortran", "fortran_order True", NumpyFiles.Npy("<f8", "(2,)", NumpyFiles.Doubles(1, 2), fortran: true) },
        { "big-endian", "unsupported dtype '>f8'", NumpyFiles.Npy(">f8", "(2,)", NumpyFiles.Doubles(1, 2)) },
        { "shape too big", "data has 16 bytes", NumpyFiles.Npy("<f8", "(3,)", NumpyFiles.Doubles(1, 2)) },
        { "shape too small", "data has 16 bytes", NumpyFiles.Npy("<f8", "(1,)", NumpyFiles.Doubles(1, 2)) },
        { "huge shape", "more than 2^31-1 elements", NumpyFiles.Npy("<f8", "(100000, 100000)", NumpyFiles.Doubles(1)) },
        { "negative dim", "negative shape dimension", NumpyFiles.Npy("<f8", "(-1,)", NumpyFiles.Doubles(1)) },
        { "not a tuple", "is not a tuple", NumpyFiles.Npy("<f8", "(2)", NumpyFiles.Doubles(1, 2)) },
        { "NaN", "non-finite", NumpyFiles.Npy("<f8", "(2,)", NumpyFiles.Doubles(1, double.NaN)) },
        { "Inf", "non-finite", NumpyFiles.Npy("<f4", "(1,)", MemoryMarshal.AsBytes<float>([float.PositiveInfinity]).ToArray()) },
        { "bool 2", "neither 0 nor 1", NumpyFiles.Npy("|b1", "(1,)", [2]) },
        { "extra key", "unexpected key 'x'", NumpyFiles.Npy("", "", [], headerOverride: "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}") },
        { "missing key", "must have the keys", NumpyFiles.Npy("", "", [], headerOverride: "{'descr': '<f8', 'shape': ()}") },
        { "repeated key", "repeats the key", NumpyFiles.Npy("", "", [], headerOverride: "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}") },
        { "code in header", "expected a non-negative integer", NumpyFiles.Npy("", "", [], headerOverride: "{'descr': '<f8', 'fortran_order': False, 'shape': (__import__('os'),)}") },
        { "trailing text", "text after the dict", NumpyFiles.Npy("", "", [], headerOverride: "{'descr': '<f8', 'fortran_order': False, 'shape': ()} x") },
        { "no magic", "not an npy file", "PK\u0003\u0004 not numpy at all"u8.ToArray() },
        { "version 9", "unsupported npy format version 9", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Refuses_malformed_files_with_a_named_error(string name, string expectedMessage, byte[] file)
    {
        var e = Assert.Throws<DataFormatException>(() => NpyReader.Read(file, "bad.npy"));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(expectedMessage, e.Message);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Refuses_a_header_length_beyond_the_file()
    {
        byte[] file = NumpyFiles.Npy("<f8", "(1,)", NumpyFiles.Doubles(1));
        var e = Assert.Throws<DataFormatException>(() => NpyReader.Read(file.AsSpan(0, 30), "cut.npy"));
        Assert.Contains("truncated npy header", e.Message);

        file[8] = 0xff;
        file[9] = 0xff; // announces a 65535-byte header
        Assert.Throws<DataFormatException>(() => NpyReader.Read(file, "lying.npy"));
    }

    [Fact]
    public void Refuses_a_truncated_object_array()
    {
        byte[] file = NumpyFiles.ObjectNpy([[1, 2], [3]]);
        var e = Assert.Throws<DataFormatException>(() => NpyReader.Read(file.AsSpan(0, file.Length - 3), "o.npy"));
        Assert.Contains("o.npy", e.Message);
    }

    [Fact]
    public void Conversions_refuse_the_wrong_kind()
    {
        NpyArray floats = NpyReader.Read(NumpyFiles.Npy("<f8", "(1,)", NumpyFiles.Doubles(1)), "f");
        Assert.Throws<DataFormatException>(() => floats.ToInt64Array());
        Assert.Throws<DataFormatException>(() => floats.ToSequences());
        NpyArray objects = NpyReader.Read(NumpyFiles.ObjectNpy([[1]]), "o");
        Assert.Throws<DataFormatException>(() => objects.ToDoubleArray());
    }
}
