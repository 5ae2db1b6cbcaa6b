using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    /// <summary>Placeholder pipeline; the real one lands with the generator issue.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
