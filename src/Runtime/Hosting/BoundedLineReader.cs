using System.Globalization;
using System.Text;

namespace AotNet.Hosting;

/// <summary>
/// Reads lines (ended by \n, \r\n or the end of input) of at most a given length from a <see cref="TextReader"/>, so a
/// huge line on stdin is refused after its first characters instead of being held whole. The token is checked
/// between reads (a read itself that waits on stdin is ended by <see cref="Interrupts"/>).
/// </summary>
public sealed class BoundedLineReader(TextReader input, int maxLength)
{
    private readonly char[] _buffer = new char[1 << 14];
    private readonly StringBuilder _line = new();
    private int _start, _end;
    private int _lineNumber;
    private bool _eof;

    /// <summary>True when characters already read are waiting (the next line may not need another read).</summary>
    public bool HasBufferedInput => _start < _end;

    /// <summary>The next line without its ending, or null at the end of input.</summary>
    /// <exception cref="ArgumentException">The line is longer than the limit.</exception>
    public string? ReadLine(CancellationToken cancellation)
    {
        _line.Clear();
        _lineNumber++;
        while (true)
        {
            if (_start == _end)
            {
                if (_eof)
                {
                    return _line.Length > 0 ? Take() : null;
                }

                cancellation.ThrowIfCancellationRequested();
                _end = input.Read(_buffer, 0, _buffer.Length);
                _start = 0;
                if (_end == 0)
                {
                    _eof = true;
                    continue;
                }
            }

            int newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            if (_line.Length + (stop - _start) > maxLength)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"stdin line {_lineNumber} is longer than {maxLength} characters; give one text per line"));
            }

            _line.Append(_buffer, _start, stop - _start);
            if (newline >= 0)
            {
                _start = newline + 1;
                return Take();
            }

            _start = _end;
        }
    }

    private string Take()
    {
        int length = _line.Length;
        if (length > 0 && _line[length - 1] == '\r')
        {
            length--;
        }

        return _line.ToString(0, length);
    }
}
