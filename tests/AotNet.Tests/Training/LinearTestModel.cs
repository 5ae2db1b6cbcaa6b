using AotNet.Data;
using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>
/// A hand-written IModel for trainer tests: y = x·w + b with MSE, plain SGD and MAE, written as plainly as possible.
/// It records how it was driven (steps, rows seen) so the tests can check the trainer's contract.
/// </summary>
public sealed class LinearTestModel : IModel<LinearTestModel>
{
    public const int In = 3;

    public static float LearningRate { get; set; } = 0.05f;

    public static ModelDescription Description { get; } = new(
        nameof(LinearTestModel),
        In,
        [new LayerDescription(0, In, 1, Activation.Linear, 0, In)],
        Loss.MeanSquaredError,
        Optimizer.Sgd,
        0.05,
        Metric.MeanAbsoluteError,
        In + 1);

    public float[] Parameters { get; } = new float[In + 1];

    public float[] Gradients { get; } = new float[In + 1];

    public int Steps { get; private set; }

    /// <summary>Rows passed to Backward, in order, when recording is on (recording allocates; off by default).</summary>
    public List<int>? RowsSeen { get; set; }

    /// <summary>y = 2·x0 − x1 + 0.5·x2 + 1 plus a little noise, x uniform in [−1, 1), from a fixed seed.</summary>
    public static LabeledData MakeData(int n, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var x = new DenseMatrix(n, In);
        var y = new DenseMatrix(n, 1);
        for (int r = 0; r < n; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = rng.NextSingle(-1, 1);
            }

            y.Row(r)[0] = (2 * row[0]) - row[1] + (0.5f * row[2]) + 1 + (0.01f * rng.NextSingle(-1, 1));
        }

        return new LabeledData(x, y);
    }

    public static LinearTestModel Create(ulong seed)
    {
        var model = new LinearTestModel();
        var rng = new DeterministicRandom(seed);
        for (int i = 0; i < In; i++)
        {
            model.Parameters[i] = rng.NextSingle(-1f, 1f);
        }

        return model;
    }

    public Workspace CreateWorkspace(int maxRows) => new(maxRows, 1);

    public BatchStats Backward(in Batch batch, Workspace workspace, Span<float> gradient)
    {
        double loss = 0, mae = 0;
        foreach (int row in batch.Rows)
        {
            RowsSeen?.Add(row);
            var x = batch.Inputs.Dense!.Row(row);
            float y = batch.Targets!.Row(row)[0];
            float p = Forward(x);
            float d = p - y;
            loss += d * d;
            mae += Math.Abs(d);
            for (int i = 0; i < In; i++)
            {
                gradient[i] += 2 * d * x[i];
            }

            gradient[In] += 2 * d;
        }

        return new BatchStats(loss, AbsoluteErrors: mae);
    }

    /// <summary>The plainest training step: the batch's summed gradient, then <see cref="Step"/> with 1/batch.</summary>
    public BatchStats TrainBatch(TrainingContext context)
    {
        Array.Clear(Gradients);
        var stats = Backward(context.Batch, null!, Gradients);
        Step(1f / context.Count);
        return stats;
    }

    public void Step(float scale)
    {
        Steps++;
        for (int i = 0; i < Parameters.Length; i++)
        {
            Parameters[i] -= LearningRate * Gradients[i] * scale;
        }
    }

    public BatchStats Evaluate(in Batch batch, Workspace workspace)
    {
        double loss = 0, mae = 0;
        foreach (int row in batch.Rows)
        {
            float d = Forward(batch.Inputs.Dense!.Row(row)) - batch.Targets!.Row(row)[0];
            loss += d * d;
            mae += Math.Abs(d);
        }

        return new BatchStats(loss, AbsoluteErrors: mae);
    }

    public void Predict(in Batch batch, Workspace workspace, Span<float> outputs)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            outputs[i] = Forward(batch.Inputs.Dense!.Row(batch.Rows[i]));
        }
    }

    public void ResetOptimizer() => Steps = 0;

    private float Forward(ReadOnlySpan<float> x)
    {
        float p = Parameters[In];
        for (int i = 0; i < In; i++)
        {
            p += x[i] * Parameters[i];
        }

        return p;
    }
}
