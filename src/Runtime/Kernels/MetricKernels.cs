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
    private readonly struct AbsoluteError : IBinaryLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV>(TV p, TV y)
            where TV : struct, ILanes<TV> => TV.AndNot(p - y, TV.Create(-0f));
    }

    /// <summary>Sparse categorical accuracy: 1 when the first index of the largest prediction is the target row's class index, else 0.</summary>
    public static float SparseCategoricalAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> target) =>
        ArgMax(predictions) == LossKernels.SparseLabel(target, predictions.Length) ? 1f : 0f;

    /// <summary><c>mean_j (p_j − y_j)²</c>: the same floats as <see cref="LossKernels.MeanSquaredError"/>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        LossKernels.MeanSquaredError(predictions, targets);

    /// <summary>
    /// Keras's AUC bucket of a prediction (200 evenly spaced thresholds): <c>max(0, ceil(clip(p, 0, 1) · 199) − 1)</c>
    /// in float, so bucket <c>b</c> holds <c>b/199 &lt; p ≤ (b+1)/199</c> and bucket 0 also <c>p = 0</c>; NaN goes to 0.
    /// </summary>
    public static int AucBucket(float prediction)
    {
        float p = Math.Clamp(prediction, 0f, 1f);
        if (!(p > 0f))
        {
            return 0;
        }

        return Math.Max(0, (int)MathF.Ceiling(p * (Training.MetricValues.AucThresholds - 1)) - 1);
    }

    /// <summary>
    /// Adds one row of a one-unit model to the confusion counts (precision and recall at threshold
    /// 0.5, <c>p &gt; 0.5</c> predicted positive, a target ≠ 0 positive, as Keras casts it to bool) and, when
    /// <paramref name="aucCounters"/> is not empty, to the AUC bucket counts.
    /// </summary>
    public static void CountConfusion(float prediction, float target, ref long truePositives, ref long falsePositives, ref long falseNegatives, Span<long> aucCounters)
    {
        bool positive = target != 0f, predicted = prediction > 0.5f;
        if (predicted)
        {
            if (positive)
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }
        }
        else if (positive)
        {
            falseNegatives++;
        }

        if (!aucCounters.IsEmpty)
        {
            aucCounters[AucBucket(prediction) + (positive ? 0 : Training.MetricValues.AucThresholds)]++;
        }
    }
}
