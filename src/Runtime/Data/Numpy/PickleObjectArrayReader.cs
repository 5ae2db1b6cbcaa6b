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
        return machine.ToSequences(result, expectedCount);
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

    /// <summary>A Python list holding either only ints or only lists (numpy's object arrays of int lists need nothing else).</summary>
    private sealed class ListValue
    {
        /// <summary>Storage of the ints: the list's own array, or the machine's shared arena (see <see cref="InArena"/>).</summary>
        private int[] _ints = [];

        /// <summary>Where the ints start in <see cref="_ints"/>.</summary>
        private int _start;

        public int IntCount { get; private set; }

        /// <summary>True while the ints live in the machine's arena (written by the fast path, contiguous).</summary>
        public bool InArena { get; private set; }

        public int ArenaStart => _start;

        public ReadOnlySpan<int> Ints => _ints.AsSpan(_start, IntCount);

        public List<ListValue>? Lists { get; private set; }

        public int Depth { get; private set; } = 1;

        /// <summary>
        /// Appends <paramref name="n"/> ints encoded as BININT1/BININT2/BININT opcodes (already validated). They go to
        /// the end of the arena when this list's ints are the arena's last ones (or it has none yet), else to the
        /// list's own array.
        /// </summary>
        public void AppendInts(ReadOnlySpan<byte> ops, int n, Arena arena)
        {
            Span<int> target;
            if (IntCount == 0 && !InArena)
            {
                _ints = arena.Ints;
                _start = arena.Length;
                InArena = true;
            }

            if (InArena && _start + IntCount == arena.Length && arena.Length + n <= arena.Ints.Length)
            {
                target = arena.Ints.AsSpan(arena.Length, n);
                arena.Length += n;
            }
            else
            {
                EnsureOwnCapacity(IntCount + n);
                target = _ints.AsSpan(IntCount, n);
            }

            int at = 0;
            for (int i = 0; i < target.Length; i++)
            {
                switch (ops[at])
                {
                    case (byte)'K':
                        target[i] = ops[at + 1];
                        at += 2;
                        break;
                    case (byte)'M':
                        target[i] = BinaryPrimitives.ReadUInt16LittleEndian(ops.Slice(at + 1, 2));
                        at += 3;
                        break;
                    default:
                        target[i] = BinaryPrimitives.ReadInt32LittleEndian(ops.Slice(at + 1, 4));
                        at += 5;
                        break;
                }
            }

            IntCount += n;
        }

        /// <summary>Moves the ints into the list's own array (out of the arena) with room for <paramref name="needed"/>.</summary>
        private void EnsureOwnCapacity(int needed)
        {
            if (!InArena && needed <= _ints.Length)
            {
                return;
            }

            var grown = new int[Math.Max(Math.Max(8, needed), InArena ? IntCount : _ints.Length * 2)];
            Ints.CopyTo(grown);
            _ints = grown;
            _start = 0;
            InArena = false;
        }

        public void Append(Value item, Machine m)
        {
            if (item.Kind == Kind.Int)
            {
                if (Lists is not null)
                {
                    throw m.Fail("a list mixes ints and other values");
                }

                EnsureOwnCapacity(IntCount + 1);
                _ints[IntCount++] = item.Int;
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
    /// One int array for the lists the fast path fills, sized once for the most ints the stream can hold (every int
    /// opcode takes at least two bytes), so that numpy's list-after-list layout needs no per-list arrays.
    /// </summary>
    private sealed class Arena(int capacity)
    {
        public int[] Ints { get; } = new int[capacity];

        public int Length { get; set; }
    }

    private sealed class Machine(string source)
    {
        private readonly Dictionary<uint, Value> _memo = [];
        private Arena? _arena;
        private readonly Stack<int> _marks = new();
        private Value[] _stack = new Value[256];
        private int _count;
        private int _pos;
        private byte _opcode;

        public Value Run(ReadOnlySpan<byte> p)
        {
            _pos = 0;
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
                        TryAppendIntRun(p);
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
                        Push(new Value(Kind.List, 0, new ListValue()));
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
        /// The fast path for what numpy writes for each list of ints: <c>MARK int int … APPENDS</c> right after the list.
        /// When the bytes after the MARK just pushed are only BININT1/BININT2/BININT opcodes followed by APPENDS, and the
        /// value below the MARK is a list of ints, the ints go straight into the list (exactly what the general path
        /// would do, without a stack round trip per int). Anything else is left to the general path.
        /// </summary>
        private void TryAppendIntRun(ReadOnlySpan<byte> p)
        {
            int mark = _marks.Peek();
            if (mark == 0 || _stack[mark - 1].Ref is not ListValue { Lists: null } list)
            {
                return;
            }

            int scan = _pos, n = 0;
            while (scan < p.Length)
            {
                int size = p[scan] switch
                {
                    (byte)'K' => 2,
                    (byte)'M' => 3,
                    (byte)'J' => 5,
                    _ => 0,
                };
                if (size == 0 || p.Length - scan < size)
                {
                    break;
                }

                scan += size;
                n++;
            }

            if (scan >= p.Length || p[scan] != (byte)'e')
            {
                return;
            }

            list.AppendInts(p[_pos..scan], n, _arena ??= new Arena(p.Length / 2));
            _marks.Pop();
            _pos = scan + 1;
        }

        public IntSequences ToSequences(Value result, long expectedCount)
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

                offsets[i + 1] = (int)total;
            }

            // numpy's layout: every list's ints one after another in the arena, so one copy takes them all
            bool contiguous = _arena is not null;
            for (int i = 0; i < items && contiguous; i++)
            {
                ListValue inner = outer.Lists![i];
                contiguous = inner.IntCount == 0 || (inner.InArena && inner.ArenaStart == offsets[i]);
            }

            int[] values;
            if (contiguous)
            {
                values = _arena!.Ints.AsSpan(0, (int)total).ToArray();
            }
            else
            {
                values = new int[total];
                for (int i = 0; i < items; i++)
                {
                    outer.Lists![i].Ints.CopyTo(values.AsSpan(offsets[i]));
                }
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
