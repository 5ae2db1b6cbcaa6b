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
/// </remarks>
public sealed class Predictor<TModel>
    where TModel : class, IModel<TModel>
{
    private readonly DenseMatrix _inputs;
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
        _inputs = new DenseMatrix(maxRows, Inputs);
        _features = new Features(_inputs);
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

    /// <summary>Floats per input row.</summary>
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

        for (int start = 0; start < rows; start += MaxRows)
        {
            int count = Math.Min(MaxRows, rows - start);
            x.Slice(start * inputs, count * inputs).CopyTo(_inputs.Data);
            Model.Predict(new Batch(_features, null, _rows.AsSpan(0, count)), _workspace, y.Slice(start * outputs, count * outputs));
        }
    }
}
