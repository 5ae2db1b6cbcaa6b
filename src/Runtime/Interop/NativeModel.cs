using System.Runtime.InteropServices;
using System.Text;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Interop;

/// <summary>
/// What the C entry points of a model declared with <see cref="NativeExportsAttribute"/> call (the generator writes
/// one thin <c>[UnmanagedCallersOnly]</c> function per member). Every member catches everything: an error becomes a
/// return value (null handle, -1) and a message read with <see cref="LastError"/>, never an exception across the
/// boundary. Handles are <see cref="GCHandle"/>s of a <see cref="Predictor{TModel}"/> (the model with its buffers, allocated
/// once: a prediction allocates nothing); a handle serves one thread at a time.
/// </summary>
public static unsafe class NativeModel<TModel>
    where TModel : class, IModel<TModel>
{
    /// <summary>Rows predicted per pass (the trainer's chunk): bounds the session's buffers.</summary>
    public const int RowsPerPass = TrainingContext.ChunkRows;

    /// <summary>
    /// The model's input count per row (<c>PREFIX_input_size</c>): features, or for a model whose first layer is
    /// <see cref="EmbeddingAttribute"/> its sequence length — each float of the row a token id (see <see cref="Predictor{TModel}"/>).
    /// </summary>
    public static int InputSize => TModel.Description.Inputs;

    /// <summary>The model's output count per row (<c>PREFIX_output_size</c>).</summary>
    public static int OutputSize => TModel.Description.Outputs;

    /// <summary>A model with glorot_uniform kernels from <paramref name="seed"/> (as <c>TModel.Create</c>); 0 on failure.</summary>
    public static nint Create(ulong seed) => Guard(() => Handle(TModel.Create(seed)), 0);

    /// <summary>A model with the weights of the safetensors file at the UTF-8 <paramref name="path"/>; 0 on failure.</summary>
    public static nint LoadFile(byte* path) => Guard(() =>
    {
        string file = Utf8(path, nameof(path));
        var model = TModel.Create(0);
        SafeTensors.ReadFile(file, TModel.Description, model.Parameters, model.State);
        return Handle(model);
    }, 0);

    /// <summary>A model with the weights of a safetensors image of <paramref name="length"/> bytes; 0 on failure.</summary>
    public static nint LoadBuffer(byte* data, nuint length) => Guard(() =>
    {
        if (data is null)
        {
            throw new ArgumentException("data is NULL");
        }

        if (length > int.MaxValue)
        {
            throw new ArgumentException($"a safetensors buffer of {length} bytes is larger than 2 GB");
        }

        var model = TModel.Create(0);
        var (tensors, _) = SafeTensors.Deserialize(new ReadOnlySpan<byte>(data, (int)length), "safetensors buffer");
        SafeTensors.ToModel(TModel.Description, tensors, model.Parameters, model.State, "safetensors buffer");
        return Handle(model);
    }, 0);

    /// <summary>
    /// Predicts <paramref name="rows"/> rows: <paramref name="inputs"/> holds <c>rows × rowSize</c> floats (row-major),
    /// <paramref name="outputs"/> room for <paramref name="outputCapacity"/> floats, of which <c>rows × OutputSize</c>
    /// are written. <paramref name="rowSize"/> must be <see cref="InputSize"/> (a caller with another row layout gets
    /// an error, not garbage). Returns 0, or -1 with <see cref="LastError"/> set (nothing written then).
    /// </summary>
    public static int Predict(nint handle, float* inputs, nuint rows, nuint rowSize, float* outputs, nuint outputCapacity)
    {
        // no closure: a prediction allocates nothing
        try
        {
            NativeErrors.Clear();
            PredictChecked(handle, inputs, rows, rowSize, outputs, outputCapacity);
            return 0;
        }
        catch (Exception e)
        {
            NativeErrors.Set(Message(e));
            return -1;
        }
    }

    private static void PredictChecked(nint handle, float* inputs, nuint rows, nuint rowSize, float* outputs, nuint outputCapacity)
    {
        var predictor = PredictorOf(handle);
        int inputSize = InputSize, outputSize = OutputSize;
        if (rowSize != (nuint)inputSize)
        {
            throw new ArgumentException($"row size {rowSize}: {TModel.Description.Name} takes {inputSize} inputs per row");
        }

        if (rows == 0)
        {
            return;
        }

        if (inputs is null || outputs is null)
        {
            throw new ArgumentException(inputs is null ? "inputs is NULL" : "outputs is NULL");
        }

        if (rows > (nuint)(int.MaxValue / Math.Max(inputSize, outputSize)))
        {
            throw new ArgumentException($"{rows} rows are too many for one call; pass fewer");
        }

        if (outputCapacity < rows * (nuint)outputSize)
        {
            throw new ArgumentException($"outputs hold {outputCapacity} floats; {rows} rows need {rows * (nuint)outputSize} ({outputSize} per row)");
        }

        var input = new ReadOnlySpan<float>(inputs, (int)rows * inputSize);
        var output = new Span<float>(outputs, (int)rows * outputSize);
        predictor.Predict(input, (int)rows, output);
    }

    /// <summary>Releases a handle from Create/LoadFile/LoadBuffer (0 is ignored).</summary>
    public static void Free(nint handle) => Guard(() =>
    {
        if (handle != 0)
        {
            GCHandle.FromIntPtr(handle).Free();
        }

        return 0;
    }, 0);

    /// <summary>The current thread's last error as UTF-8 (empty when none); valid until this thread's next call.</summary>
    public static byte* LastError() => NativeErrors.Current;

    private static nint Handle(TModel model) => GCHandle.ToIntPtr(GCHandle.Alloc(new Predictor<TModel>(model, RowsPerPass)));

    private static Predictor<TModel> PredictorOf(nint handle) =>
        handle != 0 && GCHandle.FromIntPtr(handle).Target is Predictor<TModel> predictor
            ? predictor
            : throw new ArgumentException("model handle is NULL or not a model of this library");

    private static string Utf8(byte* text, string name) =>
        text is null ? throw new ArgumentException($"{name} is NULL") : Marshal.PtrToStringUTF8((nint)text)!;

    private static T Guard<T>(Func<T> action, T failed)
    {
        try
        {
            NativeErrors.Clear();
            return action();
        }
        catch (Exception e)
        {
            NativeErrors.Set(Message(e));
            return failed;
        }
    }

    private static string Message(Exception e) =>
        e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}

/// <summary>The last error of each calling thread, kept as a NUL-terminated UTF-8 string in native memory.</summary>
internal static unsafe class NativeErrors
{
    [ThreadStatic]
    private static byte* t_message;

    [ThreadStatic]
    private static int t_capacity;

    private static readonly byte* s_empty = (byte*)NativeMemory.AllocZeroed(1);

    public static byte* Current => t_message is null ? s_empty : t_message;

    public static void Clear()
    {
        if (t_message is not null)
        {
            t_message[0] = 0;
        }
    }

    public static void Set(string message)
    {
        int bytes = Encoding.UTF8.GetByteCount(message);
        if (t_capacity < bytes + 1)
        {
            NativeMemory.Free(t_message);
            t_message = (byte*)NativeMemory.Alloc((nuint)(bytes + 1));
            t_capacity = bytes + 1;
        }

        Encoding.UTF8.GetBytes(message, new Span<byte>(t_message, bytes));
        t_message[bytes] = 0;
    }
}
