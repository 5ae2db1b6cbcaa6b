using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>A check run on one generated model type, with what the scalar reference must know of it.</summary>
internal interface IModelCheck
{
    void Run<T>(bool legacyEpsilon, double momentum)
        where T : class, IModelGradients<T>;
}

/// <summary>
/// The generated test models the reference checks run on, by name: theory data are names (xunit shows them), and this
/// one table turns a name into the model type and the options the reference needs (LegacyEpsilon, Momentum).
/// </summary>
internal static class ModelCases
{
    private static readonly Dictionary<string, Action<IModelCheck>> Cases = new()
    {
        [nameof(ImdbNet)] = Case<ImdbNet>(),
        [nameof(BostonNet)] = Case<BostonNet>(),
        [nameof(OddBinaryNet)] = Case<OddBinaryNet>(legacyEpsilon: true),
        [nameof(SoftmaxAdamNet)] = Case<SoftmaxAdamNet>(),
        [nameof(SigmoidMseMomentumNet)] = Case<SigmoidMseMomentumNet>(momentum: 0.9),
        [nameof(SoftmaxMseSgdNet)] = Case<SoftmaxMseSgdNet>(),
        [nameof(TinyNet)] = Case<TinyNet>(),
        [nameof(GlobalNamespaceNet)] = Case<GlobalNamespaceNet>(),
        [nameof(WideSparseNet)] = Case<WideSparseNet>(),
        [nameof(SparseLabelNet)] = Case<SparseLabelNet>(),
        [nameof(SparseLabelAdamNet)] = Case<SparseLabelAdamNet>(),
        [nameof(MaeNet)] = Case<MaeNet>(),
        [nameof(HuberNet)] = Case<HuberNet>(momentum: 0.9),
        [nameof(L2Net)] = Case<L2Net>(),
        [nameof(RegularizedNet)] = Case<RegularizedNet>(),
        [nameof(RegularizedRmsNet)] = Case<RegularizedRmsNet>(),
        [nameof(GeluEluNet)] = Case<GeluEluNet>(),
        [nameof(SeluLeakyNet)] = Case<SeluLeakyNet>(),
        [nameof(SiluNet)] = Case<SiluNet>(),
        [nameof(DropoutNet)] = Case<DropoutNet>(),
        [nameof(DropoutAdamNet)] = Case<DropoutAdamNet>(),
        [nameof(DropoutSparseNet)] = Case<DropoutSparseNet>(),
    };

    /// <summary>Runs <paramref name="check"/> on the model named <paramref name="model"/>.</summary>
    public static void Run(string model, IModelCheck check)
    {
        if (!Cases.TryGetValue(model, out var run))
        {
            throw new ArgumentException($"no model case '{model}': add it to {nameof(ModelCases)}", nameof(model));
        }

        run(check);
    }

    private static Action<IModelCheck> Case<T>(bool legacyEpsilon = false, double momentum = 0)
        where T : class, IModelGradients<T> => check => check.Run<T>(legacyEpsilon, momentum);
}
