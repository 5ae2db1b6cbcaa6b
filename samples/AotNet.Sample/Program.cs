using System.Globalization;
using AotNet;
using AotNet.Data;
using AotNet.IO;
using AotNet.Training;

// The public API end to end, on data made here: three noisy clusters in 8 dimensions.
// 1. declare a model (bottom of the file)  2. Trainer<T>.Fit with validation  3. Evaluate  4. Predict
// 5. save the weights as safetensors, load them into a fresh model, and check it predicts the same.
const int Classes = 3, Features = 8;
var inv = CultureInfo.InvariantCulture;
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
    var targets = new DenseMatrix(rows, Classes); // one-hot
    for (int r = 0; r < rows; r++)
    {
        int label = random.NextInt(Classes);
        targets.Row(r)[label] = 1f;
        for (int f = 0; f < Features; f++)
        {
            // a sum of three uniforms: cheap bell-shaped noise
            float noise = random.NextSingle(-1f, 1f) + random.NextSingle(-1f, 1f) + random.NextSingle(-1f, 1f);
            inputs.Row(r)[f] = centers[label, f] + (0.6f * noise);
        }
    }

    return new LabeledData(inputs, targets);
}

var train = MakeData(900);
var validation = MakeData(300);
var test = MakeData(300);

// 2. fit: Keras's model.fit(x, y, epochs, batch_size, validation_data)
var model = ClusterNet.Create(seed: 42);
Console.WriteLine($"{ClusterNet.Description.Name}: {ClusterNet.Description.Topology}, {ClusterNet.Description.ParameterCount} parameters, {ClusterNet.Description.Optimizer}");
using var trainer = new Trainer<ClusterNet>(model);
History history = trainer.Fit(train, validation, new FitOptions { Epochs = 15, BatchSize = 32, Seed = 1 });
for (int e = 0; e < history.Epochs; e++)
{
    Console.WriteLine(string.Create(inv,
        $"epoch {e + 1,2}: loss {history.Loss[e]:F4}  accuracy {history["accuracy"][e]:F4}  val_loss {history.ValLoss[e]:F4}  val_accuracy {history["val_accuracy"][e]:F4}"));
}

// 3. evaluate on data the model never saw
Evaluation score = trainer.Evaluate(test);
Console.WriteLine(string.Create(inv, $"test: loss {score.Loss:F4}, accuracy {score.Metric:F4}"));

// 4. predict: class probabilities, one row per input
DenseMatrix probabilities = trainer.Predict(test.Inputs.SliceRows(0, 3));
for (int r = 0; r < probabilities.Rows; r++)
{
    string p = string.Join(", ", probabilities.Row(r).ToArray().Select(v => v.ToString("F3", inv)));
    Console.WriteLine($"test row {r}: p = [{p}], label {test.Targets.Row(r).IndexOf(1f)}");
}

// 5. save as safetensors (dense_{i}.kernel [in, out], dense_{i}.bias [out], F32) with metadata, then load
string path = Path.Combine(Path.GetTempPath(), "aotnet-sample.safetensors");
var metadata = new Dictionary<string, string> { ["model"] = ClusterNet.Description.Name, ["topology"] = ClusterNet.Description.Topology };
File.WriteAllBytes(path, SafeTensors.Serialize(SafeTensors.FromModel(ClusterNet.Description, model.Parameters), metadata));

var (tensors, savedMetadata) = SafeTensors.Deserialize(File.ReadAllBytes(path), path);
var loaded = ClusterNet.Create(seed: 0); // different random weights, replaced by the file's
SafeTensors.ToModel(ClusterNet.Description, tensors, loaded.Parameters, path); // refuses missing, extra or misshapen tensors
using var loadedTrainer = new Trainer<ClusterNet>(loaded);
bool same = loadedTrainer.Predict(test.Inputs).Data.AsSpan().SequenceEqual(trainer.Predict(test.Inputs).Data);
Console.WriteLine($"saved {new FileInfo(path).Length} bytes ({savedMetadata["topology"]}); reloaded model predicts the same: {same}");
File.Delete(path);

// 6. fight over-fitting as the book does: L2 weight regularisation and dropout, here with integer labels
//    (sparse categorical cross-entropy: one target column holding the class index, no one-hot matrix)
DenseMatrix Labels(DenseMatrix onehot)
{
    var labels = new DenseMatrix(onehot.Rows, 1);
    for (int r = 0; r < onehot.Rows; r++)
    {
        labels.Row(r)[0] = onehot.Row(r).IndexOf(1f);
    }

    return labels;
}

