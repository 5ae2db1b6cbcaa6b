using System.Runtime.CompilerServices;

namespace AotNet.Kernels;

/// <summary>Per-sample metrics; the model sums them over the rows of a batch. Sums over outputs run in the <see cref="Reductions"/> order.</summary>
public static class MetricKernels
{
    /// <summary>One output: 1 when <c>(p &gt; 0.5) == (y &gt; 0.5)</c>, else 0.</summary>
    public static float BinaryAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        (predictions[0] > 0.5f) == (targets[0] > 0.5f) ? 1f : 0f;

    /// <summary>1 when the first index of the largest prediction equals the first index of the largest target, else 0.</summary>
    public static float CategoricalAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        ArgMax(predictions) == ArgMax(targets) ? 1f : 0f;

    /// <summary><c>mean_j |p_j − y_j|</c>.</summary>
    public static float MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        if (predictions.Length != targets.Length)
        {
            throw new ArgumentException("lengths differ");
        }

        return LossKernels.Mean(new AbsoluteError(), predictions, targets);
    }

    /// <summary>Index of the first largest value (NaN never wins).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary><c>|p − y|</c>.</summary>
    private readonly struct AbsoluteError : MathKernels.ITerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV p, TV y)
            where TV : struct, ILanes<TV> => TV.AndNot(p - y, TV.Create(-0f));
    }

    /// <summary>Sparse categorical accuracy: 1 when the first index of the largest prediction is the target row's class index, else 0.</summary>
    public static float SparseCategoricalAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> target) =>
        ArgMax(predictions) == LossKernels.SparseLabel(target, predictions.Length) ? 1f : 0f;
}
