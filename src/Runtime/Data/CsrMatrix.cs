namespace AotNet.Data;

/// <summary>
/// A sparse 0/1 matrix in compressed sparse row form: row <c>r</c> has ones at the columns
/// <c>Columns[RowOffsets[r] .. RowOffsets[r + 1])</c>, ascending and without duplicates (multi-hot rows).
/// </summary>
public sealed class CsrMatrix
{
    /// <summary>
    /// Checks the whole matrix: <paramref name="cols"/> not negative; row offsets starting at 0, never decreasing and
    /// ending at the number of columns stored; each row's columns inside [0, cols), ascending, without duplicates
    /// (a duplicate would count its one twice in the product). Throws <see cref="ArgumentException"/> naming the first fault.
    /// </summary>
    public CsrMatrix(int[] rowOffsets, int[] columns, int cols)
        : this(rowOffsets, columns, cols, trusted: false)
    {
    }

    /// <summary>Built from a checked matrix (a slice, a gather of its rows): only the shape is checked again.</summary>
    internal CsrMatrix(int[] rowOffsets, int[] columns, int cols, bool trusted)
    {
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (rowOffsets.Length == 0 || rowOffsets[0] != 0 || rowOffsets[^1] != columns.Length)
        {
            throw new ArgumentException("row offsets must start at 0 and end at the number of columns stored", nameof(rowOffsets));
        }

        if (!trusted)
        {
            Check(rowOffsets, columns, cols);
        }

        RowOffsets = rowOffsets;
        Columns = columns;
        Cols = cols;
    }

    private static void Check(int[] rowOffsets, int[] columns, int cols)
    {
        for (int r = 0; r + 1 < rowOffsets.Length; r++)
        {
            int from = rowOffsets[r], to = rowOffsets[r + 1];
            if (to < from)
            {
                throw new ArgumentException($"row offsets must not decrease: rowOffsets[{r + 1}] = {to} comes after rowOffsets[{r}] = {from}", nameof(rowOffsets));
            }

            for (int i = from; i < to; i++)
            {
                int c = columns[i];
                if ((uint)c >= (uint)cols)
                {
                    throw new ArgumentException($"row {r} has column {c}, outside [0, {cols})", nameof(columns));
                }

                if (i > from && c <= columns[i - 1])
                {
                    throw new ArgumentException(c == columns[i - 1]
                        ? $"row {r} has column {c} twice; each column may be stored once per row"
                        : $"row {r}'s columns are not ascending ({columns[i - 1]} then {c})", nameof(columns));
                }
            }
        }
    }

    public int[] RowOffsets { get; }

    public int[] Columns { get; }

    public int Rows => RowOffsets.Length - 1;

    public int Cols { get; }

    public ReadOnlySpan<int> Row(int row) => Columns.AsSpan(RowOffsets[row], RowOffsets[row + 1] - RowOffsets[row]);

    /// <summary>The rows [start, start + count) as a new matrix.</summary>
    public CsrMatrix SliceRows(int start, int count)
    {
        int from = RowOffsets[start], to = RowOffsets[start + count];
        var offsets = new int[count + 1];
        for (int i = 0; i <= count; i++)
        {
            offsets[i] = RowOffsets[start + i] - from;
        }

        return new CsrMatrix(offsets, Columns.AsSpan(from, to - from).ToArray(), Cols, trusted: true);
    }

    /// <summary>The dense 0/1 view (rows x cols floats).</summary>
    public DenseMatrix ToDense()
    {
        var dense = new DenseMatrix(Rows, Cols);
        for (int r = 0; r < Rows; r++)
        {
            var row = dense.Row(r);
            foreach (int c in Row(r))
            {
                row[c] = 1f;
            }
        }

        return dense;
    }
}
