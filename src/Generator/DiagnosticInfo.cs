using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AotNet.Generator
{
    /// <summary>A diagnostic without symbols or syntax: descriptor, position and message arguments, all equatable.</summary>
    internal sealed record DiagnosticInfo(
        DiagnosticDescriptor Descriptor,
        string FilePath,
        TextSpan Span,
        LinePositionSpan LineSpan,
        EquatableArray<string> MessageArgs)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] messageArgs)
        {
            var lineSpan = location.GetLineSpan();
            return new DiagnosticInfo(descriptor, lineSpan.Path ?? string.Empty, location.SourceSpan, lineSpan.Span, new EquatableArray<string>(messageArgs));
        }

        public Diagnostic ToDiagnostic(Compilation compilation)
        {
            var location = FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == FilePath)
                {
                    location = Location.Create(tree, Span);
                    break;
                }
            }

            var args = new object[MessageArgs.Count];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = MessageArgs[i];
            }

            return Diagnostic.Create(Descriptor, location, args);
        }
    }
}
