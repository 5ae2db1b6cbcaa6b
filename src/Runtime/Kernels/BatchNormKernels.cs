using System.Numerics.Tensors;
using AotNet.Training;

namespace AotNet.Kernels;

/// <summary>
/// Keras 3's <c>BatchNormalization</c> over a row-major block <c>[rows, units]</c> (keras/src/layers/normalization/batch_normalization.py):
/// training normalises with the batch's mean and biased variance and updates the moving statistics
/// (<c>moving = moving · momentum + batch · (1 − momentum)</c>); inference normalises with the moving statistics.
/// <c>y = γ · (z − mean) / sqrt(variance + ε) + β</c>.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> Every sum over rows (the batch mean and variance, the gradients of γ and β and the two sums of the
/// backward pass) is a column sum in the order of the summation contract of <see cref="TrainingContext"/>: per chunk of
/// <see cref="TrainingContext.ChunkRows"/> rows one chain from +0 over the chunk's rows in ascending order
/// (<see cref="MatrixKernels.BiasGradient"/>), the chunk sums added in chunk order. Every other operation is element-wise and
/// correctly rounded (TensorPrimitives' element-wise operations), so the results are the same bits for any thread count,
/// vector width and machine.</para>
/// <para>The variance is the mean of the squared deviations from the batch mean (two passes): Keras computes
/// <c>E[z²] − E[z]²</c>, the same value in exact arithmetic, which cancels badly in float; both are the biased variance.</para>
/// </remarks>
public static class BatchNormKernels
{
    /// <summary>Keras's default momentum of the moving statistics.</summary>
    public const double DefaultMomentum = 0.99;

    /// <summary>Keras 3's default epsilon.</summary>
    public const double DefaultEpsilon = 1e-3;

    /// <summary>
    /// <c>sums[j] = Σ_r block[r, j]</c> over the first <paramref name="rows"/> rows in the order of the summation contract
    /// (256-row chunks ascending, each from +0, chunk sums added in chunk order).
    /// </summary>
    public static void ColumnSums(ReadOnlySpan<float> block, int rows, int units, Span<float> sums)
    {
        if (rows == 0)
        {
            sums.Slice(0, units).Clear();
            return;
        }

        for (int start = 0; start < rows; start += TrainingContext.ChunkRows)
        {
            int count = Math.Min(TrainingContext.ChunkRows, rows - start);
            MatrixKernels.BiasGradient(block.Slice(start * units, count * units), units, sums, count, units, accumulate: start > 0);
        }
    }

    /// <summary>
    /// The training pass over a batch of <paramref name="rows"/> rows: the batch statistics, <paramref name="xhat"/> =
    /// <c>(z − mean) · inv</c>, <paramref name="y"/> = <c>xhat · γ + β</c> (one rounding), the moving statistics updated, and
    /// <paramref name="inv"/> = <c>1 / sqrt(variance + ε)</c> per unit for <see cref="Backward"/>. <paramref name="mean"/> is
    /// scratch of <paramref name="units"/> floats.
    /// </summary>
    public static void ForwardTraining(
        ReadOnlySpan<float> z, Span<float> xhat, Span<float> y, int rows, int units,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> movingMean, Span<float> movingVariance,
        Span<float> mean, Span<float> inv, double momentum, double epsilon)
    {
        CheckBlocks(z.Length, xhat.Length, y.Length, rows, units);
        int length = rows * units;
        ColumnSums(z, rows, units, mean);
        TensorPrimitives.Divide(mean.Slice(0, units), (float)rows, mean.Slice(0, units));
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Subtract(z.Slice(r * units, units), mean.Slice(0, units), xhat.Slice(r * units, units));
        }

        TensorPrimitives.Multiply(xhat.Slice(0, length), xhat.Slice(0, length), y.Slice(0, length)); // squared deviations (y as scratch)
        ColumnSums(y, rows, units, inv);
        float keep = (float)momentum, take = (float)(1.0 - momentum), eps = (float)epsilon;
        for (int j = 0; j < units; j++)
        {
            float variance = inv[j] / rows;
            movingMean[j] = (movingMean[j] * keep) + (mean[j] * take);
            movingVariance[j] = (movingVariance[j] * keep) + (variance * take);
            inv[j] = 1f / MathF.Sqrt(variance + eps);
        }

