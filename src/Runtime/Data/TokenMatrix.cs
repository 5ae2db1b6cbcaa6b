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
/// only, before a step. Immutable: the largest id and the padding-only rows are counted once, when it is made (the one
/// exception: the internal buffer a <see cref="Training.Predictor{TModel}"/> refills, counted again at each refill).
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
        Length = length;
        Count(rows);
    }

    /// <summary>
    /// A buffer of up to <paramref name="capacity"/> rows that its owner refills (<see cref="Training.Predictor{TModel}"/>): write ids
    /// into <see cref="Buffer"/>, then <see cref="Reload"/> the rows written. Not for matrices that leave their owner.
    /// </summary>
    internal TokenMatrix(int capacity, int length)
        : this(new int[checked(capacity * length)], capacity, length)
    {
    }

    /// <summary>The ids of a buffer matrix (see <see cref="TokenMatrix(int, int)"/>), all of its capacity.</summary>
    internal Span<int> Buffer => _ids;

    /// <summary>Sequences.</summary>
    public int Rows { get; private set; }

    /// <summary>Ids per sequence (the model's declared length).</summary>
    public int Length { get; }

    /// <summary>The largest id (0 for an empty matrix).</summary>
    public int MaxId { get; private set; }

    /// <summary>The first row holding only padding (id 0), or −1.</summary>
    public int FirstEmptyRow { get; private set; } = -1;

    /// <summary>The ids of the <see cref="Rows"/> rows (a buffer matrix may hold more).</summary>
    private ReadOnlySpan<int> Ids => new(_ids, 0, Rows * Length);

    /// <summary>
    /// A buffer matrix now holds the first <paramref name="rows"/> rows of <see cref="Buffer"/>: counts them again (largest
    /// id, first padding-only row) as the constructor does.
    /// </summary>
    internal void Reload(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, _ids.Length / Length);
        Count(rows);
    }

    /// <summary>Sets <see cref="Rows"/>, <see cref="MaxId"/> and <see cref="FirstEmptyRow"/> from the first <paramref name="rows"/> rows.</summary>
    private void Count(int rows)
    {
        int maxId = 0, firstEmpty = -1;
        for (int r = 0; r < rows; r++)
        {
            bool empty = true;
            foreach (int id in _ids.AsSpan(r * Length, Length))
            {
                if (id < 0)
                {
                    throw new ArgumentException($"row {r} holds the token id {id}: ids are >= 0 (0 is padding)", "ids");
                }

                maxId = Math.Max(maxId, id);
                empty &= id == 0;
            }

            if (empty && firstEmpty < 0)
            {
                firstEmpty = r;
            }
        }

        Rows = rows;
        MaxId = maxId;
        FirstEmptyRow = firstEmpty;
    }

    /// <summary>Row <paramref name="row"/>'s ids.</summary>
    public ReadOnlySpan<int> Row(int row) => new(_ids, checked(row * Length), Length);

    /// <summary>The row holding <paramref name="id"/> first, for messages (−1 when none).</summary>
    public int RowOf(int id)
    {
        int index = Ids.IndexOf(id);
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

        return new TokenMatrix([.. a.Ids, .. b.Ids], a.Rows + b.Rows, a.Length);
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
