namespace AotNet.Data.Numpy;

/// <summary>
/// An array read from an npy file (or an npz member): its element type, shape and values. Numeric values are
/// held as a typed array (<c>double[]</c>, <c>float[]</c>, <c>long[]</c>, <c>int[]</c>, <c>byte[]</c>, <c>bool[]</c>);
/// object arrays of int lists are held as <see cref="IntSequences"/>.
/// </summary>
public sealed class NpyArray
{
    private readonly Array? _numbers;
    private readonly IntSequences? _sequences;

    internal NpyArray(string source, NpyDType dtype, int[] shape, Array numbers)
    {
        Source = source;
        DType = dtype;
        Shape = shape;
        _numbers = numbers;
        Count = numbers.Length;
    }

    internal NpyArray(string source, int[] shape, IntSequences sequences)
    {
        Source = source;
        DType = NpyDType.Object;
        Shape = shape;
        _sequences = sequences;
        Count = sequences.Count;
    }

    /// <summary>The file (and member) the array came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The shape, C order (empty for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements (product of the shape).</summary>
    public int Count { get; }

    /// <summary>The values as float64 (any numeric dtype; the array itself when the dtype is float64).</summary>
    /// <exception cref="DataFormatException">The array holds objects.</exception>
    public double[] ToDoubleArray() => _numbers switch
    {
        double[] d => d,
        float[] f => Array.ConvertAll(f, v => (double)v),
        long[] l => Array.ConvertAll(l, v => (double)v),
        int[] i => Array.ConvertAll(i, v => (double)v),
        byte[] b => Array.ConvertAll(b, v => (double)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1.0 : 0.0),
        _ => throw NotA("numeric"),
    };

    /// <summary>The values as int64 (integer and boolean dtypes; the array itself when the dtype is int64).</summary>
    /// <exception cref="DataFormatException">The array holds floats or objects.</exception>
    public long[] ToInt64Array() => _numbers switch
    {
        long[] l => l,
        int[] i => Array.ConvertAll(i, v => (long)v),
        byte[] b => Array.ConvertAll(b, v => (long)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1L : 0L),
        _ => throw NotA("integer"),
    };

    /// <summary>The values of an object array of int lists, flattened in C order.</summary>
    /// <exception cref="DataFormatException">The array is numeric.</exception>
    public IntSequences ToSequences() => _sequences ?? throw NotA("object (list of ints)");

    /// <summary>The raw typed values of a numeric array (<c>double[]</c>, <c>float[]</c>, <c>long[]</c>, <c>int[]</c>, <c>byte[]</c> or <c>bool[]</c>).</summary>
    public Array? Numbers => _numbers;

    private DataFormatException NotA(string kind) =>
        new($"{Source}: expected a {kind} array, found dtype {DType} with shape ({string.Join(", ", Shape)})");
}
