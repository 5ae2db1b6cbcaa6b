using AotNet.Data.Numpy;

namespace AotNet.Data.Keras;

/// <summary>
/// The Boston housing prices exactly as <c>keras.datasets.boston_housing.load_data</c> returns them
/// (keras/src/datasets/boston_housing.py): 506 samples shuffled with <c>RandomState(113)</c>, split 404 / 102.
/// </summary>
public static class BostonHousing
{
    /// <summary>The data file name (in the Keras datasets folder).</summary>
    public const string FileName = "boston_housing.npz";

    /// <summary>The largest uncompressed npz member read (Keras's x has 53 KB).</summary>
    public const long MaxMemberBytes = 4L << 20;

    /// <summary>Features per sample.</summary>
    public const int FeatureCount = 13;

    /// <summary>The 13 feature names, in column order.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
        ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"];

    /// <summary>Loads <c>boston_housing.npz</c> from <paramref name="directory"/>: shuffle all rows, split at <c>int(n * (1 - testSplit))</c>.</summary>
    /// <exception cref="DataFormatException">The file is missing or not the expected npz.</exception>
    public static BostonDataset Load(string directory, double testSplit = 0.2, uint seed = 113)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, "must be in [0, 1)");
        }

        string path = Path.Combine(directory, FileName);
        double[] x, y;
        using (NpzArchive npz = NpzArchive.Open(path, MaxMemberBytes, maxMembers: 16))
        {
            NpyArray xa = npz.Read("x"), ya = npz.Read("y");
            if (xa.Shape is not [int rows, FeatureCount] || ya.Shape is not [int n] || rows != n)
            {
                throw new DataFormatException(
                    $"{path}: expected x of shape (n, {FeatureCount}) and y of shape (n,), found ({string.Join(", ", xa.Shape)}) and ({string.Join(", ", ya.Shape)})");
            }

            (x, y) = (xa.ToDoubleArray(), ya.ToDoubleArray());
        }

        int count = y.Length;
        int[] order = new NumpyRandomState(seed).ShuffledRange(count);
        int split = (int)(count * (1 - testSplit));
        return new BostonDataset(Take(x, y, order.AsSpan(0, split)), Take(x, y, order.AsSpan(split)));
    }

    private static BostonSplit Take(double[] x, double[] y, ReadOnlySpan<int> rows)
    {
        var features = new double[rows.Length * FeatureCount];
        var targets = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            x.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
            targets[i] = y[rows[i]];
        }

        return new BostonSplit(features, targets);
    }
}
