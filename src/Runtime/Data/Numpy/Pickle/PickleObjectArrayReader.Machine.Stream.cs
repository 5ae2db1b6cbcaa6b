namespace AotNet.Data.Numpy;

/// <summary>Streaming: int lists handed to the sink as soon as they are in the array's list.</summary>
public static partial class PickleObjectArrayReader
{
    private sealed partial class Machine
    {
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
    }
}
