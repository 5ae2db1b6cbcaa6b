namespace AotNet.Data.Numpy;

/// <summary>The pickle machine: its state, the input window and its two entries (a buffer, a stream).</summary>
public static partial class PickleObjectArrayReader
{

    /// <summary>
    /// The interpreter. Its input is a byte window <c>_buffer[_pos .. _end)</c>: either a whole pickle held in memory or
    /// a 64 KiB window refilled from a stream (<see cref="Fill"/>; no opcode argument is longer than 256 bytes).
    /// With a sink (streaming), every int list appended to the array's list goes to the sink at once (see <see cref="Emit"/>).
    /// </summary>
    private sealed partial class Machine(string source, IIntListSink? sink)
    {
        /// <summary>Bytes taken by BININT1 ('K'), BININT2 ('M') and BININT ('J') with their argument; 0 for every other opcode.</summary>
        private static readonly byte[] IntOpcodeSizes = IntOpcodeTable<byte>(2, 3, 5);

        /// <summary>The bits of the little-endian 32-bit word after the opcode that form its argument.</summary>
        private static readonly uint[] IntOpcodeMasks = IntOpcodeTable<uint>(0xFF, 0xFFFF, 0xFFFF_FFFF);

        private const int StreamWindow = 1 << 16;

        private FlatInts _flat = new(0, growable: false);
        private readonly Dictionary<uint, Value> _memo = [];
        private readonly Stack<int> _marks = new();
        private Value[] _stack = new Value[256];
        private int _count;
        private byte[] _buffer = [];
        private int _pos;
        private int _end;
        private long _base; // stream offset of _buffer[0]
        private Stream? _stream;
        private long _limit = long.MaxValue; // streaming: the most bytes the stream may hold
        private byte _opcode;
        private ListValue? _outer; // streaming: the one list that receives int lists
        private long _emitted;

        public Value Run(byte[] buffer, int offset, int count)
        {
            _buffer = buffer;
            _pos = offset;
            _end = offset + count;
            _base = -offset;
            _flat = new FlatInts((count / 2) + 1, growable: false);
            return Run();
        }

        public Value Run(Stream stream, long maxBytes)
        {
            _stream = stream;
            _limit = maxBytes;
            _buffer = new byte[StreamWindow];
            _flat = new FlatInts(1 << 16, growable: true);
            return Run();
        }

        private static T[] IntOpcodeTable<T>(T k, T m, T j)
        {
            var table = new T[256];
            table['K'] = k;
            table['M'] = m;
            table['J'] = j;
            return table;
        }

        /// <summary>The offset of the next byte in the pickle stream.</summary>
        private long Position => _base + _pos;

        /// <summary>Makes at least <paramref name="n"/> bytes available at <c>_pos</c> (n ≤ the window), false when the input ends first.</summary>
        private bool Fill(int n)
        {
            if (_end - _pos >= n)
            {
                return true;
            }

            if (_stream is null)
            {
                return false;
            }

            int kept = _end - _pos;
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, kept);
            _base += _pos;
            _pos = 0;
            _end = kept;
            while (_end < n)
            {
                // never read past the declared size (a lying zip entry cannot make the decoder run on without bound)
                int room = (int)Math.Min(_buffer.Length - _end, _limit - (_base + _end));
                int read = _stream.Read(_buffer, _end, Math.Max(room, 1));
                if (read == 0)
                {
                    return false;
                }

                if (room == 0)
                {
                    throw Fail($"the stream holds more than the {_limit} bytes declared");
                }

                _end += read;
            }

            return true;
        }
    }
}
