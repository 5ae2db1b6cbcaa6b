using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// The seed's k-fold split: folds of <c>n / k</c> contiguous samples (integer division); fold <c>i</c> validates on
/// <c>[i·size, (i+1)·size)</c> and trains on everything else, in order (the last <c>n mod k</c> samples always train).
/// </summary>
public static class KFold
{
    public static int FoldSize(int samples, int folds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        if (folds > samples)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), $"{folds} folds need at least {folds} samples, there are {samples}");
        }

        return samples / folds;
    }

    /// <summary>Training and validation sets of fold <paramref name="fold"/> (0-based), as copies.</summary>
    public static (LabeledData Train, LabeledData Validation) Split(LabeledData data, int folds, int fold)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = FoldSize(data.Count, folds);
        ArgumentOutOfRangeException.ThrowIfNegative(fold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fold, folds);
        int start = fold * size;
        var validation = data.SliceRows(start, size);
        var before = data.SliceRows(0, start);
        var after = data.SliceRows(start + size, data.Count - start - size);
        return (Concat(before, after), validation);
    }

    private static LabeledData Concat(LabeledData a, LabeledData b)
    {
        if (a.Inputs.IsSparse || b.Inputs.IsSparse)
        {
            throw new NotSupportedException("k-fold splits of sparse inputs are not supported");
        }

        float[]? weights = a.SampleWeights is null ? null : [.. a.SampleWeights, .. b.SampleWeights!];
        Features inputs = a.Inputs.Tokens is { } tokens ? TokenMatrix.Concat(tokens, b.Inputs.Tokens!) : Concat(a.Inputs.Dense!, b.Inputs.Dense!);
        return new LabeledData(inputs, Concat(a.Targets, b.Targets), weights);
    }

    private static DenseMatrix Concat(DenseMatrix a, DenseMatrix b)
    {
        var data = new float[a.Data.Length + b.Data.Length];
        a.Data.CopyTo(data, 0);
        b.Data.CopyTo(data, a.Data.Length);
        return new DenseMatrix(data, a.Rows + b.Rows, a.Cols);
    }
}
