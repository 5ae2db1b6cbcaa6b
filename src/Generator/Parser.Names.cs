using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace AotNet.Generator
{
    internal static partial class Parser
    {
        /// <summary>The most Dense layers a model may declare (each is written out as methods of its own: compile time grows with them).</summary>
        public const int MaxLayers = 256;

        /// <summary>The generated model's methods (a user's method of another signature may share the name).</summary>
        private static readonly HashSet<string> GeneratedMethods = new()
        {
            "GetWeights", "Create", "CreateWorkspace", "ResetOptimizer", "SetDropoutKey", "Block", "Backward", "Evaluate", "Predict",
            "LoadInputs", "ForwardChunk", "LossRows", "ChunkPass", "Sums", "Step", "BeginStep", "StepRange", "RegularizationLoss",
            "Regularize", "ClipRange", "TrainBatch", "TrainRow", "CheckBatch", "CheckData", "Adapt", "BatchPass", "BatchPhase", "DenseGradient", "EmbeddingBackward",
        };

        /// <summary>The generated model's other members: constants, fields, properties and the nested Passes struct.</summary>
        private static readonly HashSet<string> GeneratedMembers = new()
        {
            "InputCount", "OutputCount", "ParameterCount", "LogitsOffset", "LossOffset", "MetricsOffset", "MetricColumns",
            "WorkspaceFloatsPerRow", "LearningRate", "Rho", "Epsilon", "Beta1", "Beta2", "Momentum", "WeightDecay", "Description",
            "Parameters", "Gradients", "Iterations", "Passes", "_parameters", "_gradients", "_velocity", "_momentum", "_iterations",
            "_update", "_learningRate", "_schedule", "_training", "_sparseScratch", "_clipScale", "_clipFactors", "_dropoutKey",
            "State", "StateCount", "IsAdapted", "NormalizationMean", "NormalizationVariance", "NormalizationMeanOffset",
            "NormalizationVarianceOffset", "NormScratchOffset", "_state", "_normMean", "_normSums", "EmbeddingInputs", "EmbeddingOutputs",
            "EmbeddingOffset", "EmbeddingLength", "Embeddings", "PooledOffset", "PoolCountOffset", "_embeddingScratch", "BatchPhaseCount",
        };

        private static readonly Regex GeneratedLayerMethod = new(@"^(Forward|Backward|Norm|NormTraining)[0-9]+$", RegexOptions.CultureInvariant);

        private static readonly Regex GeneratedLayerMember = new(
            @"^(Dense[0-9]+(Inputs|Units|KernelOffset|KernelLength|BiasOffset|Kernel|Bias)|(Activation|Delta|Z|Mask|Dropped)[0-9]+Offset|Dropout[0-9]+(Threshold|Scale)|(Norm|XHat|Inv|Gamma|Beta|MovingMean|MovingVariance)[0-9]+Offset|_norm[0-9]+Inv)$",
            RegexOptions.CultureInvariant);

        private static bool IsGeneratedMethod(string name) => GeneratedMethods.Contains(name) || GeneratedLayerMethod.IsMatch(name);

        private static bool IsGeneratedMember(string name) => GeneratedMembers.Contains(name) || GeneratedLayerMember.IsMatch(name);

        /// <summary>
        /// The class's name and its own members against the generated members' names: a class named like one of them
        /// (CS0542), or a member that is not an overload of a generated method (CS0102), would not compile.
        /// </summary>
        private static void CheckNames(INamedTypeSymbol type, Location classLocation, List<DiagnosticInfo> diagnostics)
        {
            if (IsGeneratedMethod(type.Name) || IsGeneratedMember(type.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedName, classLocation, type.Name, "class"));
            }

            foreach (var member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                {
                    continue;
                }

                bool collides = member is IMethodSymbol ? IsGeneratedMember(member.Name) : IsGeneratedMember(member.Name) || IsGeneratedMethod(member.Name);
                if (collides)
                {
                    var location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? classLocation;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedName, location, member.Name, "member"));
                }
            }
        }

        /// <summary>Create(seed) calls <c>new T()</c>: some constructor must take no arguments.</summary>
        private static bool HasParameterlessConstructor(INamedTypeSymbol type) =>
            type.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams));

        /// <summary>A value written into the model as a float literal must not overflow float (it would be Infinityf).</summary>
        private static void CheckFloat(List<DiagnosticInfo> diagnostics, Location location, string option, double value)
        {
            if (!double.IsNaN(value) && !double.IsInfinity(value) && float.IsInfinity((float)value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FloatOverflow, location, option, Format(value)));
            }
        }
    }
}
