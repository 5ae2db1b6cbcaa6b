using CommunityToolkit.HighPerformance;

namespace AotNet.Data;

/// <summary>A row-major float matrix in one allocation.</summary>
public sealed class DenseMatrix
{
    /// <summary>A zero matrix; <paramref name="rows"/> and <paramref name="cols"/> must not be negative, nor their product exceed <see cref="Array.MaxLength"/>.</summary>
    public DenseMatrix(int rows, int cols)
        : this(new float[Size(rows, cols)], rows, cols)
    {
    }

    private static int Size(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long size = (long)rows * cols;
        return size <= Array.MaxLength ? (int)size : throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} x {cols} values do not fit in one array (at most {Array.MaxLength})");
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