var sparseTrain = new LabeledData(train.Inputs, Labels(train.Targets));
var sparseValidation = new LabeledData(validation.Inputs, Labels(validation.Targets));
var regularized = RegularizedClusterNet.Create(seed: 42);
Console.WriteLine($"{RegularizedClusterNet.Description.Name}: {RegularizedClusterNet.Description.Topology}, L2 {RegularizedClusterNet.Description.Layers[0].KernelL2.ToString(inv)} on the hidden kernels");
using var regularizedTrainer = new Trainer<RegularizedClusterNet>(regularized);
var regularizedHistory = regularizedTrainer.Fit(sparseTrain, sparseValidation, new FitOptions { Epochs = 15, BatchSize = 32, Seed = 1 });
Console.WriteLine(string.Create(inv,
    $"regularised: loss {regularizedHistory.Loss[^1]:F4} (with the L2 penalty, as Keras reports it), val_loss {regularizedHistory.ValLoss[^1]:F4}, val_accuracy {regularizedHistory["val_accuracy"][^1]:F4}; penalty now {regularized.RegularizationLoss():F4}"));

// 7. a rarer class, Keras-style: "is it cluster 0?" (about a third of the rows) with class weights, AdamW under a cosine
//    learning-rate schedule, and several metrics (AUC, precision, recall) in the history under their Keras names
DenseMatrix IsClusterZero(DenseMatrix onehot)
{
    var labels = new DenseMatrix(onehot.Rows, 1);
    for (int r = 0; r < onehot.Rows; r++)
    {
        labels.Row(r)[0] = onehot.Row(r)[0];
    }

    return labels;
}

var binaryTrain = new LabeledData(train.Inputs, IsClusterZero(train.Targets));
var binaryValidation = new LabeledData(validation.Inputs, IsClusterZero(validation.Targets));
using var detectorTrainer = new Trainer<ClusterZeroDetector>(ClusterZeroDetector.Create(seed: 42));
var detectorHistory = detectorTrainer.Fit(binaryTrain, binaryValidation, new FitOptions
{
    Epochs = 10,
    BatchSize = 32,
    Seed = 1,
    ClassWeight = new Dictionary<int, double> { [0] = 1, [1] = 2 }, // the positives count twice in the loss
    LearningRateSchedule = new CosineDecay(initialLearningRate: 0.01, decaySteps: 10 * 29),
});
Console.WriteLine($"detector history: {string.Join(", ", detectorHistory.Keys)}");
Console.WriteLine(string.Create(inv,
    $"detector: val_auc {detectorHistory["val_auc"][^1]:F4}, val_precision {detectorHistory["val_precision"][^1]:F4}, val_recall {detectorHistory["val_recall"][^1]:F4}; test {detectorTrainer.Evaluate(new LabeledData(test.Inputs, IsClusterZero(test.Targets)))}"));

/// <summary>8 inputs → 32 tanh → 16 relu → 3 softmax, categorical cross-entropy, Adam. The generator writes the rest.</summary>
[Sequential(8, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Tanh)]
[Dense(16, Activation.Relu)]
[Dense(3, Activation.Softmax)]
internal sealed partial class ClusterNet;

/// <summary>
/// The same task regularised: L2 (0.002) on the hidden kernels, dropout 0.3 after each hidden layer (training only),
/// a Gelu and a LeakyRelu layer, and integer labels.
/// </summary>
[Sequential(8, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(32, Activation.Gelu, KernelL2 = 0.002)]
[Dropout(0.3)]
[Dense(16, Activation.LeakyRelu, KernelL2 = 0.002)]
[Dropout(0.3)]
[Dense(3, Activation.Softmax)]
internal sealed partial class RegularizedClusterNet;

/// <summary>One sigmoid unit: AdamW (weight decay 0.004), binary cross-entropy, accuracy, AUC, precision and recall.</summary>
[Sequential(8, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.AdamW,
    Metrics = Metric.Accuracy | Metric.Auc | Metric.Precision | Metric.Recall)]
[Dense(16, Activation.Silu)]
[Dense(1, Activation.Sigmoid)]
internal sealed partial class ClusterZeroDetector;
