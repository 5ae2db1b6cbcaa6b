using System.Buffers.Binary;
using System.Numerics;

namespace AotNet.IO;

/// <summary>An incremental hash: <see cref="Sha256"/>, <see cref="Md5"/>.</summary>
public interface IStreamHash
{
    /// <summary>Adds <paramref name="data"/> to the message.</summary>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>Ends the message and gives its digest as lowercase hex.</summary>
    string FinishHex();
}

/// <summary>Hashes of whole files, read once in 1 MB blocks (the dataset cache's checks, the fold parts' provenance).</summary>
public static class FileHash
{
    /// <summary>The lowercase hex digest of the file at <paramref name="path"/>, by <paramref name="hash"/>.</summary>
    public static string Hex(string path, IStreamHash hash, CancellationToken cancellation = default)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            hash.Append(buffer.AsSpan(0, read));
        }

        return hash.FinishHex();
    }
}

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, incremental and allocation-free once created. The product hashes with this
/// instead of System.Security.Cryptography, which on Linux loads OpenSSL and aborts the process when no libssl is
/// installed ("No usable version of libssl was found"): checking a dataset file must work on any machine.
/// </summary>
public sealed class Sha256 : IStreamHash
{
    /// <summary>Digest size in bytes.</summary>
    public const int HashSize = 32;

    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state = new uint[8];
    private readonly uint[] _w = new uint[64];
    private readonly byte[] _block = new byte[64];
    private int _buffered;
    private ulong _length;

    /// <summary>Creates a hasher ready for <see cref="Append"/>.</summary>
    public Sha256() => Reset();

    /// <summary>The SHA-256 of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hasher = new Sha256();
        hasher.Append(data);
        var result = new byte[HashSize];
        hasher.Finish(result);
        return result;
    }

    /// <summary>Starts a new message.</summary>
    public void Reset()
    {
        _state[0] = 0x6a09e667;
        _state[1] = 0xbb67ae85;
        _state[2] = 0x3c6ef372;
        _state[3] = 0xa54ff53a;
        _state[4] = 0x510e527f;
        _state[5] = 0x9b05688c;
        _state[6] = 0x1f83d9ab;
        _state[7] = 0x5be0cd19;
        _buffered = 0;
        _length = 0;
    }

    /// <summary>Adds <paramref name="data"/> to the message.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_buffered > 0)
        {
            int take = Math.Min(64 - _buffered, data.Length);
            data[..take].CopyTo(_block.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < 64)
            {
                return;
            }

            Compress(_block);
            _buffered = 0;
        }

        while (data.Length >= 64)
        {
            Compress(data[..64]);
            data = data[64..];
        }

        data.CopyTo(_block);
        _buffered = data.Length;
    }

    /// <summary>Writes the digest of the message to <paramref name="destination"/> (32 bytes) and starts a new message.</summary>
    public void Finish(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException("the destination holds fewer than 32 bytes", nameof(destination));
        }

        ulong bits = _length * 8;
        Span<byte> block = _block;
        block[_buffered++] = 0x80;
        if (_buffered > 56)
        {
            block[_buffered..].Clear();
            Compress(block);
            _buffered = 0;
        }

        block[_buffered..56].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], bits);
        Compress(block);
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], _state[i]);
        }

        Reset();
    }

    /// <summary>The digest as lower-case hex (and a new message starts).</summary>
    public string FinishHex()
    {
        Span<byte> digest = stackalloc byte[HashSize];
        Finish(digest);
        return Convert.ToHexStringLower(digest);
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        uint[] w = _w;
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        for (int i = 16; i < 64; i++)
        {
            uint s0 = BitOperations.RotateRight(w[i - 15], 7) ^ BitOperations.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[i - 2], 17) ^ BitOperations.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        uint a = _state[0], b = _state[1], c = _state[2], d = _state[3], e = _state[4], f = _state[5], g = _state[6], h = _state[7];
        uint[] k = K;
        for (int i = 0; i < 64; i++)
        {
            uint s1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint ch = (e & f) ^ (~e & g);
            uint t1 = h + s1 + ch + k[i] + w[i];
            uint s0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint maj = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = s0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        _state[0] += a;
        _state[1] += b;
        _state[2] += c;
        _state[3] += d;
        _state[4] += e;
        _state[5] += f;
        _state[6] += g;
        _state[7] += h;
    }
}

/// <summary>
/// MD5 (RFC 1321) in managed code, incremental and allocation-free once created: the hash Keras checks the word-index
/// files with. Not for security, only to recognise Keras's files (see <see cref="Sha256"/> for why it is managed).
/// </summary>
public sealed class Md5 : IStreamHash
{
    /// <summary>Digest size in bytes.</summary>
    public const int HashSize = 16;

    private static readonly int[] Shifts =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    private static readonly uint[] K =
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private readonly uint[] _m = new uint[16];
    private readonly byte[] _block = new byte[64];
    private uint _a, _b, _c, _d;
    private int _buffered;
    private ulong _length;

    /// <summary>Creates a hasher ready for <see cref="Append"/>.</summary>
    public Md5() => Reset();

    /// <summary>The MD5 of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hasher = new Md5();
        hasher.Append(data);
        var result = new byte[HashSize];
        hasher.Finish(result);
        return result;
    }

    /// <summary>Starts a new message.</summary>
    public void Reset()
    {
        _a = 0x67452301;
        _b = 0xefcdab89;
        _c = 0x98badcfe;
        _d = 0x10325476;
        _buffered = 0;
        _length = 0;
    }

    /// <summary>Adds <paramref name="data"/> to the message.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_buffered > 0)
        {
            int take = Math.Min(64 - _buffered, data.Length);
            data[..take].CopyTo(_block.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < 64)
            {
                return;
            }

            Compress(_block);
            _buffered = 0;
        }

        while (data.Length >= 64)
        {
            Compress(data[..64]);
            data = data[64..];
        }

        data.CopyTo(_block);
        _buffered = data.Length;
    }

    /// <summary>Writes the digest of the message to <paramref name="destination"/> (16 bytes) and starts a new message.</summary>
    public void Finish(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException("the destination holds fewer than 16 bytes", nameof(destination));
        }

        ulong bits = _length * 8;
        Span<byte> block = _block;
        block[_buffered++] = 0x80;
        if (_buffered > 56)
        {
            block[_buffered..].Clear();
            Compress(block);
            _buffered = 0;
        }

        block[_buffered..56].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], bits);
        Compress(block);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], _b);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], _c);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], _d);
        Reset();
    }

    /// <summary>The digest as lower-case hex (and a new message starts).</summary>
    public string FinishHex()
    {
        Span<byte> digest = stackalloc byte[HashSize];
        Finish(digest);
        return Convert.ToHexStringLower(digest);
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        uint[] m = _m;
        for (int i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }

        uint a = _a, b = _b, c = _c, d = _d;
        for (int i = 0; i < 64; i++)
        {
            uint f;
            int g;
            if (i < 16)
            {
                f = (b & c) | (~b & d);
                g = i;
            }
            else if (i < 32)
            {
                f = (d & b) | (~d & c);
                g = ((5 * i) + 1) & 15;
            }
            else if (i < 48)
            {
                f = b ^ c ^ d;
                g = ((3 * i) + 5) & 15;
            }
            else
            {
                f = c ^ (b | ~d);
                g = (7 * i) & 15;
            }

            f += a + K[i] + m[g];
            a = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(f, Shifts[i]);
        }

        _a += a;
        _b += b;
        _c += c;
        _d += d;
    }
}
