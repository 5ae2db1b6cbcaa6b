using AotNet.Data;

namespace AotNet.Tests.Data;

/// <summary>Issue 21 item 12: the matrices refuse what would silently change results or fail later with a vague error.</summary>
public sealed class MatrixValidationTests
{
    [Fact]
    public void Csr_duplicate_columns_in_a_row_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new CsrMatrix([0, 3], [1, 4, 4], 10));
        Assert.Contains("row 0 has column 4 twice", e.Message);
        Assert.Contains("not ascending", Assert.Throws<ArgumentException>(() => new CsrMatrix([0, 2], [5, 1], 10)).Message);
        Assert.Contains("outside [0, 10)", Assert.Throws<ArgumentException>(() => new CsrMatrix([0, 1], [10], 10)).Message);
        Assert.Contains("outside [0, 10)", Assert.Throws<ArgumentException>(() => new CsrMatrix([0, 1], [-1], 10)).Message);
    }

    [Fact]
    public void Csr_negative_cols_and_decreasing_row_offsets_are_refused_with_what_is_wrong()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsrMatrix([0, 0], [], -4));
        var e = Assert.Throws<ArgumentException>(() => new CsrMatrix([0, 3, 1, 4], [1, 2, 3, 4], 10));
        Assert.Contains("row offsets must not decrease: rowOffsets[2] = 1 comes after rowOffsets[1] = 3", e.Message);
        Assert.Equal(2, new CsrMatrix([0, 2, 2, 3], [1, 2, 0], 3).Row(0).Length); // empty rows are fine
    }

    [Fact]
    public void DenseMatrix_negative_or_too_large_sizes_are_argument_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseMatrix(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseMatrix(5, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseMatrix(1 << 16, 1 << 16));
        Assert.Empty(new DenseMatrix(0, 5).Data);
    }
}
