using System.Buffers.Binary;
using System.Text;

namespace AotNet.Data.Numpy;

/// <summary>
/// Decodes the pickle stream numpy writes for an object array of int lists (protocol 2, as in the Keras
/// IMDB/Reuters npz files) straight into <see cref="IntSequences"/>.
/// <para>
/// This is not an unpickler: it interprets a fixed whitelist of opcodes (PROTO 2, GLOBAL, BINPUT, LONG_BINPUT, BINGET,
/// LONG_BINGET, MARK, STOP, BININT1, BININT2, BININT, NONE, NEWFALSE, NEWTRUE, SHORT_BINSTRING, TUPLE1–3, TUPLE,
/// REDUCE, BUILD, EMPTY_LIST, APPEND, APPENDS) over inert values. GLOBAL may only name
/// <c>numpy.core.multiarray._reconstruct</c> (or <c>numpy._core.multiarray._reconstruct</c>), <c>numpy.ndarray</c>
/// and <c>numpy.dtype</c>; REDUCE and BUILD only record their arguments, nothing is ever called.
/// Nesting depth, mark depth and stack size are bounded, and the result must be exactly the array numpy describes:
/// <c>_reconstruct(ndarray, …)</c> with state <c>(1, shape, dtype('O8'), False, [list of int lists])</c>, with as many
/// lists as the npy header's shape says, and nothing after STOP.
/// </para>
/// <para>
/// The same interpreter also streams (<see cref="TryStream"/>, used for IMDB's multi-hot loading): it reads from a
/// 64 KiB window over the inflating npz member and hands each int list to a sink as soon as it is in the array's
/// list, in numpy's own layout only (anything else makes it give up, and the caller falls back to <see cref="Read(ReadOnlySpan{byte}, long, string)"/>).
/// </para>
/// </summary>
public static class PickleObjectArrayReader
{
    /// <summary>Largest nesting of lists/tuples/reductions (and of MARKs) accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest number of values on the stack at once (numpy appends in batches of 1000).</summary>
    public const int MaxStack = 1 << 17;

    /// <summary>Decodes <paramref name="pickle"/>, which must describe <paramref name="expectedCount"/> int lists.</summary>
    /// <exception cref="DataFormatException">Any opcode, global or structure outside the accepted subset.</exception>
    public static IntSequences Read(ReadOnlySpan<byte> pickle, long expectedCount, string source) =>
        Read(pickle.ToArray(), 0, pickle.Length, expectedCount, source);

    /// <summary>Decodes <c>buffer[offset .. offset + count)</c> in place (no copy of the stream), like <see cref="Read(ReadOnlySpan{byte}, long, string)"/>.</summary>
    internal static IntSequences Read(byte[] buffer, int offset, int count, long expectedCount, string source)
    {
        var machine = new Machine(source, sink: null);
        Value result = machine.Run(buffer, offset, count);
        return machine.ToSequences(result, expectedCount, count);
    }

