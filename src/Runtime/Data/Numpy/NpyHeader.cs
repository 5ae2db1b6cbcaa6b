using System.Buffers.Binary;
using System.Text;

namespace AotNet.Data.Numpy;

/// <summary>The element types this reader accepts (numpy <c>descr</c> strings in brackets).</summary>
public enum NpyDType
{
    /// <summary>Little-endian float64 (<c>&lt;f8</c>).</summary>
    Float64,

    /// <summary>Little-endian float32 (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>Little-endian int64 (<c>&lt;i8</c>).</summary>
    Int64,

    /// <summary>Little-endian int32 (<c>&lt;i4</c>).</summary>
    Int32,

    /// <summary>Unsigned byte (<c>|u1</c>).</summary>
    UInt8,

    /// <summary>Boolean byte, 0 or 1 (<c>|b1</c>).</summary>
    Bool,

    /// <summary>Python objects, stored as a pickle stream (<c>|O</c>); only lists of ints are accepted.</summary>
    Object,
}

/// <summary>
/// The parsed header of an npy file: format version, element type, C-order shape and where the data starts.
/// The header is a Python dict literal with exactly the keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>;
/// it is parsed strictly by a tiny literal parser (nothing is evaluated).
/// </summary>
public sealed class NpyHeader
{
    /// <summary>Largest header accepted, in bytes (numpy itself refuses headers above 10000 bytes by default).</summary>
    public const int MaxHeaderLength = 65536;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(int majorVersion, NpyDType dtype, int[] shape, long elementCount, int dataOffset)
    {
        MajorVersion = majorVersion;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        DataOffset = dataOffset;
    }

    /// <summary>The npy format major version (1, 2 or 3).</summary>
    public int MajorVersion { get; }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The array shape (C order); empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Offset of the first data byte from the start of the file.</summary>
    public int DataOffset { get; }

    /// <summary>Size of one element in bytes (0 for <see cref="NpyDType.Object"/>, whose data is a pickle stream).</summary>
    public int ItemSize => ItemSizeOf(DType);

    /// <summary>Size of one element of <paramref name="dtype"/> in bytes (0 for objects).</summary>
    public static int ItemSizeOf(NpyDType dtype) => dtype switch
    {
        NpyDType.Float64 or NpyDType.Int64 => 8,
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.UInt8 or NpyDType.Bool => 1,
        _ => 0,
    };

    /// <summary>Parses the header at the start of <paramref name="file"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="DataFormatException">The header is malformed or describes something this reader refuses.</exception>
    public static NpyHeader Parse(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < 10 || !file.StartsWith(Magic))
        {
            throw Error(source, "not an npy file (magic \\x93NUMPY missing)");
        }

