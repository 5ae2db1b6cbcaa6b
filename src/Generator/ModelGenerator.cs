using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    /// <summary>
    /// Incremental generator: every class with <c>[AotNet.Sequential]</c> gets a specialised implementation of
    /// <c>AotNet.Training.IModel&lt;T&gt;</c>. Diagnostics flow separately from the model spec, so edits that only
    /// move a declaration re-report diagnostics without regenerating code.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps (for incremental-cache tests).</summary>
        public static class Steps
        {
            public const string Parse = "AotNet.Parse";
            public const string Model = "AotNet.Model";
            public const string Diagnostics = "AotNet.Diagnostics";
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    Parser.SequentialAttributeName,
                    static (node, _) => Parser.IsCandidate(node),
                    static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
                .WithTrackingName(Steps.Parse);

            var models = parsed
                .Select(static (result, _) => result.Model)
                .Where(static model => model is not null)
                .WithTrackingName(Steps.Model);

            var diagnostics = parsed
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => diagnostics.Count > 0)
                .WithTrackingName(Steps.Diagnostics);

            context.RegisterSourceOutput(models, static (output, model) => output.AddSource(Emitter.HintName(model!), Emitter.Emit(model!)));
            // Diagnostics are mapped back onto the compilation's syntax trees (so that #pragma warning and
            // .editorconfig severities apply); this only re-runs the cheap reporting step, never the emitter.
            context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, pair) =>
            {
                foreach (var diagnostic in pair.Left)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                }
            });
        }
    }
}
