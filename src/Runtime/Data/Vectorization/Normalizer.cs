namespace AotNet.Data.Vectorization;

/// <summary>
/// Feature-wise standardisation as in the tutorial: <c>mean = train.mean(axis=0)</c>, <c>std = train.std(axis=0)</c>
/// (population std, numpy's default), then <c>(x - mean) / std</c> for train and test alike.
/// Statistics and arithmetic are in double; results are stored as float.
/// </summary>
public sealed class Normalizer
{
    private Normalizer(double[] mean, double[] std)
    {
        Mean = mean;
        Std = std;
    }

    /// <summary>The per-column means of the training data.</summary>
    public double[] Mean { get; }

    /// <summary>The per-column population standard deviations of the training data.</summary>
    public double[] Std { get; }

    /// <summary>The number of columns.</summary>
    public int Columns => Mean.Length;

    /// <summary>Computes the statistics of <paramref name="features"/> (row-major, <paramref name="columns"/> per row).</summary>
    /// <exception cref="ArgumentException">No rows, a ragged length, or a constant column (its std would be 0).</exception>
    public static Normalizer Fit(ReadOnlySpan<double> features, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (features.Length == 0 || features.Length % columns != 0)
        {
            throw new ArgumentException($"{features.Length} values do not form rows of {columns}", nameof(features));
        }

        int rows = features.Length / columns;
        var mean = new double[columns];
        var std = new double[columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                mean[c] += features[(r * columns) + c];
            }
        }

        for (int c = 0; c < columns; c++)
        {
            mean[c] /= rows;
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double d = features[(r * columns) + c] - mean[c];
                std[c] += d * d;
            }
        }

        for (int c = 0; c < columns; c++)
        {
            std[c] = Math.Sqrt(std[c] / rows);
            if (!(std[c] > 0))
            {
                throw new ArgumentException($"column {c} is constant: it cannot be standardised", nameof(features));
            }
        }

        return new Normalizer(mean, std);
    }

    /// <summary><c>(x - mean) / std</c> for every row of <paramref name="features"/>, as a float matrix.</summary>
    public DenseMatrix Apply(ReadOnlySpan<double> features)
    {
        if (features.Length % Columns != 0)
        {
            throw new ArgumentException($"{features.Length} values do not form rows of {Columns}", nameof(features));
        }

        int rows = features.Length / Columns;
        var result = new DenseMatrix(rows, Columns);
        for (int i = 0; i < features.Length; i++)
        {
            int c = i % Columns;
            result.Data[i] = (float)((features[i] - Mean[c]) / Std[c]);
        }

        return result;
    }
}