        int major = file[6];
        int lengthFieldSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw Error(source, $"unsupported npy format version {major}.{file[7]} (1, 2 and 3 are supported)"),
        };

        int prefix = 8 + lengthFieldSize;
        if (file.Length < prefix)
        {
            throw Error(source, "truncated npy header");
        }

        long headerLength = lengthFieldSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(file[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(file[8..]);
        if (headerLength > MaxHeaderLength)
        {
            throw Error(source, $"npy header of {headerLength} bytes is larger than the {MaxHeaderLength} accepted");
        }

        if (prefix + headerLength > file.Length)
        {
            throw Error(source, $"truncated npy header: it announces {headerLength} bytes, the file has {file.Length - prefix} left");
        }

        ReadOnlySpan<byte> headerBytes = file.Slice(prefix, (int)headerLength);
        string text;
        try
        {
            text = major == 3
                ? new UTF8Encoding(false, true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException($"{source}: npy header is not valid UTF-8", e);
        }

        var (descr, fortranOrder, shapeValues) = new HeaderDictParser(text, source).Parse();
        if (fortranOrder)
        {
            throw Error(source, "fortran_order True is not supported (only C-order arrays)");
        }

        NpyDType dtype = descr switch
        {
            "<f8" => NpyDType.Float64,
            "<f4" => NpyDType.Float32,
            "<i8" => NpyDType.Int64,
            "<i4" => NpyDType.Int32,
            "|u1" => NpyDType.UInt8,
            "|b1" => NpyDType.Bool,
            "|O" => NpyDType.Object,
            _ => throw Error(source, $"unsupported dtype '{descr}' (supported: <f8 <f4 <i8 <i4 |u1 |b1 |O)"),
        };

        var shape = new int[shapeValues.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long dim = shapeValues[i];
            if (dim > int.MaxValue)
            {
                throw Error(source, $"shape dimension {dim} is too large");
            }

            shape[i] = (int)dim;
            count *= dim;
            if (count > int.MaxValue)
            {
                throw Error(source, "shape describes more than 2^31-1 elements");
            }
        }

        return new NpyHeader(major, dtype, shape, count, prefix + (int)headerLength);
    }

    internal static DataFormatException Error(string source, string message) => new($"{source}: {message}");

    /// <summary>Parses <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (506, 13), }</c> and nothing else.</summary>
    private ref struct HeaderDictParser
    {
        private readonly string _text;
        private readonly string _source;
        private int _pos;

        public HeaderDictParser(string text, string source)
        {
            _text = text;
            _source = source;
            _pos = 0;
        }

        public (string Descr, bool FortranOrder, List<long> Shape) Parse()
        {
            if (_text.Length == 0 || _text[^1] != '\n')
            {
                throw Fail("npy header must end with a newline");
            }

            string? descr = null;
            bool? fortran = null;
            List<long>? shape = null;
            SkipSpaces();
            Expect('{');
            while (true)
            {
                SkipSpaces();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }

                string key = ParseString();
                SkipSpaces();
                Expect(':');
                SkipSpaces();
                switch (key)
                {
                    case "descr" when descr is null:
                        descr = ParseString();
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = ParseBool();
                        break;
                    case "shape" when shape is null:
                        shape = ParseShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Fail($"npy header repeats the key '{key}'");
                    default:
                        throw Fail($"npy header has an unexpected key '{key}'");
                }

                SkipSpaces();
                char c = Next();
                if (c == '}')
                {
                    break;
                }

                if (c != ',')
                {
                    throw Fail($"npy header: expected ',' or '}}' at position {_pos - 1}");
                }
            }

            for (; _pos < _text.Length; _pos++)
            {
                if (_text[_pos] is not (' ' or '\n' or '\t' or '\r' or '\0'))
                {
                    throw Fail($"npy header has text after the dict at position {_pos}");
                }
            }

            if (descr is null || fortran is null || shape is null)
            {
                throw Fail("npy header must have the keys 'descr', 'fortran_order' and 'shape'");
            }

            return (descr, fortran.Value, shape);
        }

        private string ParseString()
        {
            char quote = Next();
            if (quote is not ('\'' or '"'))
            {
                throw Fail($"npy header: expected a quoted string at position {_pos - 1}");
            }

            int start = _pos;
            int end = _text.IndexOf(quote, start);
            if (end < 0)
            {
                throw Fail("npy header: unterminated string");
            }

            string value = _text[start..end];
            if (value.Contains('\\') || value.Contains('\n'))
            {
                throw Fail("npy header: escapes and newlines in strings are not supported");
            }

            _pos = end + 1;
            return value;
        }

        private bool ParseBool()
        {
            if (Matches("True"))
            {
                return true;
            }

            if (Matches("False"))
            {
                return false;
            }

            throw Fail($"npy header: expected True or False at position {_pos}");
        }

        private List<long> ParseShape()
        {
            var dims = new List<long>();
            Expect('(');
            SkipSpaces();
            bool trailingComma = false;
            while (Peek() != ')')
            {
                dims.Add(ParseDimension());
                SkipSpaces();
                trailingComma = false;
                if (Peek() == ',')
                {
                    _pos++;
                    trailingComma = true;
                    SkipSpaces();
                }
                else if (Peek() != ')')
                {
                    throw Fail($"npy header: expected ',' or ')' in shape at position {_pos}");
                }

                if (dims.Count > 32)
                {
                    throw Fail("npy header: shape has more than 32 dimensions");
                }
            }

            _pos++;
            if (dims.Count == 1 && !trailingComma)
            {
                throw Fail("npy header: shape '(n)' is not a tuple; expected '(n,)'");
            }

            return dims;
        }

        private long ParseDimension()
        {
            if (Peek() == '-')
            {
                throw Fail("npy header: negative shape dimension");
            }

            int start = _pos;
            long value = 0;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                value = (value * 10) + (_text[_pos] - '0');
                if (value > int.MaxValue)
                {
                    throw Fail("npy header: shape dimension is too large");
                }

                _pos++;
            }

            if (_pos == start)
            {
                throw Fail($"npy header: expected a non-negative integer in shape at position {_pos}");
            }

            if (Peek() == 'L')
            {
                _pos++; // Python 2 long suffix, as written by old numpy versions
            }

            return value;
        }

        private bool Matches(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return true;
            }

            return false;
        }

        private void SkipSpaces()
        {
            while (_pos < _text.Length && _text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private char Next()
        {
            if (_pos >= _text.Length)
            {
                throw Fail("npy header ends too early");
            }

            return _text[_pos++];
        }

        private void Expect(char c)
        {
            if (Next() != c)
            {
                throw Fail($"npy header: expected '{c}' at position {_pos - 1}");
            }
        }

        private readonly DataFormatException Fail(string message) => Error(_source, message);
    }
}
