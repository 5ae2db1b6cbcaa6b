namespace AotNet.Data.Numpy;

/// <summary>
/// x and y arrays saved by numpy (<c>np.save</c>, <c>np.savez</c>) as a model's <see cref="LabeledData"/>: x of shape
/// (rows, features) or (rows,), y of shape (rows,) or (rows, targets); any numeric dtype <see cref="NpyReader"/> reads,
/// stored as float.
/// </summary>
public static class NumpyData
{
    /// <summary>An <c>.npz</c> archive's <paramref name="x"/> and <paramref name="y"/> members (<c>np.savez(path, x=…, y=…)</c>).</summary>
    /// <exception cref="DataFormatException">A member is missing, not numeric, or the row counts differ.</exception>
    public static LabeledData LoadNpz(string path, string x = "x", string y = "y")
    {
        using var archive = NpzArchive.Open(path);
        foreach (string name in new[] { x, y })
        {
            if (!archive.Contains(name))
            {
                throw new DataFormatException($"{path}: no member '{name}' (the archive holds: {string.Join(", ", archive.Names)})");
            }
        }

        return Labeled(archive.Read(x), archive.Read(y));
    }

    /// <summary>Two <c>.npy</c> files, the features and the targets.</summary>
    public static LabeledData LoadNpy(string xPath, string yPath) => Labeled(NpyReader.ReadFile(xPath), NpyReader.ReadFile(yPath));

    /// <summary>An array as a float matrix: (rows,) is one column, (rows, cols) as it is.</summary>
    public static DenseMatrix ToMatrix(NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Shape.Length is not (1 or 2))
        {
            throw new DataFormatException($"{array.Source}: shape ({string.Join(", ", array.Shape)}) is not (rows,) or (rows, columns)");
        }

        double[] values = array.ToDoubleArray();
        var matrix = new DenseMatrix(array.Shape[0], array.Shape.Length == 2 ? array.Shape[1] : 1);
        for (int i = 0; i < values.Length; i++)
        {
            matrix.Data[i] = (float)values[i];
        }

        return matrix;
    }

    private static LabeledData Labeled(NpyArray x, NpyArray y)
    {
        var inputs = ToMatrix(x);
        var targets = ToMatrix(y);
        if (inputs.Rows != targets.Rows)
        {
            throw new DataFormatException($"{x.Source} has {inputs.Rows} rows but {y.Source} has {targets.Rows}; x and y need one row each per sample");
        }

        return new LabeledData(inputs, targets);
    }
}
