namespace AotNet.Data;

/// <summary>Where <see cref="TokenMatrix.Pad"/> adds padding or cuts a long sequence (Keras's <c>padding</c> / <c>truncating</c>).</summary>
public enum SequenceEnd
{
    /// <summary>At the start (Keras's default <c>"pre"</c>): padding goes before the ids, truncation keeps the last ids.</summary>
    Pre = 0,

    /// <summary>At the end (<c>"post"</c>): padding goes after the ids, truncation keeps the first ids.</summary>
    Post = 1,
}

/// <summary>
/// The inputs of a model whose first layer is <see cref="EmbeddingAttribute"/>: <see cref="Rows"/> sequences of
/// <see cref="Length"/> token ids each (row-major), padded to the length the model declares in <c>[Sequential(length)]</c>.
/// Ids are never negative (refused here); the model refuses ids ≥ its vocabulary and, with <c>MaskZero</c>, rows of padding
/// only, before a step. Immutable: the largest id and the padding-only rows are counted once, when it is made.
/// </summary>
public sealed class TokenMatrix
{
    private readonly int[] _ids;

    /// <summary>Wraps <paramref name="ids"/> (<c>rows × length</c>, row-major; not copied, so do not change it afterwards).</summary>
    /// <exception cref="ArgumentException">The sizes do not match, or an id is negative.</exception>
    public TokenMatrix(int[] ids, int rows, int length)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if ((long)rows * length != ids.Length)
        {
            throw new ArgumentException($"{ids.Length} ids are not {rows} rows of {length}", nameof(ids));
        }

        _ids = ids;
        Rows = rows;
        Length = length;
        FirstEmptyRow = -1;
        for (int r = 0; r < rows; r++)
        {
            bool empty = true;
            foreach (int id in ids.AsSpan(r * length, length))
            {
                if (id < 0)
                {
                    throw new ArgumentException($"row {r} holds the token id {id}: ids are >= 0 (0 is padding)", nameof(ids));
                }

                MaxId = Math.Max(MaxId, id);
                empty &= id == 0;
            }

            if (empty && FirstEmptyRow < 0)
            {
                FirstEmptyRow = r;
            }
        }
    }

    /// <summary>Sequences.</summary>
    public int Rows { get; }

    /// <summary>Ids per sequence (the model's declared length).</summary>
    public int Length { get; }

    /// <summary>The largest id (0 for an empty matrix).</summary>
    public int MaxId { get; }

    /// <summary>The first row holding only padding (id 0), or −1.</summary>
    public int FirstEmptyRow { get; }

    /// <summary>Row <paramref name="row"/>'s ids.</summary>
    public ReadOnlySpan<int> Row(int row) => new(_ids, checked(row * Length), Length);

    /// <summary>The row holding <paramref name="id"/> first, for messages (−1 when none).</summary>
    public int RowOf(int id)
    {
        int index = Array.IndexOf(_ids, id);
        return index < 0 ? -1 : index / Length;
    }

    /// <summary>A copy of rows [start, start + count).</summary>
    public TokenMatrix SliceRows(int start, int count) => new(_ids.AsSpan(checked(start * Length), checked(count * Length)).ToArray(), count, Length);

    /// <summary>A copy of the given rows, in the given order.</summary>
    public TokenMatrix Gather(ReadOnlySpan<int> rows)
    {
        var ids = new int[checked(rows.Length * Length)];
        for (int i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(ids.AsSpan(i * Length, Length));
        }

        return new TokenMatrix(ids, rows.Length, Length);
    }

    /// <summary>The rows of <paramref name="a"/> then those of <paramref name="b"/>.</summary>
    public static TokenMatrix Concat(TokenMatrix a, TokenMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"sequences of {a.Length} and {b.Length} ids cannot be joined", nameof(b));
        }

        return new TokenMatrix([.. a._ids, .. b._ids], a.Rows + b.Rows, a.Length);
    }

    /// <summary>
    /// Keras's <c>pad_sequences(sequences, maxlen=length, padding, truncating, value=0)</c>: each sequence padded with 0 or
    /// cut to <paramref name="length"/> ids; by default (<see cref="SequenceEnd.Pre"/>) padding goes first and a long sequence
    /// keeps its last ids.
    /// </summary>
    public static TokenMatrix Pad(IntSequences sequences, int length, SequenceEnd padding = SequenceEnd.Pre, SequenceEnd truncating = SequenceEnd.Pre)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var ids = new int[checked(sequences.Count * length)];
        for (int r = 0; r < sequences.Count; r++)
        {
            var sequence = sequences[r];
            if (sequence.Length > length)
            {
                sequence = truncating == SequenceEnd.Pre ? sequence[^length..] : sequence[..length];
            }

            int start = padding == SequenceEnd.Pre ? length - sequence.Length : 0;
            sequence.CopyTo(ids.AsSpan((r * length) + start, sequence.Length));
        }

        return new TokenMatrix(ids, sequences.Count, length);
    }

    /// <summary>
    /// Sequences already padded by the caller, each exactly <paramref name="length"/> ids (no truncation: a longer one is
    /// an error naming it; use <see cref="Pad"/> to cut).
    /// </summary>
    public static TokenMatrix FromRows(IReadOnlyList<int[]> rows, int length)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ids = new int[checked(rows.Count * length)];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != length)
            {
                throw new ArgumentException($"sequence {r} has {rows[r].Length} ids; the model takes {length} (pad or cut with TokenMatrix.Pad)", nameof(rows));
            }

            rows[r].CopyTo(ids, r * length);
        }

        return new TokenMatrix(ids, rows.Count, length);
    }
}
