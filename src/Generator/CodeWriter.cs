using System.Text;

namespace AotNet.Generator
{
    /// <summary>A minimal indenting text writer for emitted C# (LF line endings, four-space indents).</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _text = new();
        private int _depth;

        public CodeWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _depth * 4);
                _text.Append(line);
            }

            _text.Append('\n');
            return this;
        }

        public CodeWriter Open(string? line = null)
        {
            if (line is not null)
            {
                Line(line);
            }

            Line("{");
            _depth++;
            return this;
        }

        public CodeWriter Close(string suffix = "")
        {
            _depth--;
            return Line("}" + suffix);
        }

        /// <summary>A block of lines (a raw-string template), each indented at the current depth; its own indents are kept.</summary>
        public CodeWriter Lines(string block)
        {
            foreach (string line in block.Split('\n'))
            {
                Line(line.TrimEnd('\r'));
            }

            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
