namespace AotNet.Data;

/// <summary>Model inputs: either a dense matrix or a sparse multi-hot (CSR) matrix.</summary>
public sealed class Features
{
    public Features(DenseMatrix dense)
    {
        Dense = dense ?? throw new ArgumentNullException(nameof(dense));
    }

    public Features(CsrMatrix sparse)
    {
        Sparse = sparse ?? throw new ArgumentNullException(nameof(sparse));
    }

    public DenseMatrix? Dense { get; }

    public CsrMatrix? Sparse { get; }

    public bool IsSparse => Sparse is not null;

    public int Rows => Dense?.Rows ?? Sparse!.Rows;

    public int Cols => Dense?.Cols ?? Sparse!.Cols;

    public Features SliceRows(int start, int count) =>
        Sparse is not null ? new Features(Sparse.SliceRows(start, count)) : new Features(Dense!.SliceRows(start, count));

    public static implicit operator Features(DenseMatrix dense) => new(dense);

    public static implicit operator Features(CsrMatrix sparse) => new(sparse);
}

/// <summary>Inputs with their targets (one row of <see cref="Targets"/> per input row).</summary>
public sealed record LabeledData(Features Inputs, DenseMatrix Targets)
{
    public int Count => Inputs.Rows;

    public LabeledData SliceRows(int start, int count) => new(Inputs.SliceRows(start, count), Targets.SliceRows(start, count));
}
