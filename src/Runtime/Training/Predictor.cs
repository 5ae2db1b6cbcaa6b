using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// Inference without allocation: <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> scores one row,
/// <see cref="Predict(ReadOnlySpan{float}, int, Span{float})"/> any number of rows (row-major), into spans the caller
/// owns. The buffers (an input block of <see cref="MaxRows"/> rows, the row list, the model's workspace) are allocated
/// once, here; a call copies its rows into the input block and runs the model's own forward pass (the same kernels and
/// the same bits as <see cref="IModel{TSelf}.Predict"/> and <c>Trainer.Predict</c>), <see cref="MaxRows"/> rows at a time.
/// </summary>
/// <remarks>
/// One predictor belongs to one thread at a time (its workspace is scratch memory); make one per thread to score in
/// parallel — they share the model's parameters, which prediction only reads. The entry the C ABI and the model host
/// call. Outputs are what the model's <c>Predict</c> writes: probabilities for sigmoid and softmax outputs.
/// <para>
/// A model whose first layer is <see cref="EmbeddingAttribute"/> takes token sequences: its row is <see cref="Inputs"/>
/// (the declared sequence length) floats, each a token id (a whole number, 0 is padding, below the Embedding's
/// <c>inputDim</c>), already padded as <see cref="TokenMatrix.Pad"/> pads. They are converted into a preallocated
/// <see cref="TokenMatrix"/>, so the outputs are the bits of the model's <c>Predict</c> on that matrix. Every row is checked
/// before any is predicted: a float that is not such an id (2.5, NaN, −1, <c>inputDim</c>) or, under <c>MaskZero</c>, a row of
/// padding only is an <see cref="ArgumentException"/> naming the row (and the position), and nothing is written.
/// </para>
/// </remarks>
public sealed class Predictor<TModel>
    where TModel : class, IModel<TModel>
{
    private readonly DenseMatrix? _inputs; // a model of features: the rows as they are
    private readonly TokenMatrix? _tokens; // an Embedding model: the rows' floats as token ids
    private readonly EmbeddingDescription? _embedding;
    private readonly Features _features;
    private readonly int[] _rows;
    private readonly Workspace _workspace;

    /// <summary>A predictor for <paramref name="model"/> that runs up to <paramref name="maxRows"/> rows per forward pass.</summary>
    public Predictor(TModel model, int maxRows = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        Model = model;
        MaxRows = maxRows;
        _embedding = TModel.Description.Embedding;
        if (_embedding is not null)
        {
            _tokens = new TokenMatrix(maxRows, Inputs);
            _features = new Features(_tokens);
        }
        else
        {
            _inputs = new DenseMatrix(maxRows, Inputs);
            _features = new Features(_inputs);
        }

        _rows = new int[maxRows];
        for (int i = 0; i < maxRows; i++)
        {
            _rows[i] = i;
        }

        _workspace = model.CreateWorkspace(maxRows);
    }

    public TModel Model { get; }

    /// <summary>Rows per forward pass.</summary>
    public int MaxRows { get; }

    /// <summary>Floats per input row: features, or an Embedding model's token ids (its sequence length).</summary>
    public static int Inputs => TModel.Description.Inputs;

    /// <summary>Floats per output row.</summary>
    public static int Outputs => TModel.Description.Outputs;

    /// <summary>Scores one row: <paramref name="x"/> holds <see cref="Inputs"/> floats, <paramref name="y"/> receives <see cref="Outputs"/>.</summary>
    public void Predict(ReadOnlySpan<float> x, Span<float> y) => Predict(x, 1, y);

    /// <summary>
    /// Scores <paramref name="rows"/> rows: <paramref name="x"/> holds them row-major (<c>rows · Inputs</c> floats),
    /// <paramref name="y"/> receives <c>rows · Outputs</c> floats, row-major.
    /// </summary>
    public void Predict(ReadOnlySpan<float> x, int rows, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        int inputs = Inputs, outputs = Outputs;
        if (x.Length != (long)rows * inputs)
        {
            throw new ArgumentException($"the input holds {x.Length} floats; {rows} rows of {inputs} need {(long)rows * inputs}", nameof(x));
        }

        if (y.Length < (long)rows * outputs)
        {
            throw new ArgumentException($"the output holds {y.Length} floats; {rows} rows of {outputs} need {(long)rows * outputs}", nameof(y));
        }

        if (_embedding is not null)
        {
            CheckTokens(x, rows, _embedding);
        }

        for (int start = 0; start < rows; start += MaxRows)
        {
            int count = Math.Min(MaxRows, rows - start);
            var chunk = x.Slice(start * inputs, count * inputs);
            if (_tokens is null)
            {
                chunk.CopyTo(_inputs!.Data);
            }
            else
            {
                var ids = _tokens.Buffer;
                for (int i = 0; i < chunk.Length; i++)
                {
                    ids[i] = (int)chunk[i]; // a whole number in [0, inputDim): CheckTokens
                }

                _tokens.Reload(count);
            }

            Model.Predict(new Batch(_features, null, _rows.AsSpan(0, count)), _workspace, y.Slice(start * outputs, count * outputs));
        }
    }

    /// <summary>
    /// Every float of the <paramref name="rows"/> rows is a token id — a whole number in [0, inputDim) — and, under MaskZero,
    /// no row is padding only; else the error (the model's own wording, with the row of this call and the position).
    /// </summary>
    private static void CheckTokens(ReadOnlySpan<float> x, int rows, EmbeddingDescription embedding)
    {
        int length = Inputs, vocabulary = embedding.InputDim;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * length, length);
            bool padding = true;
            for (int p = 0; p < row.Length; p++)
            {
                float v = row[p];
                if (!(v >= 0f && (double)v < vocabulary && v == MathF.Truncate(v)))
                {
                    throw BadToken(r, p, v, vocabulary);
                }

                padding &= v == 0f;
            }

            if (padding && embedding.MaskZero)
            {
                throw new ArgumentException($"row {r} holds only padding (id 0): with MaskZero its average over no position is 0/0 (NaN in Keras)", nameof(x));
            }
        }
    }

    private static ArgumentException BadToken(int row, int position, float value, int vocabulary)
    {
        string name = TModel.Description.Name, at = $"row {row}, position {position} holds";
        string message = !float.IsFinite(value) || value != MathF.Truncate(value)
            ? $"{at} {value}, not a token id: {name} reads each float of a row as a token id, a whole number (0 is padding)"
            : value < 0
            ? $"{at} the token id {value}: ids are >= 0 (0 is padding)"
            : $"{at} the token id {value}: {name}'s Embedding takes ids below {vocabulary} (keep the most frequent words, e.g. num_words = {vocabulary})";
        return new ArgumentException(message, "x");
    }
}
