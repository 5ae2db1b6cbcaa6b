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
    public static void ColumnSums(ReadOnlySpan<float> block, int rows, int units, Span<float> sums) =>
        ColumnSums(block, rows, units, 0, units, sums);

    /// <summary>
    /// <see cref="ColumnSums(ReadOnlySpan{float}, int, int, Span{float})"/> of columns [<paramref name="from"/>,
    /// <paramref name="to"/>) of a block whose rows hold <paramref name="units"/> floats: each column's chain is the same
    /// whichever columns are summed with it, so a range gives the bits of the whole.
    /// </summary>
    public static void ColumnSums(ReadOnlySpan<float> block, int rows, int units, int from, int to, Span<float> sums)
    {
        int width = to - from;
        if (rows == 0)
        {
            sums.Slice(from, width).Clear();
            return;
        }

        if (width <= 0)
        {
            return;
        }

        for (int start = 0; start < rows; start += TrainingContext.ChunkRows)
        {
            int count = Math.Min(TrainingContext.ChunkRows, rows - start);
            MatrixKernels.BiasGradient(block.Slice((start * units) + from, ((count - 1) * units) + width), units, sums.Slice(from, width), count, width, accumulate: start > 0);
        }
    }

    /// <summary>
    /// The training pass over a batch of <paramref name="rows"/> rows: the batch statistics, <paramref name="xhat"/> =
    /// <c>(z − mean) · inv</c>, <paramref name="y"/> = <c>xhat · γ + β</c> (one rounding), the moving statistics updated, and
    /// <paramref name="inv"/> = <c>1 / sqrt(variance + ε)</c> per unit for the backward pass. <paramref name="mean"/> is
    /// scratch of <paramref name="units"/> floats.
    /// </summary>
    public static void ForwardTraining(
        ReadOnlySpan<float> z, Span<float> xhat, Span<float> y, int rows, int units,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> movingMean, Span<float> movingVariance,
        Span<float> mean, Span<float> inv, double momentum, double epsilon) =>
        ForwardTraining(z, xhat, y, rows, units, 0, units, gamma, beta, movingMean, movingVariance, mean, inv, momentum, epsilon);

    /// <summary>
    /// <see cref="ForwardTraining(ReadOnlySpan{float}, Span{float}, Span{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, double, double)"/>
    /// of units [<paramref name="from"/>, <paramref name="to"/>) only: every operation of the layer is within one unit's
    /// column, so the workers of a batch may take disjoint unit ranges and produce the bits of one pass over all units.
    /// </summary>
    public static void ForwardTraining(
        ReadOnlySpan<float> z, Span<float> xhat, Span<float> y, int rows, int units, int from, int to,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> movingMean, Span<float> movingVariance,
        Span<float> mean, Span<float> inv, double momentum, double epsilon)
    {
        CheckBlocks(z.Length, xhat.Length, y.Length, rows, units);
        CheckRange(from, to, units);
        int width = to - from;
        ColumnSums(z, rows, units, from, to, mean);
        TensorPrimitives.Divide(mean.Slice(from, width), (float)rows, mean.Slice(from, width));
        for (int r = 0; r < rows; r++)
        {
            int at = (r * units) + from;
            TensorPrimitives.Subtract(z.Slice(at, width), mean.Slice(from, width), xhat.Slice(at, width));
            TensorPrimitives.Multiply(xhat.Slice(at, width), xhat.Slice(at, width), y.Slice(at, width)); // squared deviations (y as scratch)
        }

        ColumnSums(y, rows, units, from, to, inv);
        float keep = (float)momentum, take = (float)(1.0 - momentum), eps = (float)epsilon;
        for (int j = from; j < to; j++)
        {
            float variance = inv[j] / rows;
            movingMean[j] = (movingMean[j] * keep) + (mean[j] * take);
            movingVariance[j] = (movingVariance[j] * keep) + (variance * take);
            inv[j] = 1f / MathF.Sqrt(variance + eps);
        }

        Scale(xhat, y, rows, units, from, to, inv, gamma, beta);
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

        Scale(y, y, rows, units, 0, units, inv, gamma, beta);
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
        Span<float> dGamma, Span<float> dBeta, bool accumulate, Span<float> scratch, Span<float> sums) =>
        Backward(dy, xhat, rows, units, 0, units, gamma, inv, dGamma, dBeta, accumulate, scratch, sums);

    /// <summary>
    /// <see cref="Backward(Span{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool, Span{float}, Span{float})"/>
    /// of units [<paramref name="from"/>, <paramref name="to"/>) only (each unit's column on its own, as the forward): the
    /// blocks, <paramref name="scratch"/> and <paramref name="sums"/> keep the layout of all <paramref name="units"/>.
    /// </summary>
    public static void Backward(
        Span<float> dy, ReadOnlySpan<float> xhat, int rows, int units, int from, int to, ReadOnlySpan<float> gamma, ReadOnlySpan<float> inv,
        Span<float> dGamma, Span<float> dBeta, bool accumulate, Span<float> scratch, Span<float> sums)
    {
        CheckBlocks(dy.Length, xhat.Length, scratch.Length, rows, units);
        CheckRange(from, to, units);
        int width = to - from;
        Span<float> sumDy = sums.Slice(0, units), sumDyXhat = sums.Slice(units, units), k = sums.Slice(2 * units, units);
        ColumnSums(dy, rows, units, from, to, sumDy);
        for (int r = 0; r < rows; r++)
        {
            int at = (r * units) + from;
            TensorPrimitives.Multiply(dy.Slice(at, width), xhat.Slice(at, width), scratch.Slice(at, width));
        }

        ColumnSums(scratch, rows, units, from, to, sumDyXhat);
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

        float n = rows;
        for (int j = from; j < to; j++)
        {
            k[j] = gamma[j] * inv[j] / n;
        }

        for (int r = 0; r < rows; r++)
        {
            int at = (r * units) + from;
            Span<float> d = dy.Slice(at, width);
            Span<float> t = scratch.Slice(at, width);
            TensorPrimitives.Multiply(xhat.Slice(at, width), sumDyXhat.Slice(from, width), t); // xhat · Σ(dy · xhat)
            TensorPrimitives.Multiply(d, n, d);
            TensorPrimitives.Subtract(d, sumDy.Slice(from, width), d);
            TensorPrimitives.Subtract(d, t, d);
            TensorPrimitives.Multiply(d, k.Slice(from, width), d);
        }
    }

    /// <summary><c>xhat = xhat · inv</c> (per unit) in place, then <c>y = xhat · γ + β</c> rounded once, over units [from, to).</summary>
    private static void Scale(Span<float> xhat, Span<float> y, int rows, int units, int from, int to, ReadOnlySpan<float> inv, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        int width = to - from;
        for (int r = 0; r < rows; r++)
        {
            int at = (r * units) + from;
            Span<float> row = xhat.Slice(at, width);
            TensorPrimitives.Multiply(row, inv.Slice(from, width), row);
            TensorPrimitives.FusedMultiplyAdd(row, gamma.Slice(from, width), beta.Slice(from, width), y.Slice(at, width));
        }
    }

    private static void CheckRange(int from, int to, int units)
    {
        if (from < 0 || to > units || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"units [{from}, {to}) lie outside [0, {units})");
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
