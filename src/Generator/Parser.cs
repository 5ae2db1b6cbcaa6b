using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AotNet.Generator
{
    /// <summary>
    /// Turns a class with [Sequential] and [Dense] attributes into a <see cref="ModelSpec"/> plus diagnostics, in phases:
    /// the declaration, the options record (<see cref="ReadOptions"/>, <see cref="ValidateOptions"/>), the layers
    /// (<see cref="ReadLayers"/>, <see cref="PlaceDropouts"/>) and the checks of the output against the loss and metrics
    /// (<see cref="CheckOutput"/>, <see cref="CheckSize"/>).
    /// </summary>
    internal static partial class Parser
    {
        public const string SequentialAttributeName = "AotNet.SequentialAttribute";
        private const string DenseAttributeName = "DenseAttribute";
        private const string DropoutAttributeName = "DropoutAttribute";
        private const string RootNamespace = "AotNet";

        public static bool IsCandidate(SyntaxNode node) =>
            node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var classLocation = declaration.Identifier.GetLocation();
            var diagnostics = new List<DiagnosticInfo>();
            string name = type.Name;
            if (!CheckDeclaration(type, declaration, classLocation, diagnostics))
            {
                return Fail(diagnostics);
            }

            var sequential = context.Attributes[0];
            if (sequential.ConstructorArguments.Length != 1 || sequential.ConstructorArguments[0].Value is not int inputs)
            {
                // The attribute does not bind (missing argument or type error): the compiler reports it.
                return Fail(diagnostics);
            }

            var sequentialLocation = LocationOf(sequential, cancellationToken) ?? classLocation;
            var options = ReadOptions(sequential, inputs);
            ValidateOptions(options, name, sequential, sequentialLocation, diagnostics, cancellationToken);

            var layers = new List<LayerSpec>();
            var layerLocations = new List<Location>();
            var dropouts = new List<(int Layer, double Rate, Location Location)>();
            if (!ReadLayers(type, classLocation, layers, layerLocations, dropouts, diagnostics, cancellationToken))
            {
                return Fail(diagnostics);
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, name));
                return Fail(diagnostics);
            }

            if (layers.Count > MaxLayers)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyLayers, classLocation, name, Format(layers.Count), Format(MaxLayers)));
                return Fail(diagnostics);
            }

            PlaceDropouts(layers, dropouts, diagnostics);
            bool normalization = ReadNormalizations(type, classLocation, options, layers, diagnostics, cancellationToken);
            CheckOutput(options, layers, layerLocations, sequentialLocation, diagnostics);
            double learningRate = options.LearningRate == 0 ? (options.Optimizer == Optimizer.Sgd ? 0.01 : 0.001) : options.LearningRate;
            double weightDecay = options.WeightDecay;
            var model = new ModelSpec(
                NamespaceOf(type),
                name,
                type.IsRecord,
                inputs,
                new EquatableArray<LayerSpec>(layers.ToArray()),
                options.Loss,
                options.Optimizer,
                learningRate,
                options.Metrics,
                options.LegacyEpsilon,
                options.Momentum,
                options.Nesterov && options.Momentum > 0,
                options.ClipValue,
                options.ClipNorm,
                options.GlobalClipNorm,
                weightDecay,
                normalization);
            CheckSize(new Emitter.Layout(model), classLocation, diagnostics);
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                {
                    return Fail(diagnostics);
                }
            }

            if (weightDecay * learningRate >= 1)
            {
                var at = NamedArgumentLocation(sequential, "WeightDecay", cancellationToken) ?? sequentialLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightDecayTooLarge, at, Format(weightDecay), Format(learningRate), Format(1 - (weightDecay * learningRate))));
            }

            return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        /// <summary>The declaration's shape: not nested or generic (else false: nothing more is read), partial, not static or abstract.</summary>
        private static bool CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Location classLocation, List<DiagnosticInfo> diagnostics)
        {
            string name = type.Name;
            if (type.ContainingType is not null || type.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NestedOrGeneric, classLocation, name, type.ContainingType is not null ? "nested" : "generic"));
                return false;
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, name));
            }

            if (type.IsStatic || type.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticOrAbstract, classLocation, name, type.IsStatic ? "static" : "abstract"));
            }
            else if (!HasParameterlessConstructor(type))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoParameterlessConstructor, classLocation, name));
            }

            if (type.IsFileLocal)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalModel, classLocation, name));
            }

            CheckNames(type, classLocation, diagnostics);
            return true;
        }

        /// <summary>The containing namespace's names joined by dots, unescaped (<c>@namespace</c> is <c>namespace</c>), or null for the global namespace.</summary>
        private static string? NamespaceOf(INamedTypeSymbol type)
        {
            var names = new List<string>();
            for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                names.Insert(0, ns.Name);
            }

            return names.Count == 0 ? null : string.Join(".", names);
        }

        private static ParseResult Fail(List<DiagnosticInfo> diagnostics) =>
            new(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private static bool IsDense(INamedTypeSymbol? attribute) => IsRootAttribute(attribute, DenseAttributeName);

        private static bool IsRootAttribute(INamedTypeSymbol? attribute, string name) =>
            attribute is { ContainingType: null } && attribute.Name == name &&
            attribute.ContainingNamespace is { Name: RootNamespace } ns &&
            ns.ContainingNamespace is { IsGlobalNamespace: true };

        /// <summary>The named argument <c>name = …</c> of an attribute's application, or null.</summary>
        private static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
            {
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.GetLocation();
                    }
                }
            }

            return null;
        }

        private static Location? LocationOf(AttributeData attribute, CancellationToken cancellationToken) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

        /// <summary>Every flag of <see cref="Metric"/> (the runtime's enum, linked into the generator).</summary>
        private static readonly Metric AllMetrics = Enum.GetValues(typeof(Metric)).Cast<Metric>().Aggregate(Metric.None, (all, flag) => all | flag);

        private static bool IsDefined<TEnum>(TEnum value)
            where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);

        private static void CheckEnum<TEnum>(List<DiagnosticInfo> diagnostics, Location location, string enumName, TEnum value)
            where TEnum : struct, Enum
        {
            if (!IsDefined(value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, location, enumName, Format(Convert.ToInt64(value, CultureInfo.InvariantCulture))));
            }
        }

        private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
