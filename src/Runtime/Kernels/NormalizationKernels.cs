using AotNet.Data;

namespace AotNet.Kernels;

/// <summary>
/// Keras's <c>Normalization</c> preprocessing layer: <c>adapt</c> (the per-feature mean and biased variance of the
/// training rows) and its call, <c>(x − mean) / max(sqrt(variance), 1e-7)</c> (keras/src/layers/preprocessing/normalization.py,
/// with <c>backend.epsilon()</c> = 1e-7).
/// </summary>
/// <remarks>
/// Both are deliberately scalar: adapting is one pass over the data before training, and applying costs one subtraction
/// and one division per input feature, 1/units of the first dense layer's work. Every operation is a correctly rounded
/// IEEE operation in a fixed order, so the results are the same bits on every thread count, vector width and machine.
/// </remarks>
public static class NormalizationKernels
{
    /// <summary>Keras's <c>backend.epsilon()</c>: the smallest standard deviation a feature is divided by.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// The mean and biased variance (numpy's <c>np.mean</c>, <c>np.var</c> over axis 0, as Keras's <c>adapt</c> of an array)
    /// of every column of <paramref name="data"/>: sums in double over the rows in ascending order (the variance from the
    /// deviations from the mean, two passes), rounded once to float.
    /// </summary>
    public static void Adapt(DenseMatrix data, Span<float> mean, Span<float> variance)
    {
        ArgumentNullException.ThrowIfNull(data);
        int cols = data.Cols;
        if (mean.Length != cols || variance.Length != cols)
        {
            throw new ArgumentException($"mean and variance must hold {cols} values, one per column");
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("cannot adapt a Normalization layer on no rows", nameof(data));
        }

        var sums = new double[cols];
        for (int r = 0; r < data.Rows; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int c = 0; c < cols; c++)
            {
                sums[c] += row[c];
            }
        }

        for (int c = 0; c < cols; c++)
        {
            sums[c] /= data.Rows;
        }

        var squares = new double[cols];
        for (int r = 0; r < data.Rows; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int c = 0; c < cols; c++)
            {
                double d = row[c] - sums[c];
                squares[c] += d * d;
            }
        }

        for (int c = 0; c < cols; c++)
        {
            float m = (float)sums[c];
            float v = (float)(squares[c] / data.Rows);
            if (!float.IsFinite(m) || !float.IsFinite(v))
            {
                throw new ArgumentException($"column {c} of the data has no finite mean and variance (a value is NaN or infinite, or too large for float)", nameof(data));
            }

            mean[c] = m;
            variance[c] = v;
        }
    }

    /// <summary><c>y = (x − mean) / max(sqrt(variance), 1e-7)</c>, element by element (<paramref name="y"/> may be <paramref name="x"/>).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y)
    {
        int n = x.Length;
        if (mean.Length != n || variance.Length != n || y.Length != n)
        {
            throw new ArgumentException("x, mean, variance and y must have the same length");
        }

        for (int i = 0; i < n; i++)
        {
            y[i] = (x[i] - mean[i]) / MathF.Max(MathF.Sqrt(variance[i]), Epsilon);
        }
    }

    /// <summary>Applies <see cref="Apply"/> to each of the first <paramref name="rows"/> rows of a row-major block in place.</summary>
    public static void ApplyRows(Span<float> block, int rows, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance)
    {
        int n = mean.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = block.Slice(r * n, n);
            Apply(row, mean, variance, row);
        }
    }

    /// <summary>Whether <paramref name="mean"/> and <paramref name="variance"/> still hold Keras's initial values (0 and 1 everywhere): not adapted.</summary>
    public static bool IsInitial(ReadOnlySpan<float> mean, ReadOnlySpan<float> variance)
    {
        foreach (float m in mean)
        {
            if (m != 0f)
            {
                return false;
            }
        }

        foreach (float v in variance)
        {
            if (v != 1f)
            {
                return false;
            }
        }

        return true;
    }
}
