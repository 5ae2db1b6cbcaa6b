using AotNet.Data;
using AotNet.Data.Numpy;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 21 item 11: the zip CRC-32 of every npz member is checked, also under --no-verify (which skips only the
/// dataset's sha256): a stored member with one byte flipped is refused, never trained on.
/// </summary>
public sealed class ZipCrcTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-crc").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Boston's npz (stored members) with one byte of x's data flipped, the CRC kept.</summary>
    private static byte[] FlippedBoston()
    {
        byte[] npz = HostileInputs.BostonNpz();
        byte[] name = "x.npy"u8.ToArray();
        int named = npz.AsSpan().IndexOf(name); // in the local header, which comes first
        int member = named + name.Length + BitConverter.ToUInt16(npz, named - 2); // past the name and the extra field
        Assert.Equal([0x93, .. "NUMPY"u8.ToArray()], npz[member..(member + 6)]);
        int data = member + 10 + BitConverter.ToUInt16(npz, member + 8); // past the npy header
        npz[data + 17] ^= 0x01; // a low mantissa bit of the third value: still a plausible number
        return npz;
    }

    [Fact]
    public void A_flipped_byte_in_a_stored_member_is_refused_by_the_reader()
    {
        string path = Path.Combine(_dir, HostileInputs.Boston);
        File.WriteAllBytes(path, FlippedBoston());
        using var npz = NpzArchive.Open(path);
        var e = Assert.Throws<DataFormatException>(() => npz.Read("x"));
        Assert.Contains("CRC-32", e.Message);
        Assert.NotNull(npz.Read("y")); // the other members are intact
    }

    [Fact]
    public void No_verify_does_not_skip_the_zip_crc()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), FlippedBoston());
        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--epochs", "2", "--folds", "2"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "CRC-32", "x.npy");
        Assert.DoesNotContain("boston:", result.Out);
    }
}
