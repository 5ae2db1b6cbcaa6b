namespace AotNet.Data.Vectorization;

/// <summary>Target matrices from labels: a float column (binary labels, regression targets) or one-hot rows.</summary>
public static class Labels
{
    /// <summary><c>np.asarray(labels).astype('float32')</c> as an <c>n × 1</c> matrix.</summary>
    public static DenseMatrix ToColumn(ReadOnlySpan<int> labels)
    {
        var data = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            data[i] = labels[i];
        }

        return new DenseMatrix(data, labels.Length, 1);
    }

    /// <summary>Regression targets as an <c>n × 1</c> float matrix.</summary>
    public static DenseMatrix ToColumn(ReadOnlySpan<double> targets)
    {
        var data = new float[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            data[i] = (float)targets[i];
        }

        return new DenseMatrix(data, targets.Length, 1);
    }

    /// <summary>Keras's <c>to_categorical(labels, classes)</c>: row <c>i</c> is one at column <c>labels[i]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c>.</exception>
    public static DenseMatrix ToCategorical(ReadOnlySpan<int> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        var matrix = new DenseMatrix(labels.Length, classes);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label {i} is outside [0, {classes})");
            }

            matrix.Data[(i * classes) + labels[i]] = 1f;
        }

        return matrix;
    }
}
