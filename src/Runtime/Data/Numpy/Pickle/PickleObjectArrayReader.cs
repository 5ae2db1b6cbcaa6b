namespace AotNet.Data.Numpy;

/// <summary>
/// Decodes the pickle stream numpy writes for an object array of int lists (protocol 2, as in the Keras
/// IMDB/Reuters npz files) straight into <see cref="IntSequences"/>.
/// <para>
/// This is not an unpickler: it interprets a fixed whitelist of opcodes (PROTO 2, GLOBAL, BINPUT, LONG_BINPUT, BINGET,
/// LONG_BINGET, MARK, STOP, BININT1, BININT2, BININT, NONE, NEWFALSE, NEWTRUE, SHORT_BINSTRING, TUPLE1–3, TUPLE,
/// REDUCE, BUILD, EMPTY_LIST, APPEND, APPENDS) over inert values. GLOBAL may only name
/// <c>numpy.core.multiarray._reconstruct</c> (or <c>numpy._core.multiarray._reconstruct</c>), <c>numpy.ndarray</c>
/// and <c>numpy.dtype</c>; REDUCE and BUILD only record their arguments, nothing is ever called.
/// Nesting depth, mark depth and stack size are bounded, and the result must be exactly the array numpy describes:
/// <c>_reconstruct(ndarray, …)</c> with state <c>(1, shape, dtype('O8'), False, [list of int lists])</c>, with as many
/// lists as the npy header's shape says, and nothing after STOP.
/// </para>
/// <para>
/// The same interpreter also streams (<see cref="TryStream"/>, used for IMDB's multi-hot loading): it reads from a
/// 64 KiB window over the inflating npz member and hands each int list to a sink as soon as it is in the array's
/// list, in numpy's own layout only (anything else makes it give up, and the caller falls back to <see cref="Read(ReadOnlySpan{byte}, long, string)"/>).
/// </para>
/// </summary>
public static partial class PickleObjectArrayReader
{
    /// <summary>Largest nesting of lists/tuples/reductions (and of MARKs) accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Largest number of values on the stack at once (numpy appends in batches of 1000).</summary>
    public const int MaxStack = 1 << 17;

    /// <summary>Decodes <paramref name="pickle"/>, which must describe <paramref name="expectedCount"/> int lists.</summary>
    /// <exception cref="DataFormatException">Any opcode, global or structure outside the accepted subset.</exception>
    public static IntSequences Read(ReadOnlySpan<byte> pickle, long expectedCount, string source) =>
        Read(pickle.ToArray(), 0, pickle.Length, expectedCount, source);

    /// <summary>Decodes <c>buffer[offset .. offset + count)</c> in place (no copy of the stream), like <see cref="Read(ReadOnlySpan{byte}, long, string)"/>.</summary>
    internal static IntSequences Read(byte[] buffer, int offset, int count, long expectedCount, string source)
    {
        var machine = new Machine(source, sink: null);
        Value result = machine.Run(buffer, offset, count);
        return machine.ToSequences(result, expectedCount, count);
    }

    /// <summary>
    /// Streams the pickle from <paramref name="stream"/> and hands each int list of the array to <paramref name="sink"/>,
    /// in order, without holding the stream or the lists in memory: the ints of a batch of lists live in a small
    /// buffer that is reused once the batch is in the array's list. Only the layout numpy itself writes is accepted
    /// here (no list reached twice through the memo, one list of lists); the opcode whitelist, the globals and the
    /// final structure are checked exactly as in <see cref="Read(ReadOnlySpan{byte}, long, string)"/>.
    /// Returns false on anything else — an error or merely an unusual layout — after which the sink holds garbage and
    /// the caller must decode the member with the general reader, which accepts or refuses it with its usual message.
    /// A stream holding more than <c>maxBytes</c> (an npz member's declared size) is refused as soon as it passes it.
    /// </summary>
    internal static bool TryStream(Stream stream, long expectedCount, string source, IIntListSink sink, long maxBytes = NpzArchive.MaxMemberBytes)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var machine = new Machine(source, sink);
        try
        {
            Value result = machine.Run(stream, maxBytes);
            machine.FinishStream(result, expectedCount);
            return true;
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException or ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Receives the int lists of a streamed object array, in order (<see cref="PickleObjectArrayReader.TryStream"/>).</summary>
internal interface IIntListSink
{
    /// <summary>The next list's ints (valid only during the call).</summary>
    void Add(ReadOnlySpan<int> ints);
}
