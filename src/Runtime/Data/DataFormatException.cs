namespace AotNet.Data;

/// <summary>
/// The one exception the data layer throws for a file whose content is not what it must be: a malformed or lying
/// npy header, a truncated or missing npz member, a pickle opcode or global outside the allowed subset, a
/// non-finite number, a word index that is not a JSON object of word → positive int, a hash mismatch.
/// The message names the file (and member) concerned.
/// </summary>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates the exception with a message that names the file concerned.</summary>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message that names the file concerned and the underlying cause.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
