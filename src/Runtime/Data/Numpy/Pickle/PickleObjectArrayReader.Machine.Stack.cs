using System.Text;

namespace AotNet.Data.Numpy;

/// <summary>The stack, the marks, the memo, globals and the tuple/REDUCE/BUILD values.</summary>
public static partial class PickleObjectArrayReader
{
    private sealed partial class Machine
    {
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
