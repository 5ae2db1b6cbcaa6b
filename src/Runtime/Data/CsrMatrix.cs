namespace AotNet.Data;

/// <summary>
/// A sparse 0/1 matrix in compressed sparse row form: row <c>r</c> has ones at the columns
/// <c>Columns[RowOffsets[r] .. RowOffsets[r + 1])</c>, ascending and without duplicates (multi-hot rows).
/// </summary>
public sealed class CsrMatrix
{
    public CsrMatrix(int[] rowOffsets, int[] columns, int cols)
    {
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(columns);
        if (rowOffsets.Length == 0 || rowOffsets[0] != 0 || rowOffsets[^1] != columns.Length)
        {
            throw new ArgumentException("row offsets must start at 0 and end at the number of columns stored", nameof(rowOffsets));
        }

        RowOffsets = rowOffsets;
        Columns = columns;
        Cols = cols;
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

        return new CsrMatrix(offsets, Columns.AsSpan(from, to - from).ToArray(), Cols);
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
