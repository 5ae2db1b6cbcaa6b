using CommunityToolkit.HighPerformance;

namespace AotNet.Data;

/// <summary>A row-major float matrix in one allocation.</summary>
public sealed class DenseMatrix
{
    public DenseMatrix(int rows, int cols)
        : this(new float[checked(rows * cols)], rows, cols)
    {
    }

    public DenseMatrix(float[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols != data.Length)
        {
            throw new ArgumentException($"data has {data.Length} values, expected {rows} x {cols}", nameof(data));
        }

        Data = data;
        Rows = rows;
        Cols = cols;
    }

    public float[] Data { get; }

    public int Rows { get; }

    public int Cols { get; }

    public Span<float> Row(int row) => Data.AsSpan(row * Cols, Cols);

    public Span2D<float> AsSpan2D() => new(Data, Rows, Cols);

    /// <summary>A copy of the rows [start, start + count).</summary>
    public DenseMatrix SliceRows(int start, int count)
    {
        var copy = new float[count * Cols];
        Data.AsSpan(start * Cols, count * Cols).CopyTo(copy);
        return new DenseMatrix(copy, count, Cols);
    }
}
