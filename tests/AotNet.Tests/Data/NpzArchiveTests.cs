using System.IO.Compression;
using AotNet.Data;
using AotNet.Data.Numpy;

namespace AotNet.Tests.Data;

public class NpzArchiveTests
{
    private static byte[] Sample(CompressionLevel level) => NumpyFiles.Npz(
        [
            ("y.npy", NumpyFiles.Npy("<i8", "(2,)", NumpyFiles.Int64s(5, 6))),
            ("x.npy", NumpyFiles.ObjectNpy([[1, 2], [3]])),
        ],
        level);

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Reads_stored_and_deflated_members_by_name(CompressionLevel level)
    {
        using NpzArchive npz = NpzArchive.Open(new MemoryStream(Sample(level)), "s.npz");
        Assert.Equal(["y", "x"], npz.Names);
        Assert.True(npz.Contains("x.npy"));
        Assert.Equal([5L, 6], npz.Read("y").ToInt64Array());
        Assert.Equal([5L, 6], npz.Read("y.npy").ToInt64Array());
        Assert.Equal([3], npz.Read("x").ToSequences()[1].ToArray());
    }

    [Fact]
    public void Read_many_decodes_members_in_parallel_and_reports_errors_unwrapped()
    {
        byte[] good = NumpyFiles.Npz(
            [
                ("a.npy", NumpyFiles.ObjectNpy([[1, 2], [3]])),
                ("b.npy", NumpyFiles.Npy("<i8", "(2,)", NumpyFiles.Int64s(5, 6))),
                ("bad.npy", NumpyFiles.Npy("<f8", "(3,)", NumpyFiles.Doubles(1, double.NaN, 2))),
            ],
            CompressionLevel.Optimal);
        using NpzArchive npz = NpzArchive.Open(new MemoryStream(good), "m.npz");
        NpyArray[] arrays = npz.ReadMany("b", "a");
        Assert.Equal([5L, 6], arrays[0].ToInt64Array());
        Assert.Equal([3], arrays[1].ToSequences()[1].ToArray());

        var e = Assert.Throws<DataFormatException>(() => npz.ReadMany("a", "bad", "b"));
        Assert.Contains("m.npz[bad.npy]: non-finite", e.Message);
        Assert.Throws<DataFormatException>(() => npz.ReadMany("a", "missing"));
    }

    [Fact]
    public void Missing_member_is_named()
    {
        using NpzArchive npz = NpzArchive.Open(new MemoryStream(Sample(CompressionLevel.Optimal)), "s.npz");
        var e = Assert.Throws<DataFormatException>(() => npz.Read("x_train"));
        Assert.Contains("no member 'x_train'", e.Message);
        Assert.Contains("s.npz", e.Message);
    }

    [Fact]
    public void Not_a_zip_and_truncated_zip_are_refused()
    {
        Assert.Throws<DataFormatException>(() => NpzArchive.Open(new MemoryStream("just text"u8.ToArray()), "t.npz"));
        byte[] zip = Sample(CompressionLevel.Optimal);
        var e = Assert.Throws<DataFormatException>(() => NpzArchive.Open(new MemoryStream(zip[..(zip.Length / 2)]), "half.npz"));
        Assert.Contains("half.npz", e.Message);
    }

    [Fact]
    public void Corrupt_deflate_data_is_refused()
    {
        byte[] npy = NumpyFiles.Npy("<f8", "(512,)", NumpyFiles.Doubles(Enumerable.Range(0, 512).Select(i => (double)i).ToArray()));
        byte[] zip = NumpyFiles.Npz([("x.npy", npy)], CompressionLevel.Optimal);

        // damage the middle of the compressed stream (the local header is ~36 bytes, the central directory at the end)
        for (int i = 60; i < 90; i++)
        {
            zip[i] ^= 0x5a;
        }

        using NpzArchive npz = NpzArchive.Open(new MemoryStream(zip), "c.npz");
        Assert.Throws<DataFormatException>(() => npz.Read("x"));
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void A_lying_member_size_is_refused_without_allocating_for_it(CompressionLevel level)
    {
        byte[] zip = NumpyFiles.Npz([("x.npy", NumpyFiles.Npy("<f8", "(4,)", NumpyFiles.Doubles(1, 2, 3, 4)))], level);
        const uint claimed = 0x3FFF_FFFF; // ~1 GiB
        PatchUInt32(zip, 0x04034b50, 22, claimed); // local header: uncompressed size
        PatchUInt32(zip, 0x02014b50, 24, claimed); // central directory: uncompressed size

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() =>
        {
            using NpzArchive npz = NpzArchive.Open(new MemoryStream(zip), "lie.npz");
            npz.Read("x");
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("lie.npz", e.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a member claiming {claimed}");
    }

    private static void PatchUInt32(byte[] zip, uint signature, int offset, uint value)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            if (BitConverter.ToUInt32(zip, i) == signature)
            {
                BitConverter.GetBytes(value).CopyTo(zip, i + offset);
                return;
            }
        }

        throw new InvalidOperationException("signature not found");
    }

    [Fact]
    public void Missing_file_is_a_data_error()
    {
        var e = Assert.Throws<DataFormatException>(() => NpzArchive.Open(Path.Combine(Path.GetTempPath(), "no-such-dir-aotnet", "x.npz")));
        Assert.Contains("x.npz", e.Message);
    }
}
