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
/// </summary>
public static class PickleObjectArrayReader
{
    /// <summary>Largest nesting of lists/tuples/reductions (and of MARKs) accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest number of values on the stack at once (numpy appends in batches of 1000).</summary>
    public const int MaxStack = 1 << 17;

    /// <summary>Decodes <paramref name="pickle"/>, which must describe <paramref name="expectedCount"/> int lists.</summary>
    /// <exception cref="DataFormatException">Any opcode, global or structure outside the accepted subset.</exception>
    public static IntSequences Read(ReadOnlySpan<byte> pickle, long expectedCount, string source)
    {
        var machine = new Machine(source);
        Value result = machine.Run(pickle);
        return machine.ToSequences(result, expectedCount, pickle.Length);
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
    private sealed class FlatInts(int capacity)
    {
        public int[] Buffer { get; } = new int[capacity];

        public int Count { get; set; }
    }

    /// <summary>A Python list holding either only ints or only lists (numpy's object arrays of int lists need nothing else).</summary>
    private sealed class ListValue(FlatInts flat)
    {
        private int[]? _own;
        private int _start = -1;

        public int IntCount { get; private set; }

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

                if (_start + IntCount == flat.Count && flat.Count < flat.Buffer.Length)
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

    private sealed class Machine(string source)
    {
        private FlatInts _flat = new(0);
        private readonly Dictionary<uint, Value> _memo = [];
        private readonly Stack<int> _marks = new();
        private Value[] _stack = new Value[256];
        private int _count;
        private int _pos;
        private byte _opcode;

        public Value Run(ReadOnlySpan<byte> p)
        {
            _pos = 0;
            _flat = new FlatInts((p.Length / 2) + 1);
            while (true)
            {
                if (_pos >= p.Length)
                {
                    throw Fail("pickle stream ends before STOP (truncated)");
                }

                int at = _pos;
                _opcode = p[_pos++];
                switch (_opcode)
                {
                    case 0x80: // PROTO
                        byte protocol = Bytes(p, 1)[0];
                        if (protocol != 2)
                        {
                            throw Fail($"pickle protocol {protocol} (only protocol 2 is accepted)");
                        }

                        break;
                    case (byte)'c': // GLOBAL
                        Push(new Value(Kind.Global, 0, ReadGlobal(p)));
                        break;
                    case (byte)'q': // BINPUT
                        Memo(Bytes(p, 1)[0]);
                        break;
                    case (byte)'r': // LONG_BINPUT
                        Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(p, 4)));
                        break;
                    case (byte)'h': // BINGET
                        Push(Recall(Bytes(p, 1)[0]));
                        break;
                    case (byte)'j': // LONG_BINGET
                        Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(p, 4))));
                        break;
                    case (byte)'(': // MARK
                        if (_marks.Count >= MaxDepth)
                        {
                            throw Fail($"more than {MaxDepth} nested MARKs");
                        }

                        _marks.Push(_count);
                        AppendIntRunFast(p);
                        break;
                    case (byte)'.': // STOP
                        if (_pos != p.Length)
                        {
                            throw Fail($"{p.Length - _pos} bytes after STOP");
                        }

                        if (_count != 1 || _marks.Count != 0)
                        {
                            throw Fail($"STOP with {_count} values and {_marks.Count} marks on the stack (expected one value)");
                        }

                        return _stack[0];
                    case (byte)'K': // BININT1
                        Push(new Value(Kind.Int, Bytes(p, 1)[0], null));
                        break;
                    case (byte)'M': // BININT2
                        Push(new Value(Kind.Int, BinaryPrimitives.ReadUInt16LittleEndian(Bytes(p, 2)), null));
                        break;
                    case (byte)'J': // BININT
                        Push(new Value(Kind.Int, BinaryPrimitives.ReadInt32LittleEndian(Bytes(p, 4)), null));
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
                        int length = Bytes(p, 1)[0];
                        Push(new Value(Kind.String, 0, Encoding.Latin1.GetString(Bytes(p, length))));
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
                        TopList().Append(item, this);
                        break;
                    case (byte)'e': // APPENDS
                        int mark = PopMark();
                        if (mark == 0)
                        {
                            throw Fail("APPENDS without a list below its MARK");
                        }

                        ListValue target = ListAt(mark - 1);
                        for (int i = mark; i < _count; i++)
                        {
                            target.Append(_stack[i], this);
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
        private void AppendIntRunFast(ReadOnlySpan<byte> p)
        {
            if (_count == 0 || _stack[_count - 1].Ref is not ListValue { Lists: null } list)
            {
                return;
            }

            int first = list.IntCount;
            while (_pos < p.Length)
            {
                byte op = p[_pos];
                if (op == (byte)'K' && _pos + 1 < p.Length)
                {
                    list.AddInt(p[_pos + 1]);
                    _pos += 2;
                }
                else if (op == (byte)'M' && _pos + 2 < p.Length)
                {
                    list.AddInt(BinaryPrimitives.ReadUInt16LittleEndian(p.Slice(_pos + 1, 2)));
                    _pos += 3;
                }
                else if (op == (byte)'J' && _pos + 4 < p.Length)
                {
                    list.AddInt(BinaryPrimitives.ReadInt32LittleEndian(p.Slice(_pos + 1, 4)));
                    _pos += 5;
                }
                else
                {
                    break;
                }
            }

            if (_pos < p.Length && p[_pos] == (byte)'e' && list.IntCount > first)
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

        // streamLength is the pickle's size: every int costs at least two bytes of stream, so more ints than bytes
        // means lists shared through the memo (a few KB that would expand to gigabytes); such streams are refused.
        public IntSequences ToSequences(Value result, long expectedCount, long streamLength)
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

            if (outer.Lists is null && outer.IntCount > 0)
            {
                throw Fail("the array items are ints, not lists of ints");
            }

            int items = outer.Lists?.Count ?? 0;
            if (count != expectedCount || items != expectedCount)
            {
                throw Fail($"the npy header says {expectedCount} items, the pickle's shape says {count} and its list holds {items}");
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

        public DataFormatException Fail(string message) =>
            new($"{source}: pickle at byte {_pos} (opcode 0x{_opcode:x2}): {message}");

        private static bool IsReconstruct(GlobalValue g) =>
            g is { Module: "numpy.core.multiarray" or "numpy._core.multiarray", Name: "_reconstruct" };

        private GlobalValue ReadGlobal(ReadOnlySpan<byte> p)
        {
            string module = ReadLine(p);
            string name = ReadLine(p);
            var global = new GlobalValue(module, name);
            bool allowed = IsReconstruct(global) || global is { Module: "numpy", Name: "ndarray" or "dtype" };
            if (!allowed)
            {
                throw Fail($"GLOBAL '{module} {name}' is not allowed (only numpy array reconstruction is)");
            }

            return global;
        }

        private string ReadLine(ReadOnlySpan<byte> p)
        {
            int limit = Math.Min(p.Length - _pos, 256);
            int end = p.Slice(_pos, limit).IndexOf((byte)'\n');
            if (end < 0)
            {
                throw Fail("GLOBAL name not terminated by a newline within 256 bytes");
            }

            ReadOnlySpan<byte> line = p.Slice(_pos, end);
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

        private ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> p, int n)
        {
            if (p.Length - _pos < n)
            {
                throw Fail("pickle stream truncated inside an opcode argument");
            }

            ReadOnlySpan<byte> bytes = p.Slice(_pos, n);
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

            _memo[index] = _stack[_count - 1];
        }

        private Value Recall(uint index) => _memo.TryGetValue(index, out Value v) ? v : throw Fail($"memo get of unset index {index}");

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
