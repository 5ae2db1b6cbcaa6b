using System.Numerics.Tensors;

namespace AotNet.Kernels;

/// <summary>
/// Keras 3's <c>LayerNormalization</c> over the features of each row of a row-major block <c>[rows, units]</c>
/// (keras/src/layers/normalization/layer_normalization.py, epsilon 1e-3): <c>y = γ · (z − mean) / sqrt(variance + ε) + β</c>
/// with the row's mean and biased variance; the same in training and inference.
/// </summary>
/// <remarks>A row's sums are <see cref="Reductions"/>' fixed-order sums; the gradients of γ and β are column sums in the order of
/// the summation contract (<see cref="BatchNormKernels.ColumnSums(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>); everything else is element-wise and correctly rounded:
/// the same bits for any thread count, vector width and machine.</remarks>
public static class LayerNormKernels
{
    /// <summary>Keras 3's default epsilon.</summary>
    public const double DefaultEpsilon = 1e-3;

    /// <summary>
    /// Each row: <c>mean = Σ z / units</c>, <c>variance = Σ (z − mean)² / units</c>, <c>inv = 1 / sqrt(variance + ε)</c>
    /// (kept in <paramref name="inv"/>, one per row, for <see cref="Backward"/>), <c>xhat = (z − mean) · inv</c>,
    /// <c>y = xhat · γ + β</c> rounded once.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> z, Span<float> xhat, Span<float> y, int rows, int units,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> inv, double epsilon)
    {
        float eps = (float)epsilon;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> zr = z.Slice(r * units, units);
            Span<float> xr = xhat.Slice(r * units, units);
            float mean = Reductions.Sum(zr) / units;
            TensorPrimitives.Subtract(zr, mean, xr);
            float variance = Reductions.Dot(xr, xr) / units;
            float i = 1f / MathF.Sqrt(variance + eps);
            inv[r] = i;
            TensorPrimitives.Multiply(xr, i, xr);
            TensorPrimitives.FusedMultiplyAdd(xr, gamma.Slice(0, units), beta.Slice(0, units), y.Slice(r * units, units));
        }
    }

    /// <summary>
    /// Backward: <paramref name="dy"/> holds <c>∂L/∂y</c> and becomes <c>∂L/∂z</c>; <c>∂L/∂γ = Σ_rows dy · xhat</c>,
    /// <c>∂L/∂β = Σ_rows dy</c> go to <paramref name="dGamma"/>, <paramref name="dBeta"/> (added when <paramref name="accumulate"/>).
    /// Per row, with <c>g = dy · γ</c>: <c>dz = (inv / units) · ((units · g − Σ g) − xhat · Σ(g · xhat))</c>.
    /// <paramref name="scratch"/>: rows × units floats; <paramref name="sums"/>: 2 × units floats.
    /// </summary>
    public static void Backward(Span<float> dy, ReadOnlySpan<float> xhat, int rows, int units, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> inv, Span<float> dGamma, Span<float> dBeta, bool accumulate, Span<float> scratch, Span<float> sums)
    {
        ParameterGradients(dy, xhat, rows, units, 0, units, dGamma, dBeta, accumulate, scratch, sums);
        InputGradient(dy, xhat, rows, units, gamma, inv, scratch);
    }

    /// <summary>
    /// The first half of <see cref="Backward"/>, for units [<paramref name="from"/>, <paramref name="to"/>) (each a column sum
    /// of its own, so disjoint ranges give the bits of all units at once): <c>∂L/∂γ = Σ_rows dy · xhat</c> and
    /// <c>∂L/∂β = Σ_rows dy</c>. <paramref name="dy"/> is read only.
    /// </summary>
    public static void ParameterGradients(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, int rows, int units, int from, int to,
        Span<float> dGamma, Span<float> dBeta, bool accumulate, Span<float> scratch, Span<float> sums)
    {
        int width = to - from;
        Span<float> sumDy = sums.Slice(0, units), sumDyXhat = sums.Slice(units, units);
        BatchNormKernels.ColumnSums(dy, rows, units, from, to, sumDy);
        for (int r = 0; r < rows; r++)
        {
            int at = (r * units) + from;
            TensorPrimitives.Multiply(dy.Slice(at, width), xhat.Slice(at, width), scratch.Slice(at, width));
        }

        BatchNormKernels.ColumnSums(scratch, rows, units, from, to, sumDyXhat);
        if (accumulate)
        {
            TensorPrimitives.Add(dGamma.Slice(from, width), sumDyXhat.Slice(from, width), dGamma.Slice(from, width));
            TensorPrimitives.Add(dBeta.Slice(from, width), sumDy.Slice(from, width), dBeta.Slice(from, width));
        }
        else
        {
            sumDyXhat.Slice(from, width).CopyTo(dGamma.Slice(from, width));
            sumDy.Slice(from, width).CopyTo(dBeta.Slice(from, width));
        }
    }

    /// <summary>
    /// The second half of <see cref="Backward"/> (after <see cref="ParameterGradients"/> of every unit): each row's
    /// <c>∂L/∂z</c> over <paramref name="dy"/> in place, a row on its own (a block of some of the rows gives their bits).
    /// <paramref name="inv"/> holds the block's rows' values; <paramref name="scratch"/>: rows × units floats.
    /// </summary>
    public static void InputGradient(Span<float> dy, ReadOnlySpan<float> xhat, int rows, int units, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> inv, Span<float> scratch)
    {
        float n = units;
        for (int r = 0; r < rows; r++)
        {
            Span<float> d = dy.Slice(r * units, units);
            Span<float> g = scratch.Slice(r * units, units);
            ReadOnlySpan<float> xr = xhat.Slice(r * units, units);
            TensorPrimitives.Multiply(d, gamma.Slice(0, units), g);
            float sumG = Reductions.Sum(g);
            float sumGX = Reductions.Dot(g, xr);
            float k = inv[r] / n;
            TensorPrimitives.Multiply(g, n, d);
            TensorPrimitives.Subtract(d, sumG, d);
            TensorPrimitives.Multiply(xr, sumGX, g);
            TensorPrimitives.Subtract(d, g, d);
            TensorPrimitives.Multiply(d, k, d);
        }
    }
}
