using AotNet.Data;
using AotNet.Reference;
using AotNet.Training;

namespace AotNet.Tests.Generator;

/// <summary>Synthetic data sets and comparison helpers for generated models.</summary>
internal static class ModelHarness
{
    /// <summary>Multi-hot inputs (as CSR) with targets that suit the model's loss.</summary>
    public static (CsrMatrix Sparse, DenseMatrix Targets) MultiHot(ModelDescription description, int rows, double density, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var offsets = new int[rows + 1];
        var columns = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < description.Inputs; c++)
            {
                if (random.NextSingle() < density)
                {
                    columns.Add(c);
                }
            }

            offsets[r + 1] = columns.Count;
        }

        return (new CsrMatrix(offsets, columns.ToArray(), description.Inputs), Targets(description, rows, random));
    }

    /// <summary>Real-valued dense inputs in [-2, 2) with about a third of them exactly zero.</summary>
    public static (DenseMatrix Inputs, DenseMatrix Targets) RealValued(ModelDescription description, int rows, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var inputs = new DenseMatrix(rows, description.Inputs);
        for (int i = 0; i < inputs.Data.Length; i++)
        {
            inputs.Data[i] = random.NextSingle() < 0.33f ? 0f : random.NextSingle(-2f, 2f);
        }

        return (inputs, Targets(description, rows, random));
    }

    public static DenseMatrix Targets(ModelDescription description, int rows, DeterministicRandom random)
    {
        int outputs = description.Outputs;
        var targets = new DenseMatrix(rows, description.TargetCount);
        for (int r = 0; r < rows; r++)
        {
            var row = targets.Row(r);
            switch (description.Loss)
            {
                case Loss.BinaryCrossentropy:
                    row[0] = random.NextInt(2);
                    break;
                case Loss.CategoricalCrossentropy:
                    row[random.NextInt(outputs)] = 1f;
                    break;
                case Loss.SparseCategoricalCrossentropy:
                    row[0] = random.NextInt(outputs);
                    break;
                default:
                    for (int j = 0; j < outputs; j++)
                    {
                        row[j] = description.Layers[^1].Activation is Activation.Sigmoid or Activation.Softmax
                            ? random.NextSingle()
                            : random.NextSingle(-3f, 3f);
                    }

                    break;
            }
        }

        return targets;
    }

    public static int[] AllRows(int count) => Enumerable.Range(0, count).ToArray();

    /// <summary>
    /// Fits a fresh model (created from seed 5) with 1, 2 and 3 threads and asserts the same weights and the same history,
    /// bit for bit (the determinism contract); returns the weights.
    /// </summary>
    public static float[] AssertFitIsThreadIndependent<T>(LabeledData data, LabeledData? validation, FitOptions options, string what)
        where T : class, IModel<T>
    {
        float[]? expected = null;
        History? expectedHistory = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var model = T.Create(5);
            using var trainer = new Trainer<T>(model, threads);
            var history = trainer.Fit(data, validation, options);
            if (expected is null)
            {
                expected = model.Parameters.ToArray();
                expectedHistory = history;
                continue;
            }

            Assert.True(expected.AsSpan().SequenceEqual(model.Parameters), $"{what}: {threads} threads give other weights than 1");
            Assert.Equal(expectedHistory!.Keys, history.Keys);
            foreach (string key in expectedHistory.Keys)
            {
                Assert.True(expectedHistory[key].SequenceEqual(history[key]), $"{what}, {threads} threads: {key} {string.Join(" ", history[key])} vs {string.Join(" ", expectedHistory[key])}");
            }
        }

        return expected!;
    }

    /// <summary>
    /// One training step of <paramref name="model"/> and <paramref name="reference"/> on the same batch: the loss and the
    /// gradient of the batch are compared with the reference's, then both step with the model's data gradient (scaled by
    /// 1 / rows) and the parameters are compared. Returns that gradient (before the step).
    /// </summary>
    public static float[] AssertStepMatchesReference<T>(T model, ReferenceNetwork reference, Features inputs, DenseMatrix targets, int[] rows, Workspace workspace, string what)
        where T : class, IModelGradients<T>
    {
        Array.Clear(model.Gradients);
        var trained = model.Backward(new Batch(inputs, targets, rows), workspace, model.Gradients);
        var expectedGradient = new double[T.Description.ParameterCount];
        var referenceStats = reference.Backward(inputs, targets, rows, expectedGradient);
        AssertClose(referenceStats.LossSum, trained.LossSum, 1e-5, 2e-5, $"{what} loss");
        AssertClose(expectedGradient, model.Gradients, 2e-6 * Math.Max(1, MaxAbs(expectedGradient)), 1e-4, $"{what} gradient");
        var dataGradient = model.Gradients.ToArray();
        model.Step(1f / rows.Length);
        reference.Step(dataGradient, 1.0 / rows.Length);
        AssertClose(reference.Parameters, model.Parameters, 2e-6, 1e-5, $"{what} parameters");
        return dataGradient;
    }

    /// <summary>|actual − expected| ≤ absolute + relative·|expected| for every element, with the first offender in the message.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = absolute + (relative * Math.Abs(expected[i]));
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:R})");
            }
        }
    }

    public static void AssertClose(double expected, double actual, double absolute, double relative, string what)
    {
        double tolerance = absolute + (relative * Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance:R})");
    }

    public static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }
}
