namespace AotNet.Data;

/// <summary>Model inputs: a dense matrix, a sparse multi-hot (CSR) matrix, or padded token sequences (an Embedding model's).</summary>
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

    /// <summary>Padded token-id sequences, the inputs of a model whose first layer is <see cref="EmbeddingAttribute"/>.</summary>
    public Features(TokenMatrix tokens)
    {
        Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
    }

    public DenseMatrix? Dense { get; }

    public TokenMatrix? Tokens { get; }

    public CsrMatrix? Sparse { get; }

    public bool IsSparse => Sparse is not null;

    public int Rows => Dense?.Rows ?? Sparse?.Rows ?? Tokens!.Rows;

    /// <summary>Columns: features, or a token sequence's length.</summary>
    public int Cols => Dense?.Cols ?? Sparse?.Cols ?? Tokens!.Length;

    public Features SliceRows(int start, int count) =>
        Sparse is not null ? new Features(Sparse.SliceRows(start, count))
        : Tokens is not null ? new Features(Tokens.SliceRows(start, count))
        : new Features(Dense!.SliceRows(start, count));

    public static implicit operator Features(DenseMatrix dense) => new(dense);

    public static implicit operator Features(CsrMatrix sparse) => new(sparse);

    public static implicit operator Features(TokenMatrix tokens) => new(tokens);
}

/// <summary>Inputs with their targets (one row of <see cref="Targets"/> per input row), and optionally a weight per row.</summary>
public sealed record LabeledData(Features Inputs, DenseMatrix Targets)
{
    private readonly float[]? _sampleWeights;

    /// <summary>Inputs, targets and one sample weight per row (Keras's <c>(x, y, sample_weight)</c>).</summary>
    public LabeledData(Features inputs, DenseMatrix targets, float[]? sampleWeights)
        : this(inputs, targets)
    {
        if (sampleWeights is not null && sampleWeights.Length != inputs.Rows)
        {
            throw new ArgumentException($"{sampleWeights.Length} sample weights for {inputs.Rows} rows; give one weight per row", nameof(sampleWeights));
        }

        SampleWeights = sampleWeights;
    }

    public int Count => Inputs.Rows;

    /// <summary>
    /// Keras's <c>sample_weight</c>: one weight per row (null = every row weighs 1), each finite and ≥ 0. A row's loss
    /// and its gradient are multiplied by its weight; a batch's loss stays the weighted sum divided by the batch's rows
    /// (Keras's <c>sum_over_batch_size</c>), and metrics stay unweighted (Keras 3's compiled <c>metrics</c>).
    /// </summary>
    public float[]? SampleWeights
    {
        get => _sampleWeights;
        init
        {
            CheckSampleWeights(value);
            _sampleWeights = value;
        }
    }

    /// <summary>A copy of the rows [start, start + count), their sample weights included.</summary>
    public LabeledData SliceRows(int start, int count) =>
        new(Inputs.SliceRows(start, count), Targets.SliceRows(start, count)) { SampleWeights = SampleWeights?.AsSpan(start, count).ToArray() };

    /// <summary>Whether <paramref name="weight"/> can weigh a row: finite and ≥ 0.</summary>
    internal static bool IsValidSampleWeight(float weight) => weight >= 0 && !float.IsPositiveInfinity(weight);

    /// <summary>Throws unless every weight is finite and ≥ 0.</summary>
    internal static void CheckSampleWeights(ReadOnlySpan<float> weights, string name = "sampleWeights")
    {
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (!IsValidSampleWeight(w))
            {
                throw new ArgumentException($"sample weight {i} is {w}; sample weights must be finite and >= 0", name);
            }
        }
    }
}
