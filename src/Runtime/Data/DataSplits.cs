using AotNet.Training;

namespace AotNet.Data;

/// <summary>Shuffled, seeded train/test splits (scikit-learn's <c>train_test_split(shuffle=True, random_state=seed)</c> in spirit).</summary>
public static class DataSplits
{
    /// <summary>
    /// Shuffles the rows with <paramref name="seed"/> (<see cref="DeterministicRandom"/>: the same split for the same seed
    /// on every machine) and returns the first <c>count − round(count × testFraction)</c> rows as the training part and the
    /// rest as the test part. Sample weights go with their rows. The data are not changed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">A part would be empty.</exception>
    public static (LabeledData Train, LabeledData Test) Split(this LabeledData data, double testFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "the test fraction is in (0, 1)");
        }

        int test = (int)Math.Round(data.Count * testFraction, MidpointRounding.AwayFromZero);
        if (test == 0 || test == data.Count)
        {
            throw new ArgumentException($"{data.Count} rows cannot be split with a test fraction of {testFraction}: one part would be empty", nameof(data));
        }

        int[] order = new int[data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new DeterministicRandom(seed).Shuffle(order.AsSpan());
        return (data.Gather(order.AsSpan(0, data.Count - test)), data.Gather(order.AsSpan(data.Count - test)));
    }

    /// <summary>A new data set of the given rows, in the given order (sample weights included).</summary>
    public static LabeledData Gather(this LabeledData data, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        Features inputs = data.Inputs.Sparse is { } sparse ? Gather(sparse, rows) : data.Inputs.Tokens is { } tokens ? tokens.Gather(rows) : Gather(data.Inputs.Dense!, rows);
        float[]? weights = null;
        if (data.SampleWeights is { } w)
        {
            weights = new float[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                weights[i] = w[rows[i]];
            }
        }

        return new LabeledData(inputs, Gather(data.Targets, rows), weights);
    }

    /// <summary>A new matrix of the given rows.</summary>
    public static DenseMatrix Gather(DenseMatrix matrix, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var result = new DenseMatrix(rows.Length, matrix.Cols);
        for (int i = 0; i < rows.Length; i++)
        {
            matrix.Row(rows[i]).CopyTo(result.Row(i));
        }

        return result;
    }

    private static CsrMatrix Gather(CsrMatrix matrix, ReadOnlySpan<int> rows)
    {
        var offsets = new int[rows.Length + 1];
        for (int i = 0; i < rows.Length; i++)
        {
            offsets[i + 1] = checked(offsets[i] + matrix.Row(rows[i]).Length);
        }

        var columns = new int[offsets[^1]];
        for (int i = 0; i < rows.Length; i++)
        {
            matrix.Row(rows[i]).CopyTo(columns.AsSpan(offsets[i]));
        }

        return new CsrMatrix(offsets, columns, matrix.Cols);
    }
}
