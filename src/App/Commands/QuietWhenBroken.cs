using System.Text;

namespace AotNet.App.Commands;

/// <summary>
/// Standard error that cannot be written (closed with <c>2&gt;&amp;-</c>, or <c>/dev/full</c>): the messages are lost
/// but the command still ends with its own exit code (1 for a failure), never an abort because writing the error
/// message failed. Every write that fails is dropped; the first failure makes the rest no-ops.
/// </summary>
internal sealed class QuietWhenBroken(TextWriter inner) : TextWriter
{
    private bool _broken;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    /// <summary>Replaces <see cref="Console.Error"/> with a writer that swallows I/O errors.</summary>
    public static void Install()
    {
        TextWriter error;
        try
        {
            error = Console.Error; // with fd 2 closed, opening it throws
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            error = Null;
        }

        Console.SetError(Synchronized(new QuietWhenBroken(error)));
    }

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void WriteLine() => Try(inner.WriteLine);

    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        if (_broken)
        {
            return;
        }

        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or NotSupportedException) // EBADF is UnauthorizedAccess
        {
            _broken = true;
        }
    }
}
