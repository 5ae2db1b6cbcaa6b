using AotNet.Data;

namespace AotNet.Training;

/// <summary>Keras 3's <c>class_weight</c> → <c>sample_weight</c> (<c>data_adapter_utils.class_weight_to_sample_weights</c>).</summary>
public static class ClassWeights
{
    /// <summary>
    /// One sample weight per row of <paramref name="targets"/>: the weight of the row's class, 1 for a class without an
    /// entry. A row's class is the argmax of its targets (the first maximum) when there are several columns, else its
    /// one target rounded half to even (0/1 labels, class indices). Weights become float32, as Keras's.
    /// </summary>
    /// <exception cref="ArgumentException">A weight that is not finite and ≥ 0, or a one-column target that is not a number in the int range.</exception>
    public static float[] ToSampleWeights(DenseMatrix targets, IReadOnlyDictionary<int, double> classWeight)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(classWeight);
        foreach (var (key, value) in classWeight)
        {
            float weight = (float)value;
            if (!LabeledData.IsValidSampleWeight(weight))
            {
                throw new ArgumentException($"the weight of class {key} is {value}; class weights must be finite and >= 0", nameof(classWeight));
            }
        }

        if (targets.Cols == 0)
        {
            throw new ArgumentException("targets without columns have no classes to weight", nameof(targets));
        }

        var weights = new float[targets.Rows];
        for (int r = 0; r < weights.Length; r++)
        {
            int label = Label(targets.Row(r), r);
            weights[r] = classWeight.TryGetValue(label, out double weight) ? (float)weight : 1f;
        }

        return weights;
    }

    /// <summary>numpy's <c>argmax</c> (the first maximum; a NaN counts as the maximum) or <c>round</c> of one column.</summary>
    private static int Label(ReadOnlySpan<float> target, int row)
    {
        if (target.Length > 1)
        {
            int best = 0;
            for (int j = 0; j < target.Length && !float.IsNaN(target[best]); j++)
            {
                if (float.IsNaN(target[j]) || target[j] > target[best])
                {
                    best = j;
                }
            }

            return best;
        }

        double rounded = Math.Round((double)target[0], MidpointRounding.ToEven);
        if (!(rounded >= int.MinValue && rounded <= int.MaxValue))
        {
            throw new ArgumentException($"the target of row {row} is {target[0]}, not a class index; class weights need class labels", "targets");
        }

        return (int)rounded;
    }
}
