using AotNet.Data;
using AotNet.Reference;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>
/// Finite-difference checks of the analytic gradients for every activation and loss: tight in double on the
/// reference (which the generated models match), looser in float on the generated models themselves.
/// </summary>
public class GradientCheckTests
{
    [Theory]
    [MemberData(nameof(GeneratedModelTests.Models), MemberType = typeof(GeneratedModelTests))]
    public void ReferenceGradientMatchesCentralDifferences(string model) => ModelCases.Run(model, new ReferenceFiniteDifferences());

    [Theory]
    [MemberData(nameof(GeneratedModelTests.Models), MemberType = typeof(GeneratedModelTests))]
    public void GeneratedGradientMatchesFloatCentralDifferences(string model) => ModelCases.Run(model, new GeneratedFiniteDifferences());

    /// <summary>Coordinates to probe: some of every kernel and bias.</summary>
    private static IEnumerable<int> Probes(ModelDescription description, DeterministicRandom random, int perTensor)
    {
        foreach (var layer in description.Layers)
        {
            for (int k = 0; k < perTensor; k++)
            {
                yield return layer.KernelOffset + random.NextInt(layer.KernelLength);
                yield return layer.BiasOffset + random.NextInt(layer.Units);
            }
        }
    }

    private static (Features Inputs, DenseMatrix Targets) Data(ModelDescription description)
    {
        // real-valued dense inputs, so every kernel row takes part in the gradient
        var (inputs, targets) = ModelHarness.RealValued(description, 7, 21);
        if (description.Inputs > 100)
        {
            var (sparse, sparseTargets) = ModelHarness.MultiHot(description, 7, 0.3, 21);
            return (sparse.ToDense(), sparseTargets);
        }

        return (inputs, targets);
    }

    private sealed class ReferenceFiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            var (inputs, targets) = Data(description);
            int[] rows = ModelHarness.AllRows(targets.Rows);
            var reference = new ReferenceNetwork(description, T.Create(2).Parameters);
            var gradient = new double[description.ParameterCount];
            reference.Backward(inputs, targets, rows, gradient);
            const double H = 1e-6;
            foreach (int k in Probes(description, new DeterministicRandom(3), 6))
            {
                double saved = reference.Parameters[k];
                reference.Parameters[k] = saved + H;
                double plus = reference.Evaluate(inputs, targets, rows).LossSum;
                reference.Parameters[k] = saved - H;
                double minus = reference.Evaluate(inputs, targets, rows).LossSum;
                reference.Parameters[k] = saved;
                ModelHarness.AssertClose((plus - minus) / (2 * H), gradient[k], 1e-6, 1e-5, $"reference d loss / d parameter {k}");
            }
        }
    }

    private sealed class GeneratedFiniteDifferences : IModelCheck
    {
        public void Run<T>(bool legacyEpsilon, double momentum)
            where T : class, IModelGradients<T>
        {
            var description = T.Description;
            var (inputs, targets) = Data(description);
            int[] rows = ModelHarness.AllRows(targets.Rows);
            var model = T.Create(2);
            var workspace = model.CreateWorkspace(rows.Length);
            var gradient = new float[description.ParameterCount];
            model.Backward(new Batch(inputs, targets, rows), workspace, gradient);
            const float H = 5e-4f;
            foreach (int k in Probes(description, new DeterministicRandom(3), 4))
            {
                float saved = model.Parameters[k];
                model.Parameters[k] = saved + H;
                double plus = model.Evaluate(new Batch(inputs, targets, rows), workspace).LossSum;
                model.Parameters[k] = saved - H;
                double minus = model.Evaluate(new Batch(inputs, targets, rows), workspace).LossSum;
                model.Parameters[k] = saved;
                double step = (double)(saved + H) - (saved - H); // the step actually taken in float
                ModelHarness.AssertClose((plus - minus) / step, gradient[k], 2e-3, 2e-2, $"generated d loss / d parameter {k}");
            }
        }
    }
}