    /// <summary>
    /// Streams the pickle from <paramref name="stream"/> and hands each int list of the array to <paramref name="sink"/>,
    /// in order, without holding the stream or the lists in memory: the ints of a batch of lists live in a small
    /// buffer that is reused once the batch is in the array's list. Only the layout numpy itself writes is accepted
    /// here (no list reached twice through the memo, one list of lists); the opcode whitelist, the globals and the
    /// final structure are checked exactly as in <see cref="Read(ReadOnlySpan{byte}, long, string)"/>.
    /// Returns false on anything else — an error or merely an unusual layout — after which the sink holds garbage and
    /// the caller must decode the member with the general reader, which accepts or refuses it with its usual message.
    /// A stream holding more than <c>maxBytes</c> (an npz member's declared size) is refused as soon as it passes it.
    /// </summary>
    internal static bool TryStream(Stream stream, long expectedCount, string source, IIntListSink sink, long maxBytes = NpzArchive.MaxMemberBytes)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var machine = new Machine(source, sink);
        try
        {
            Value result = machine.Run(stream, maxBytes);
            machine.FinishStream(result, expectedCount);
            return true;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException or ArgumentException)
        {
            return false;
        }
    }

    private enum Kind : byte
    {
        Int,
        None,
        Bool,
        String,
        Global,
        Tuple,
        List,
        Reduced,
    }

    private readonly record struct Value(Kind Kind, int Int, object? Ref)
    {
        public int Depth => Ref switch
        {
            TupleValue t => t.Depth,
            ListValue l => l.Depth,
            ReducedValue r => r.Depth,
            _ => 0,
        };
    }

    private sealed record GlobalValue(string Module, string Name)
    {
        public override string ToString() => Module + "." + Name;
    }

    private sealed class TupleValue(Value[] items)
    {
        public Value[] Items { get; } = items;

        public int Depth { get; } = 1 + items.Select(v => v.Depth).DefaultIfEmpty(0).Max();
    }

    private sealed class ReducedValue(GlobalValue callable, TupleValue args)
    {
        public GlobalValue Callable { get; } = callable;

        public TupleValue Args { get; } = args;

        public Value? State { get; set; }

        public int Depth { get; set; } = 1 + args.Depth;
    }

    /// <summary>
    /// One flat buffer shared by all int lists: numpy writes each list's ints in one stretch, so a list keeps its ints
    /// in place at the buffer's tail and nothing is copied or regrown per list. Sized from the stream length (every
    /// int opcode takes at least 2 bytes), so it is bounded by the data actually present.
    /// </summary>
    private sealed class FlatInts(int capacity, bool growable)
    {
        public int[] Buffer { get; private set; } = new int[capacity];

        public int Count { get; set; }

        /// <summary>Makes room for one more int when the buffer may grow (streaming: bounded by the stream, two bytes per int).</summary>
        public bool TryGrow()
        {
            if (!growable || Buffer.Length >= Array.MaxLength / 2)
            {
                return false;
            }

            var grown = new int[Buffer.Length * 2];
            Buffer.AsSpan(0, Count).CopyTo(grown);
            Buffer = grown;
            return true;
        }
    }

    /// <summary>A Python list holding either only ints or only lists (numpy's object arrays of int lists need nothing else).</summary>
    private sealed class ListValue(FlatInts flat)
    {
        private int[]? _own;
        private int _start = -1;

        public int IntCount { get; private set; }

        /// <summary>Where the ints start in the shared buffer, or -1 when they are in own storage (or there are none).</summary>
        public int FlatStart => _own is null && IntCount > 0 ? _start : -1;

        public List<ListValue>? Lists { get; private set; }

        public int Depth { get; private set; } = 1;

        public ReadOnlySpan<int> Ints => _own is not null
            ? _own.AsSpan(0, IntCount)
            : IntCount == 0 ? default : flat.Buffer.AsSpan(_start, IntCount);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void AddInt(int value)
        {
            if (_own is null)
            {
                if (IntCount == 0)
                {
                    _start = flat.Count;
                }

                if (_start + IntCount == flat.Count && (flat.Count < flat.Buffer.Length || flat.TryGrow()))
                {
                    flat.Buffer[flat.Count++] = value;
                    IntCount++;
                    return;
                }

                // another list has written after this one (or the buffer is full): continue in own storage
                var own = new int[Math.Max(8, IntCount * 2)];
                Ints.CopyTo(own);
                _own = own;
            }

            if (IntCount == _own.Length)
            {
                var grown = new int[_own.Length * 2];
                _own.CopyTo(grown, 0);
                _own = grown;
            }

            _own[IntCount++] = value;
        }

        /// <summary>
        /// True when ints can be written straight to the shared buffer from its current end on (this list owns the
        /// buffer's tail, or is empty); the caller then writes them and calls <see cref="EndTailRun"/>.
        /// </summary>
        public bool TryBeginTailRun()
        {
            if (_own is not null)
            {
                return false;
            }

            if (IntCount == 0)
            {
                _start = flat.Count;
                return true;
            }

            return _start + IntCount == flat.Count;
        }

        /// <summary>Accounts for <paramref name="added"/> ints written at the buffer's tail after <see cref="TryBeginTailRun"/>.</summary>
        public void EndTailRun(int added) => IntCount += added;

        /// <summary>Drops the ints after the first <paramref name="count"/> (used only right after this list appended at the buffer's tail).</summary>
        public void Truncate(int count)
        {
            if (_own is null && IntCount > 0)
            {
                flat.Count = _start + count;
            }

            IntCount = count;
        }

        public void Append(Value item, Machine m)
        {
            if (item.Kind == Kind.Int)
            {
                if (Lists is not null)
                {
                    throw m.Fail("a list mixes ints and other values");
                }

                AddInt(item.Int);
            }
            else if (item.Ref is ListValue list)
            {
                if (IntCount > 0)
                {
                    throw m.Fail("a list mixes ints and other values");
                }

                Depth = Math.Max(Depth, list.Depth + 1);
                if (Depth > MaxDepth)
                {
                    throw m.Fail($"lists nested deeper than {MaxDepth}");
                }

                (Lists ??= []).Add(list);
            }
            else
            {
                throw m.Fail($"a list item of kind {item.Kind} (only ints and int lists are accepted)");
            }
        }
    }

    /// <summary>
    /// The interpreter. Its input is a byte window <c>_buffer[_pos .. _end)</c>: either a whole pickle held in memory or
    /// a 64 KiB window refilled from a stream (<see cref="Fill"/>; no opcode argument is longer than 256 bytes).
    /// With a sink (streaming), every int list appended to the array's list goes to the sink at once (see <see cref="Emit"/>).
    /// </summary>
    private sealed class Machine(string source, IIntListSink? sink)
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

        private Value Run()
        {
            while (true)
            {
                if (_pos >= _end && !Fill(1))
                {
                    throw Fail("pickle stream ends before STOP (truncated)");
                }

                long at = Position;
                _opcode = _buffer[_pos++];
                switch (_opcode)
                {
                    case 0x80: // PROTO
                        byte protocol = Bytes(1)[0];
                        if (protocol != 2)
                        {
                            throw Fail($"pickle protocol {protocol} (only protocol 2 is accepted)");
                        }

                        break;
                    case (byte)'c': // GLOBAL
                        Push(new Value(Kind.Global, 0, ReadGlobal()));
                        break;
                    case (byte)'q': // BINPUT
                        Memo(Bytes(1)[0]);
                        break;
                    case (byte)'r': // LONG_BINPUT
                        Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)));
                        break;
                    case (byte)'h': // BINGET
                        Push(Recall(Bytes(1)[0]));
                        break;
                    case (byte)'j': // LONG_BINGET
                        Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))));
                        break;
                    case (byte)'(': // MARK
                        if (_marks.Count >= MaxDepth)
                        {
                            throw Fail($"more than {MaxDepth} nested MARKs");
                        }

                        _marks.Push(_count);
                        AppendIntRunFast();
                        break;
                    case (byte)'.': // STOP
                        if (Fill(1))
                        {
                            throw Fail($"{_end - _pos}{(_stream is null ? string.Empty : " or more")} bytes after STOP");
                        }

                        if (_count != 1 || _marks.Count != 0)
                        {
                            throw Fail($"STOP with {_count} values and {_marks.Count} marks on the stack (expected one value)");
                        }

                        return _stack[0];
                    case (byte)'K': // BININT1
                        Push(new Value(Kind.Int, Bytes(1)[0], null));
                        break;
                    case (byte)'M': // BININT2
                        Push(new Value(Kind.Int, BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)), null));
                        break;
                    case (byte)'J': // BININT
                        Push(new Value(Kind.Int, BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)), null));
                        break;
                    case (byte)'N': // NONE
                        Push(new Value(Kind.None, 0, null));
                        break;
                    case 0x88: // NEWTRUE
                        Push(new Value(Kind.Bool, 1, null));
                        break;
                    case 0x89: // NEWFALSE
                        Push(new Value(Kind.Bool, 0, null));
                        break;
                    case (byte)'U': // SHORT_BINSTRING
                        int length = Bytes(1)[0];
                        Push(new Value(Kind.String, 0, Encoding.Latin1.GetString(Bytes(length))));
                        break;
                    case 0x85: // TUPLE1
                    case 0x86: // TUPLE2
                    case 0x87: // TUPLE3
                        PushTuple(_opcode - 0x84);
                        break;
                    case (byte)'t': // TUPLE
                        PushTuple(_count - PopMark());
                        break;
                    case (byte)'R': // REDUCE
                        Reduce();
                        break;
                    case (byte)'b': // BUILD
                        Build();
                        break;
                    case (byte)']': // EMPTY_LIST
                        Push(new Value(Kind.List, 0, new ListValue(_flat)));
                        break;
                    case (byte)'a': // APPEND
                        Value item = Pop();
                        ListValue list = TopList();
                        if (sink is not null && item.Ref is ListValue appended)
                        {
                            Emit(list, appended);
                            ReleaseEmitted(appended);
                        }
                        else
                        {
                            list.Append(item, this);
                        }
                        break;
                    case (byte)'e': // APPENDS
                        int mark = PopMark();
                        if (mark == 0)
                        {
                            throw Fail("APPENDS without a list below its MARK");
                        }

                        ListValue target = ListAt(mark - 1);
                        if (sink is not null && _count > mark && _stack[mark].Ref is ListValue)
                        {
                            EmitBatch(target, mark);
                        }
                        else
                        {
                            for (int i = mark; i < _count; i++)
                            {
                                target.Append(_stack[i], this);
                            }
                        }

                        Array.Clear(_stack, mark, _count - mark);
                        _count = mark;
                        break;
                    default:
                        throw new DataFormatException(
                            $"{source}: pickle opcode 0x{_opcode:x2} ('{(char)_opcode}') at byte {at} is not in the accepted subset");
                }
            }
        }

        /// <summary>
        /// Fast path for the bulk of the stream, <c>MARK int int … APPENDS</c> onto an int list: the ints go straight
        /// into the list instead of through the stack. Anything else after the run (or a cut-off argument) puts the
        /// ints back on the stack, so the general interpreter sees exactly what it would have seen.
        /// </summary>
        private void AppendIntRunFast()
        {
            if (_count == 0 || _stack[_count - 1].Ref is not ListValue { Lists: null } list)
            {
                return;
            }

            int first = list.IntCount;
            AppendTailRun(list);
            while (true) // what the tight loop leaves: the last bytes of the input, or a list not at the buffer's tail
            {
                if (_end - _pos < 5)
                {
                    Fill(5); // fewer remain only at the end of the input; the checks below see that
                }

                int available = _end - _pos;
                byte op = available > 0 ? _buffer[_pos] : (byte)0;
                if (op == (byte)'K' && available >= 2)
                {
                    list.AddInt(_buffer[_pos + 1]);
                    _pos += 2;
                }
                else if (op == (byte)'M' && available >= 3)
                {
                    list.AddInt(BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos + 1, 2)));
                    _pos += 3;
                }
                else if (op == (byte)'J' && available >= 5)
                {
                    list.AddInt(BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_pos + 1, 4)));
                    _pos += 5;
                }
                else
                {
                    break;
                }
            }

            if (Fill(1) && _buffer[_pos] == (byte)'e' && list.IntCount > first)
            {
                _pos++;
                _marks.Pop();
                return;
            }

            for (int i = first; i < list.IntCount; i++)
            {
                Push(new Value(Kind.Int, list.Ints[i], null));
            }

            list.Truncate(first);
        }

        /// <summary>
        /// The tight loop of <see cref="AppendIntRunFast"/>: while five bytes (the longest int opcode) are in the window,
        /// decodes BININT1/BININT2/BININT straight into the shared buffer at the list's end. Stops at any other opcode,
        /// at the end of the input (the caller's loop handles the last bytes) or when the buffer is full and may not grow.
        /// </summary>
        private void AppendTailRun(ListValue list)
        {
            if (!list.TryBeginTailRun())
            {
                return;
            }

            int begin = _flat.Count, n = begin;
            int[] ints = _flat.Buffer;
            while (true)
            {
                if (_end - _pos < 5 && !Fill(5))
                {
                    break;
                }

                if (n == ints.Length)
                {
                    _flat.Count = n;
                    if (!_flat.TryGrow())
                    {
                        break;
                    }

                    ints = _flat.Buffer;
                }

                // branch-free over the mix of K/M/J (which one comes next is unpredictable): read the four bytes after
                // the opcode and keep as many as it takes; five bytes are always in the window here
                byte[] b = _buffer, sizes = IntOpcodeSizes;
                uint[] masks = IntOpcodeMasks;
                int pos = _pos, stop = _end - 4, room = ints.Length;
                bool other = false;
                while (pos < stop && n < room)
                {
                    byte op = b[pos];
                    int size = sizes[op];
                    if (size == 0)
                    {
                        other = true;
                        break;
                    }

                    ints[n++] = (int)(BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos + 1, 4)) & masks[op]);
                    pos += size;
                }

                _pos = pos;
                if (other)
                {
                    break;
                }
            }

            _flat.Count = n;
            list.EndTailRun(n - begin);
        }

        // streamLength is the pickle's size: every int costs at least two bytes of stream, so more ints than bytes
        // means lists shared through the memo (a few KB that would expand to gigabytes); such streams are refused.
        public IntSequences ToSequences(Value result, long expectedCount, long streamLength)
        {
            ListValue outer = ArrayData(result, expectedCount);
            if (outer.Lists is null && outer.IntCount > 0)
            {
                throw Fail("the array items are ints, not lists of ints");
            }

            int items = outer.Lists?.Count ?? 0;
            if (items != expectedCount)
            {
                throw ItemCountError(expectedCount, items);
            }

            var offsets = new int[items + 1];
            long total = 0;
            for (int i = 0; i < items; i++)
            {
                ListValue inner = outer.Lists![i];
                if (inner.Lists is not null)
                {
                    throw Fail($"item {i} is not a list of ints");
                }

                total += inner.IntCount;
                if (total > int.MaxValue)
                {
                    throw Fail("more than 2^31-1 ints in total");
                }

                if (total > streamLength)
                {
                    throw Fail($"the lists hold more ints than the {streamLength}-byte stream can encode (lists shared by memo reference)");
                }

                offsets[i + 1] = (int)total;
            }

            var values = new int[total];
            for (int i = 0; i < items; i++)
            {
                ListValue inner = outer.Lists![i];
                inner.Ints.CopyTo(values.AsSpan(offsets[i]));
            }

            return new IntSequences(offsets, values);
        }

        /// <summary>Checks that <paramref name="result"/> is the numpy array the header describes and returns its data list.</summary>
        private ListValue ArrayData(Value result, long expectedCount)
        {
            if (result.Ref is not ReducedValue array || !IsReconstruct(array.Callable))
            {
                throw Fail("the pickle does not describe a numpy array (_reconstruct)");
            }

            if (array.Args.Items.Length < 1 || array.Args.Items[0].Ref is not GlobalValue { Module: "numpy", Name: "ndarray" })
            {
                throw Fail("_reconstruct is not applied to numpy.ndarray");
            }

            if (array.State is not { Ref: TupleValue state } || state.Items.Length != 5)
            {
                throw Fail("the array state is not the 5-tuple (version, shape, dtype, fortran, data)");
            }

            Value[] s = state.Items;
            if (s[1].Ref is not TupleValue shape || shape.Items.Any(d => d.Kind != Kind.Int || d.Int < 0))
            {
                throw Fail("the array shape is not a tuple of non-negative ints");
            }

            if (s[2].Ref is not ReducedValue dtype || dtype.Callable is not { Module: "numpy", Name: "dtype" } ||
                dtype.Args.Items.Length < 1 || dtype.Args.Items[0].Ref is not ("O8" or "O4"))
            {
                throw Fail("the array dtype is not numpy.dtype('O8')");
            }

            if (s[3].Kind != Kind.Bool || s[3].Int != 0)
            {
                throw Fail("the array is Fortran-ordered (only C order is accepted)");
            }

            if (s[4].Ref is not ListValue outer)
            {
                throw Fail("the array data is not a list");
            }

            long count = 1;
            foreach (Value d in shape.Items)
            {
                count *= d.Int;
                if (count > int.MaxValue)
                {
                    throw Fail("the pickled shape is too large");
                }
            }

            if (count != expectedCount)
            {
                throw Fail($"the npy header says {expectedCount} items, the pickle's shape says {count}");
            }

            return outer;
        }

        /// <summary>
        /// The end of a streamed decode: the same structure checks as <see cref="ToSequences"/>, and the array's list
        /// must be the one whose int lists went to the sink (all of them, as many as the header says).
        /// </summary>
        public void FinishStream(Value result, long expectedCount)
        {
            ListValue outer = ArrayData(result, expectedCount);
            if (outer.Lists is not null || outer.IntCount > 0 || (_outer is not null && !ReferenceEquals(outer, _outer)))
            {
                throw Fail("the array's list is not the list that received the int lists");
            }

            if (_emitted != expectedCount)
            {
                throw ItemCountError(expectedCount, _emitted);
            }
        }

        private DataFormatException ItemCountError(long expectedCount, long items) =>
            Fail($"the npy header says {expectedCount} items and the pickle's shape too, but its list holds {items}");

        /// <summary>
        /// Streaming: <paramref name="list"/> (an int list) is appended to <paramref name="target"/>, which must be the
        /// one list of lists; its ints go to the sink now. The list cannot be reached again (lists are not kept in the
        /// memo when streaming, see <see cref="Memo"/>), so it can never change after this.
        /// </summary>
        private void Emit(ListValue target, ListValue list)
        {
            _outer ??= target;
            if (!ReferenceEquals(_outer, target) || target.IntCount > 0 || list.Lists is not null || ReferenceEquals(list, target))
            {
                throw Fail("not the layout numpy writes (streaming needs one list of int lists)");
            }

            sink!.Add(list.Ints);
            _emitted++;
        }

        /// <summary>APPENDS of the int lists <c>_stack[mark ..]</c> onto <paramref name="target"/>, streaming.</summary>
        private void EmitBatch(ListValue target, int mark)
        {
            for (int i = mark; i < _count; i++)
            {
                if (_stack[i].Ref is not ListValue list)
                {
                    throw Fail("not the layout numpy writes (streaming needs one list of int lists)");
                }

                Emit(target, list);
            }

            // the batch's ints are dead now: when they fill the tail of the shared buffer exactly, reuse that space
            int start = -1, next = -1;
            for (int i = mark; i < _count; i++)
            {
                var list = (ListValue)_stack[i].Ref!;
                if (list.IntCount == 0)
                {
                    continue;
                }

                if (list.FlatStart < 0 || (start >= 0 && list.FlatStart != next))
                {
                    return;
                }

                if (start < 0)
                {
                    start = list.FlatStart;
                }

                next = list.FlatStart + list.IntCount;
            }

            if (start >= 0 && next == _flat.Count)
            {
                _flat.Count = start;
            }
        }

        /// <summary>APPEND of one int list, streaming: its ints are dead once emitted; free them when they are the buffer's tail.</summary>
        private void ReleaseEmitted(ListValue list)
        {
            if (list.FlatStart >= 0 && list.FlatStart + list.IntCount == _flat.Count)
            {
                _flat.Count = list.FlatStart;
            }
        }


        public DataFormatException Fail(string message) =>
            new($"{source}: pickle at byte {Position} (opcode 0x{_opcode:x2}): {message}");

        private static bool IsReconstruct(GlobalValue g) =>
            g is { Module: "numpy.core.multiarray" or "numpy._core.multiarray", Name: "_reconstruct" };

        private GlobalValue ReadGlobal()
        {
            string module = ReadLine();
            string name = ReadLine();
            var global = new GlobalValue(module, name);
            bool allowed = IsReconstruct(global) || global is { Module: "numpy", Name: "ndarray" or "dtype" };
            if (!allowed)
            {
                throw Fail($"GLOBAL '{module} {name}' is not allowed (only numpy array reconstruction is)");
            }

            return global;
        }

        private string ReadLine()
        {
            Fill(256); // fewer remain only at the end of the input
            int limit = Math.Min(_end - _pos, 256);
            int end = _buffer.AsSpan(_pos, limit).IndexOf((byte)'\n');
            if (end < 0)
            {
                throw Fail("GLOBAL name not terminated by a newline within 256 bytes");
            }

            ReadOnlySpan<byte> line = _buffer.AsSpan(_pos, end);
            _pos += end + 1;
            foreach (byte b in line)
            {
                if (b is < 0x20 or > 0x7e)
                {
                    throw Fail("GLOBAL name is not printable ASCII");
                }
            }

            return Encoding.ASCII.GetString(line);
        }

        /// <summary>The next <paramref name="n"/> bytes (valid until the next read).</summary>
        private ReadOnlySpan<byte> Bytes(int n)
        {
            if (!Fill(n))
            {
                throw Fail("pickle stream truncated inside an opcode argument");
            }

            ReadOnlySpan<byte> bytes = _buffer.AsSpan(_pos, n);
            _pos += n;
            return bytes;
        }

        private void Push(Value v)
        {
            if (_count == _stack.Length)
            {
                if (_count >= MaxStack)
                {
                    throw Fail($"more than {MaxStack} values on the stack");
                }

                Array.Resize(ref _stack, _stack.Length * 2);
            }

            _stack[_count++] = v;
        }

        private Value Pop()
        {
            if (!HasTop)
            {
                throw Fail("stack underflow");
            }

            Value v = _stack[--_count];
            _stack[_count] = default;
            return v;
        }

        /// <summary>True when a value sits on the stack above the innermost MARK.</summary>
        private bool HasTop => _count > 0 && (_marks.Count == 0 || _marks.Peek() < _count);

        private int PopMark() => _marks.Count > 0 ? _marks.Pop() : throw Fail("no MARK on the stack");

        private void Memo(uint index)
        {
            if (!HasTop)
            {
                throw Fail("memo put on an empty stack");
            }

            Value top = _stack[_count - 1];

            // streaming never lets a list be reached twice (its ints go to the sink once): the memo keeps only a marker
            _memo[index] = sink is not null && top.Kind == Kind.List ? new Value(Kind.List, 0, null) : top;
        }

        private Value Recall(uint index)
        {
            if (!_memo.TryGetValue(index, out Value v))
            {
                throw Fail($"memo get of unset index {index}");
            }

            return v is { Kind: Kind.List, Ref: null } ? throw Fail("not the layout numpy writes (a list reached twice through the memo)") : v;
        }

        private ListValue TopList() => HasTop ? ListAt(_count - 1) : throw Fail("stack underflow");

        private ListValue ListAt(int index) => _stack[index].Ref as ListValue ?? throw Fail("append to something that is not a list");

        private void PushTuple(int n)
        {
            if (n < 0 || n > _count || (_marks.Count > 0 && _count - n < _marks.Peek()))
            {
                throw Fail("stack underflow building a tuple");
            }

            var items = _stack.AsSpan(_count - n, n).ToArray();
            Array.Clear(_stack, _count - n, n);
            _count -= n;
            var tuple = new TupleValue(items);
            if (tuple.Depth > MaxDepth)
            {
                throw Fail($"values nested deeper than {MaxDepth}");
            }

            Push(new Value(Kind.Tuple, 0, tuple));
        }

        private void Reduce()
        {
            Value args = Pop();
            Value callable = Pop();
            if (callable.Ref is not GlobalValue global || args.Ref is not TupleValue tuple)
            {
                throw Fail("REDUCE needs a GLOBAL and an argument tuple");
            }

            var reduced = new ReducedValue(global, tuple);
            if (reduced.Depth > MaxDepth)
            {
                throw Fail($"values nested deeper than {MaxDepth}");
            }

            Push(new Value(Kind.Reduced, 0, reduced)); // an inert record: nothing is called
        }

        private void Build()
        {
            Value state = Pop();
            if (!HasTop || _stack[_count - 1].Ref is not ReducedValue target || target.State is not null)
            {
                throw Fail("BUILD needs a fresh REDUCE result below its state");
            }

            target.State = state;
            target.Depth = Math.Max(target.Depth, state.Depth + 1);
            if (target.Depth > MaxDepth)
            {
                throw Fail($"values nested deeper than {MaxDepth}");
            }
        }
    }
}

/// <summary>Receives the int lists of a streamed object array, in order (<see cref="PickleObjectArrayReader.TryStream"/>).</summary>
internal interface IIntListSink
{
    /// <summary>The next list's ints (valid only during the call).</summary>
    void Add(ReadOnlySpan<int> ints);
}
