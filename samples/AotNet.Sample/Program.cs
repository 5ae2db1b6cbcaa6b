using System.Globalization;
using AotNet;
using AotNet.Data;
using AotNet.Training;

// Three noisy clusters in 8 dimensions, classified by a generated model trained with the model API only.
const int Classes = 3, Features = 8, TrainRows = 900, TestRows = 300, BatchSize = 32, Epochs = 15;

var random = new DeterministicRandom(7);
var centers = new float[Classes, Features];
for (int c = 0; c < Classes; c++)
{
    for (int f = 0; f < Features; f++)
    {
        centers[c, f] = random.NextSingle(-1.5f, 1.5f);
    }
}

LabeledData MakeData(int rows)
{
    var inputs = new DenseMatrix(rows, Features);
    var targets = new DenseMatrix(rows, Classes);
    for (int r = 0; r < rows; r++)
    {
        int label = random.NextInt(Classes);
        targets.Row(r)[label] = 1f;
        for (int f = 0; f < Features; f++)
        {
            // sum of three uniforms: a cheap bell-shaped noise
            float noise = random.NextSingle(-1f, 1f) + random.NextSingle(-1f, 1f) + random.NextSingle(-1f, 1f);
            inputs.Row(r)[f] = centers[label, f] + (0.6f * noise);
        }
    }

    return new LabeledData(inputs, targets);
}

var train = MakeData(TrainRows);
var test = MakeData(TestRows);

var model = ClusterNet.Create(seed: 42);
var workspace = model.CreateWorkspace(BatchSize);
var order = Enumerable.Range(0, TrainRows).ToArray();
Console.WriteLine($"{ClusterNet.Description.Name}: {ClusterNet.Description.Topology}, {ClusterNet.ParameterCount} parameters, Adam");

for (int epoch = 1; epoch <= Epochs; epoch++)
{
    random.Shuffle<int>(order);
    var stats = new BatchStats(0, 0);
    for (int start = 0; start < TrainRows; start += BatchSize)
    {
        int count = Math.Min(BatchSize, TrainRows - start);
        Array.Clear(model.Gradients);
        stats += model.Backward(new Batch(train.Inputs, train.Targets, order.AsSpan(start, count)), workspace, model.Gradients);
        model.Step(1f / count);
    }

    var all = Enumerable.Range(0, TestRows).ToArray();
    var held = model.Evaluate(new Batch(test.Inputs, test.Targets, all), workspace);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {epoch,2}: loss {stats.LossSum / TrainRows:F4}  accuracy {stats.MetricSum / TrainRows:F4}  test loss {held.LossSum / TestRows:F4}  test accuracy {held.MetricSum / TestRows:F4}"));
}

var probabilities = new float[3 * Classes];
model.Predict(new Batch(test.Inputs, null, [0, 1, 2]), workspace, probabilities);
for (int r = 0; r < 3; r++)
{
    var p = probabilities.AsSpan(r * Classes, Classes).ToArray().Select(v => v.ToString("F3", CultureInfo.InvariantCulture));
    Console.WriteLine($"test row {r}: p = [{string.Join(", ", p)}], label {test.Targets.Row(r).IndexOf(1f)}");
}

/// <summary>8 inputs → 32 tanh → 16 relu → 3 softmax, categorical cross-entropy, Adam.</summary>
[Sequential(8, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Tanh)]
[Dense(16, Activation.Relu)]
[Dense(3, Activation.Softmax)]
internal sealed partial class ClusterNet;
