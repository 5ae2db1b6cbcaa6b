using System.Globalization;
using System.Runtime.InteropServices;
using AotNet;
using AotNet.Data;
using AotNet.Data.Csv;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;
using AotNet.Training;

// LayersModel DIGITS_DIR [KERAS_DATA_DIR]
// Trains the three models of Models.cs on real data with fixed seeds and prints, per model, its test accuracy and a
// hash of every bit of its trained weights and state (the same on any thread count, vector width, x64 or ARM64).
// DIGITS_DIR holds digits_train.csv and digits_test.csv (export_digits.py); KERAS_DATA_DIR holds Keras's imdb.npz.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: LayersModel DIGITS_DIR [KERAS_DATA_DIR]");
    return 2;
}

var (digitsTrain, digitsTest) = Digits<DigitsBatchNormNet>(args[0]);
Report("digits_bn", Train<DigitsBatchNormNet>(digitsTrain, digitsTest, epochs: 30, batchSize: 32));
Report("digits_ln", Train<DigitsLayerNormNet>(digitsTrain, digitsTest, epochs: 30, batchSize: 32));

if (args.Length == 2)
{
    // Keras's imdb.load_data(num_words=5000), then pad_sequences(maxlen=200): pre-padding, pre-truncating
    var imdb = Imdb.Load(args[1], numWords: 5000);
    LabeledData Tokens(TextSplit split) => new(TokenMatrix.Pad(split.Sequences, ImdbBagNet.Description.Inputs), Labels.ToColumn(split.Labels));
    Report("imdb_bag", Train<ImdbBagNet>(Tokens(imdb.Train), Tokens(imdb.Test), epochs: 6, batchSize: 128));
}

return 0;

static (LabeledData Train, LabeledData Test) Digits<T>(string dir)
    where T : class, IModel<T>
{
    var options = CsvOptions.For(T.Description, "digit");
    var train = CsvFile.Read(Path.Combine(dir, "digits_train.csv"), options);
    var test = CsvFile.Read(Path.Combine(dir, "digits_test.csv"), options with { ClassNames = train.ClassNames });
    return (train.ToLabeledData(), test.ToLabeledData());
}

static (double Accuracy, ulong Hash) Train<T>(LabeledData train, LabeledData test, int epochs, int batchSize)
    where T : class, IModel<T>
{
    var model = T.Create(seed: 1);
    using var trainer = new Trainer<T>(model, Environment.ProcessorCount);
    trainer.Fit(train, null, new FitOptions { Epochs = epochs, BatchSize = batchSize, Seed = 2 });
    double accuracy = trainer.Evaluate(test)["accuracy"];
    ulong hash = 14695981039346656037UL; // FNV-1a 64 over the float bits, parameters then state
    foreach (float[] block in new[] { model.Parameters, model.State })
    {
        foreach (byte b in MemoryMarshal.AsBytes(block.AsSpan()))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
    }

    return (accuracy, hash);
}

static void Report(string name, (double Accuracy, ulong Hash) result) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} test_accuracy {result.Accuracy:0.000000} weights {result.Hash:x16}"));
