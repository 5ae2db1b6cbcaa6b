using System.Numerics;
using AotNet.Data.Numpy;

namespace AotNet.Data.Keras;

/// <summary>Multi-hot rows (the tutorial's <c>vectorize_sequences</c> of Keras's sequences) and their labels.</summary>
public sealed class MultiHotSplit
{
    /// <summary>Pairs rows with their labels (one label per row).</summary>
    public MultiHotSplit(CsrMatrix inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rows != labels.Length)
        {
            throw new ArgumentException($"{inputs.Rows} rows but {labels.Length} labels", nameof(labels));
        }

        Inputs = inputs;
        Labels = labels;
    }

    /// <summary>One multi-hot row per sample, columns ascending.</summary>
    public CsrMatrix Inputs { get; }

    /// <summary>The labels, as <c>load_data</c> returns them.</summary>
    public int[] Labels { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;
}

/// <summary>
/// A text dataset loaded straight into multi-hot rows: <see cref="Validation"/> is the first rows of Keras's shuffled
/// training split (<c>x_train[:n]</c>), <see cref="Train"/> the rest (<c>x_train[n:]</c>), <see cref="Test"/> the test split.
/// </summary>
public sealed record MultiHotDataset(MultiHotSplit Validation, MultiHotSplit Train, MultiHotSplit Test);

/// <summary>
/// Keras's id rules for one word id list (<c>[start_char] + [w + index_from …]</c>, then ids outside
/// <c>[skip_top, num_words)</c> replaced by <c>oov_char</c> or dropped when it is null), applied on the fly.
/// </summary>
internal readonly record struct KerasIdRules(int NumWords, int SkipTop, int? StartChar, int? OovChar, int IndexFrom)
{
    /// <summary>The id that ends up in the sequence for a shifted id <paramref name="id"/>, or -1 when it is dropped.</summary>
    public int Limit(int id) => id >= SkipTop && id < NumWords ? id : OovChar ?? -1;
}

/// <summary>
/// Collects multi-hot rows as a streamed object array hands over its int lists (file order), each row's distinct
/// columns as 16-bit values in 256 KiB blocks; <see cref="Gather"/> then builds the CSR rows in Keras's shuffled order.
/// The result equals <c>MultiHot.Encode</c> of the sequences <see cref="Imdb.Load"/> returns (same errors for bad ids).
/// </summary>
internal sealed class MultiHotRows : IIntListSink
{
    private const int BlockSize = 1 << 17;

    private readonly KerasIdRules _rules;
    private readonly long _expected;
    private readonly string _source;
    private readonly ulong[] _bits;
    private readonly List<ushort[]> _blocks = [];
    private long[] _rowStart = new long[1024]; // block * BlockSize + offset
    private int[] _rowLength = new int[1024];
    private int _used = BlockSize;

    public MultiHotRows(KerasIdRules rules, long expectedRows, string source)
    {
        if (rules.NumWords is < 1 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(rules), rules.NumWords, "num_words must be in [1, 65536] for multi-hot loading");
        }

