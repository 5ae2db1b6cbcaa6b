namespace AotNet.Data.Numpy;

/// <summary>The checks on the result: the numpy array the header describes, as sequences or (streaming) the end of the stream.</summary>
public static partial class PickleObjectArrayReader
{
    private sealed partial class Machine
    {
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
    }
}
