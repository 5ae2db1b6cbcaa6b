namespace AotNet.Data.Numpy;

/// <summary>The inert values the pickle machine builds: globals, tuples, reductions and int lists over one shared buffer.</summary>
public static partial class PickleObjectArrayReader
{
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
}
