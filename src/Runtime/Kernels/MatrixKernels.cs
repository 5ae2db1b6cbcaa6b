namespace AotNet.Kernels;

/// <summary>
/// Batch-major kernels of a dense layer over a block of rows (row-major matrices with explicit leading dimensions).
/// Placeholder scalar implementation of the contract (to be replaced by the register-blocked kernels).
/// </summary>
public static class MatrixKernels
{
    /// <summary><c>y[r, n] = act(b[n] + Σ_k x[r, k] · w[k, n])</c>, one FMA chain per output from <c>b[n]</c>, k ascending.</summary>
    public static void Forward(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> w, int ldw, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, int rows, int inputs, int units, bool relu)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int n = 0; n < units; n++)
            {
                float acc = bias[n];
                for (int k = 0; k < inputs; k++)
                {
                    acc = MathF.FusedMultiplyAdd(x[(r * ldx) + k], w[(k * ldw) + n], acc);
                }

                y[(r * ldy) + n] = relu ? MathF.Max(acc, 0f) : acc;
            }
        }
    }

    /// <summary><c>dx[r, k] = Reductions.Dot(dy[r, :], w[k, :])</c>, zero where <c>!(reluOf[r, k] &gt; 0)</c> when given.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, int lddy, ReadOnlySpan<float> w, int ldw, Span<float> dx, int lddx,
        ReadOnlySpan<float> reluOf, int rows, int inputs, int units)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < inputs; k++)
            {
                if (!reluOf.IsEmpty && !(reluOf[(r * lddx) + k] > 0f))
                {
                    dx[(r * lddx) + k] = 0f;
                    continue;
                }

                dx[(r * lddx) + k] = Reductions.Dot(dy.Slice(r * lddy, units), w.Slice(k * ldw, units));
            }
        }
    }

    /// <summary><c>acc[k, n] = Σ_r x[r, k] · dy[r, n]</c> from +0, r ascending; <c>dw = accumulate ? dw + acc : acc</c>.</summary>
    public static void BackwardWeights(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> dy, int lddy, Span<float> dw, int lddw,
        int rows, int inputs, int units, bool accumulate)
    {
        for (int k = 0; k < inputs; k++)
        {
            for (int n = 0; n < units; n++)
            {
                float acc = 0f;
                for (int r = 0; r < rows; r++)
                {
                    acc = MathF.FusedMultiplyAdd(x[(r * ldx) + k], dy[(r * lddy) + n], acc);
                }

                ref float d = ref dw[(k * lddw) + n];
                d = accumulate ? d + acc : acc;
            }
        }
    }

    /// <summary><c>acc[n] = Σ_r dy[r, n]</c> from +0, r ascending; <c>db = accumulate ? db + acc : acc</c>.</summary>
    public static void BiasGradient(ReadOnlySpan<float> dy, int lddy, Span<float> db, int rows, int units, bool accumulate)
    {
        for (int n = 0; n < units; n++)
        {
            float acc = 0f;
            for (int r = 0; r < rows; r++)
            {
                acc += dy[(r * lddy) + n];
            }

            db[n] = accumulate ? db[n] + acc : acc;
        }
    }
}
