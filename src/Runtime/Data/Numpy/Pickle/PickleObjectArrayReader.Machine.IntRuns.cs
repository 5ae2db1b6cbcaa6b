using System.Buffers.Binary;

namespace AotNet.Data.Numpy;

/// <summary>The fast path for runs of ints appended to a list.</summary>
public static partial class PickleObjectArrayReader
{
    private sealed partial class Machine
    {
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
    }
}
