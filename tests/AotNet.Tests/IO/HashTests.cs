using System.Text;
using AotNet.IO;

namespace AotNet.Tests.IO;

/// <summary>The managed SHA-256 and MD5: known vectors, any split of the input, and System.Security.Cryptography on random data.</summary>
[Collection(AllocationMeasurements.Name)]
public class HashTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void Sha256_matches_the_fips_vectors(string message, string digest) =>
        Assert.Equal(digest, Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Sha256_of_a_million_a_matches_the_fips_vector()
    {
        var hasher = new Sha256();
        byte[] block = Enumerable.Repeat((byte)'a', 1000).ToArray();
        for (int i = 0; i < 1000; i++)
        {
            hasher.Append(block);
        }

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", hasher.FinishHex());
    }

    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Md5_matches_the_rfc_1321_vectors(string message, string digest) =>
        Assert.Equal(digest, Convert.ToHexStringLower(Md5.HashData(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Both_match_system_security_cryptography_on_random_data_split_anywhere()
    {
        var random = new Random(13);
        var sha = new Sha256();
        var md5 = new Md5();
        for (int round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            int at = 0;
            while (at < data.Length)
            {
                int piece = Math.Min(data.Length - at, random.Next(0, 200));
                sha.Append(data.AsSpan(at, piece));
                md5.Append(data.AsSpan(at, piece));
                at += piece;
            }

            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), sha.FinishHex());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data)), md5.FinishHex());
        }
    }

    [Fact]
    public void Appending_allocates_nothing()
    {
        var sha = new Sha256();
        var md5 = new Md5();
        var data = new byte[4099];
        var digest = new byte[32];
        var measured = AllocationMeasurements.SteadyState(
            () =>
            {
                sha.Append(data);
                md5.Append(data);
                sha.Finish(digest);
                md5.Finish(digest);
            },
            rounds: 10);
        Assert.True(measured.Bytes == 0, measured.Windows);
    }
}
