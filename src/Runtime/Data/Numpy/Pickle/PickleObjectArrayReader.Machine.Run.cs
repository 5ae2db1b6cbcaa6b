using System.Buffers.Binary;
using System.Text;

namespace AotNet.Data.Numpy;

/// <summary>The interpreter loop: one opcode at a time over the whitelist.</summary>
public static partial class PickleObjectArrayReader
{
    private sealed partial class Machine
    {
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
    }
}
