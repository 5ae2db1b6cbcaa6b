using System.IO.Hashing;

namespace AotNet.Data.Numpy;

/// <summary>
/// Reads a zip member and checks its CRC-32 (the one the zip's directory records) when the member's end is reached:
/// the zip checksum is always checked, also when the dataset's own hash check is skipped (<c>--no-verify</c>), so a
/// flipped byte in a stored member is never trained on. A mismatch raises <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class CrcCheckingStream(Stream inner, uint expected, string source) : Stream
{
    private readonly Crc32 _crc = new();
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        if (read > 0)
        {
            _crc.Append(buffer[..read]);
        }
        else if (buffer.Length > 0)
        {
            Check();
        }

        return read;
    }

    /// <summary>Reads what is left of the member (when the reader stopped early) and checks the CRC.</summary>
    public void ReadToEndAndCheck()
    {
        Span<byte> rest = stackalloc byte[4096];
        while (Read(rest) > 0)
        {
        }

        Check();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check()
    {
        if (_checked)
        {
            return;
        }

        _checked = true;
        uint actual = _crc.GetCurrentHashAsUInt32();
        if (actual != expected)
        {
            throw new InvalidDataException($"{source}: the member's CRC-32 is {actual:x8}, the zip records {expected:x8}: its bytes were changed");
        }
    }
}