        Scale(xhat, y, rows, units, inv, gamma, beta);
    }

    /// <summary>
    /// Inference: <c>y = ((z − movingMean) · inv) · γ + β</c> with <c>inv = 1 / sqrt(movingVariance + ε)</c> (the same
    /// operations as training with the batch statistics). <paramref name="inv"/> is scratch of <paramref name="units"/> floats.
    /// </summary>
    public static void ForwardInference(
        ReadOnlySpan<float> z, Span<float> y, int rows, int units, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, Span<float> inv, double epsilon)
    {
        CheckBlocks(z.Length, y.Length, y.Length, rows, units);
        float eps = (float)epsilon;
        for (int j = 0; j < units; j++)
        {
            inv[j] = 1f / MathF.Sqrt(movingVariance[j] + eps);
        }

        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Subtract(z.Slice(r * units, units), movingMean.Slice(0, units), y.Slice(r * units, units));
        }

        Scale(y, y, rows, units, inv, gamma, beta);
    }

    /// <summary>
    /// Backward through the training pass: <paramref name="dy"/> holds <c>∂L/∂y</c> and becomes <c>∂L/∂z</c>
    /// (the gradient through the batch statistics), <c>∂L/∂γ = Σ dy · xhat</c> and <c>∂L/∂β = Σ dy</c> go to
    /// <paramref name="dGamma"/> and <paramref name="dBeta"/> (added when <paramref name="accumulate"/>).
    /// <c>dz = (γ · inv / n) · ((n · dy − Σ dy) − xhat · Σ(dy · xhat))</c>. <paramref name="scratch"/>: rows × units floats;
    /// <paramref name="sums"/>: 3 × units floats.
    /// </summary>
    public static void Backward(
        Span<float> dy, ReadOnlySpan<float> xhat, int rows, int units, ReadOnlySpan<float> gamma, ReadOnlySpan<float> inv,
        Span<float> dGamma, Span<float> dBeta, bool accumulate, Span<float> scratch, Span<float> sums)
    {
        CheckBlocks(dy.Length, xhat.Length, scratch.Length, rows, units);
        int length = rows * units;
        Span<float> sumDy = sums.Slice(0, units), sumDyXhat = sums.Slice(units, units), k = sums.Slice(2 * units, units);
        ColumnSums(dy, rows, units, sumDy);
        TensorPrimitives.Multiply(dy.Slice(0, length), xhat.Slice(0, length), scratch.Slice(0, length));
        ColumnSums(scratch, rows, units, sumDyXhat);
        if (accumulate)
        {
            TensorPrimitives.Add(dGamma.Slice(0, units), sumDyXhat, dGamma.Slice(0, units));
            TensorPrimitives.Add(dBeta.Slice(0, units), sumDy, dBeta.Slice(0, units));
        }
        else
        {
            sumDyXhat.CopyTo(dGamma);
            sumDy.CopyTo(dBeta);
        }

        float n = rows;
        for (int j = 0; j < units; j++)
        {
            k[j] = gamma[j] * inv[j] / n;
        }

        for (int r = 0; r < rows; r++)
        {
            Span<float> d = dy.Slice(r * units, units);
            Span<float> t = scratch.Slice(r * units, units);
            TensorPrimitives.Multiply(xhat.Slice(r * units, units), sumDyXhat, t); // xhat · Σ(dy · xhat)
            TensorPrimitives.Multiply(d, n, d);
            TensorPrimitives.Subtract(d, sumDy, d);
            TensorPrimitives.Subtract(d, t, d);
            TensorPrimitives.Multiply(d, k, d);
        }
    }

    /// <summary><c>xhat = xhat · inv</c> (per unit) in place, then <c>y = xhat · γ + β</c> rounded once.</summary>
    private static void Scale(Span<float> xhat, Span<float> y, int rows, int units, ReadOnlySpan<float> inv, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = xhat.Slice(r * units, units);
            TensorPrimitives.Multiply(row, inv.Slice(0, units), row);
            TensorPrimitives.FusedMultiplyAdd(row, gamma.Slice(0, units), beta.Slice(0, units), y.Slice(r * units, units));
        }
    }

    private static void CheckBlocks(int a, int b, int c, int rows, int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        long length = (long)rows * units;
        if (a < length || b < length || c < length)
        {
            throw new ArgumentException($"the blocks must hold {rows} rows of {units} floats");
        }
    }
}