        _rules = rules;
        _expected = expectedRows;
        _source = source;
        _bits = new ulong[(rules.NumWords + 63) >> 6];
    }

    /// <summary>The number of rows so far.</summary>
    public int Count { get; private set; }

    public void Add(ReadOnlySpan<int> ids)
    {
        if (Count >= _expected)
        {
            throw new DataFormatException($"{_source}: more than the {_expected} lists the header announces");
        }

        int row = Count;
        int high = -1; // the highest bit set
        if (_rules.StartChar is int start)
        {
            high = Set(_rules.Limit(start), row, high);
        }

        if (_rules.OovChar is int oov && oov >= 0 && oov < _rules.NumWords && _rules.SkipTop >= 0 && _rules.SkipTop <= _rules.NumWords)
        {
            high = SetAll(ids, oov, high);
        }
        else
        {
            int indexFrom = _rules.IndexFrom;
            foreach (int w in ids)
            {
                high = Set(_rules.Limit(Shift(w, indexFrom)), row, high);
            }
        }

        // room for every distinct column (at most one per id, plus the start char, and never more than the width),
        // plus the four scratch slots the unrolled extraction below may write past the row
        int room = Math.Min(ids.Length + 1, _rules.NumWords) + 4;
        if (BlockSize - _used < room)
        {
            _blocks.Add(new ushort[BlockSize]);
            _used = 0;
        }

        ushort[] block = _blocks[^1];
        int written = _used;
        int words = high < 0 ? 0 : (high >> 6) + 1;
        for (int word = 0; word < words; word++)
        {
            // the set bits in ascending order: four positions are written unconditionally and the count advances by
            // the number of bits, so the usual word (0–3 bits) costs no unpredictable branch; more bits loop on
            ulong bits = _bits[word];
            _bits[word] = 0;
            int count = BitOperations.PopCount(bits), at = word << 6;
            if (count <= 4)
            {
                Span<ushort> slots = block.AsSpan(written, 4);
                slots[0] = (ushort)(at + BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
                slots[1] = (ushort)(at + BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
                slots[2] = (ushort)(at + BitOperations.TrailingZeroCount(bits));
                bits &= bits - 1;
                slots[3] = (ushort)(at + BitOperations.TrailingZeroCount(bits));
                written += count;
            }
            else
            {
                while (bits != 0)
                {
                    block[written++] = (ushort)(at + BitOperations.TrailingZeroCount(bits));
                    bits &= bits - 1;
                }
            }
        }

        if (row == _rowStart.Length)
        {
            Array.Resize(ref _rowStart, row * 2);
            Array.Resize(ref _rowLength, row * 2);
        }

        _rowStart[row] = ((long)(_blocks.Count - 1) * BlockSize) + _used;
        _rowLength[row] = written - _used;
        _used = written;
        Count = row + 1;
    }

    /// <summary>The rows <c>order[from .. from + count)</c> as a CSR matrix (row <c>r</c> is file row <c>order[from + r]</c>).</summary>
    public CsrMatrix Gather(ReadOnlySpan<int> order)
    {
        var offsets = new int[order.Length + 1];
        long total = 0;
        for (int r = 0; r < order.Length; r++)
        {
            total += _rowLength[order[r]];
            offsets[r + 1] = checked((int)total);
        }

        var columns = new int[total];
        for (int r = 0; r < order.Length; r++)
        {
            int row = order[r];
            long start = _rowStart[row];
            ReadOnlySpan<ushort> source = _blocks[(int)(start / BlockSize)].AsSpan((int)(start % BlockSize), _rowLength[row]);
            Span<int> target = columns.AsSpan(offsets[r], source.Length);
            for (int k = 0; k < source.Length; k++)
            {
                target[k] = source[k];
            }
        }

        return new CsrMatrix(offsets, columns, _rules.NumWords, trusted: true);
    }

    /// <summary>
    /// The common case in one tight loop: every id is shifted, kept when in <c>[skip_top, num_words)</c> and
    /// replaced by <paramref name="oov"/> (a valid column) otherwise; returns the highest id set.
    /// </summary>
    private int SetAll(ReadOnlySpan<int> ids, int oov, int high)
    {
        ulong[] bits = _bits;
        int indexFrom = _rules.IndexFrom, skipTop = _rules.SkipTop;
        uint span = (uint)(_rules.NumWords - skipTop);
        foreach (int w in ids)
        {
            int id = Shift(w, indexFrom);
            if ((uint)(id - skipTop) >= span)
            {
                id = oov;
            }

            bits[id >> 6] |= 1UL << id;
            high = Math.Max(high, id);
        }

        return high;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Shift(int w, int indexFrom)
    {
        long shifted = (long)w + indexFrom;
        if (shifted is > int.MaxValue or < int.MinValue)
        {
            ThrowOverflow(w, indexFrom);
        }

        return (int)shifted;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowOverflow(int w, int indexFrom) =>
        throw new DataFormatException($"{_source}: word id {w} + index_from {indexFrom} overflows int32");

    private int Set(int id, int row, int high)
    {
        if (id < 0)
        {
            return high; // dropped (no oov char)
        }

        if (id >= _rules.NumWords)
        {
            throw new ArgumentOutOfRangeException(
                "sequences", id, $"sequence {row} has id {id}, outside the multi-hot dimension [0, {_rules.NumWords})");
        }

        _bits[id >> 6] |= 1UL << id;
        return Math.Max(high, id);
    }
}

/// <summary>Loads the splits of a Keras text npz straight into multi-hot rows (see <see cref="Imdb.LoadMultiHot"/>).</summary>
internal static class MultiHotTextLoader
{
    /// <summary>
    /// Streams member <paramref name="x"/> into multi-hot rows (file order) and reads labels <paramref name="y"/>. When
    /// streaming is refused (an unusual or broken member), the member is decoded by the general reader instead, which
    /// gives the same rows or the usual error.
    /// </summary>
    public static (MultiHotRows Rows, long[] Labels) ReadSplit(string path, string x, string y, KerasIdRules rules, long maxMemberBytes, int maxRows)
    {
        using NpzArchive npz = NpzArchive.Open(path, maxMemberBytes, maxMembers: 16);
        MultiHotRows? rows = null;
        if (!npz.TryStreamIntLists(x, count => rows = new MultiHotRows(rules, CheckRows(count, maxRows, path, x), path)))
        {
            NpyArray sequences = npz.Read(x);
            KerasSequenceRules.RequireVector(sequences);
            CheckRows(sequences.Shape[0], maxRows, path, x);
            IntSequences raw = sequences.ToSequences();
            rows = new MultiHotRows(rules, raw.Count, path);
            for (int i = 0; i < raw.Count; i++)
            {
                rows.Add(raw[i]);
            }
        }

        NpyArray labels = npz.Read(y);
        KerasSequenceRules.RequireVector(labels);
        long[] values = labels.ToInt64Array();
        if (rows!.Count != values.Length)
        {
            throw new DataFormatException($"{path}: sequence and label counts differ");
        }

        return (rows, values);
    }

    private static long CheckRows(long count, int maxRows, string path, string member) =>
        count <= maxRows
            ? count
            : throw new DataFormatException(
                $"{path}[{member}]: {count} sequences, far more than this dataset holds (at most {maxRows}); it is not the Keras file: delete it to download it again, or point --data-dir at a good copy");
}
