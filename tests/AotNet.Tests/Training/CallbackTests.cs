using System.Globalization;
using AotNet.Data;
using AotNet.IO;
using AotNet.Tests.Generator;
using AotNet.Tests.Generator.Models;
using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>FitOptions.ValidationSplit (Keras's validation_split), CsvLogger and ModelCheckpoint.</summary>
public class CallbackTests
{
    [Fact]
    public void ValidationSplitValidatesOnTheLastRowsBeforeShuffling()
    {
        var (inputs, targets) = ModelHarness.RealValued(MaeNet.Description, 103, 2);
        var data = new LabeledData(inputs, targets);
        var options = new FitOptions { Epochs = 3, BatchSize = 16, Seed = 4 };
        var a = MaeNet.Create(1);
        var b = MaeNet.Create(1);
        History split, explicitly;
        using (var trainer = new Trainer<MaeNet>(a))
        {
            split = trainer.Fit(data, null, options with { ValidationSplit = 0.2 });
        }

        using (var trainer = new Trainer<MaeNet>(b))
        {
            explicitly = trainer.Fit(data.SliceRows(0, 82), data.SliceRows(82, 21), options); // floor(103 * 0.8) = 82
        }

        Assert.True(split.HasValidation);
        Assert.Equal(explicitly.Loss, split.Loss);
        Assert.Equal(explicitly.ValLoss, split.ValLoss);
        Assert.Equal(b.Parameters, a.Parameters);

        using var small = new Trainer<MaeNet>(MaeNet.Create(1));
        Assert.Throws<ArgumentException>(() => small.Fit(data.SliceRows(0, 1), null, options with { ValidationSplit = 0.5 })); // floor(0.5) = 0 training rows
        Assert.Throws<ArgumentOutOfRangeException>(() => small.Fit(data, null, options with { ValidationSplit = 1.0 }));
    }

    [Fact]
    public void CsvLoggerWritesKerasColumnsAndEpochsFromZero()
    {
        var (inputs, targets) = ModelHarness.RealValued(MaeNet.Description, 60, 3);
        var data = new LabeledData(inputs, targets);
        string path = Path.Combine(Path.GetTempPath(), $"aotnet-csv-{Guid.NewGuid():N}.csv");
        try
        {
            History history;
            using (var logger = new CsvLogger(path))
            using (var trainer = new Trainer<MaeNet>(MaeNet.Create(2)))
            {
                history = trainer.Fit(data, null, new FitOptions { Epochs = 3, BatchSize = 20, ValidationSplit = 0.25, Callbacks = [logger] });
            }

            string[] lines = File.ReadAllLines(path);
            Assert.Equal("epoch,loss,mae,val_loss,val_mae", lines[0]);
            Assert.Equal(4, lines.Length);
            for (int e = 0; e < 3; e++)
            {
                string[] cells = lines[e + 1].Split(',');
                Assert.Equal(e.ToString(CultureInfo.InvariantCulture), cells[0]);
                Assert.Equal(history.Loss[e], double.Parse(cells[1], CultureInfo.InvariantCulture));
                Assert.Equal(history["val_mae"][e], double.Parse(cells[4], CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ModelCheckpointKeepsTheWeightsOfTheBestEpoch()
    {
        var (inputs, targets) = ModelHarness.RealValued(MaeNet.Description, 200, 5);
        var data = new LabeledData(inputs, targets);
        var model = MaeNet.Create(3);
        string path = Path.Combine(Path.GetTempPath(), $"aotnet-best-{Guid.NewGuid():N}.safetensors");
        try
        {
            var snapshots = new Snapshots(model);
            var checkpoint = new ModelCheckpoint<MaeNet>(model, path);
            History history;
            using (var trainer = new Trainer<MaeNet>(model))
            {
                // a learning rate of 1e-3 on noise targets: the validation loss has a minimum and then rises or wobbles
                history = trainer.Fit(data, null, new FitOptions { Epochs = 12, BatchSize = 8, ValidationSplit = 0.3, Seed = 1, Callbacks = [checkpoint] }, snapshots);
            }

            int best = history.BestEpoch("val_loss");
            Assert.Equal(best, checkpoint.SavedEpoch);
            var (tensors, metadata) = SafeTensors.Deserialize(File.ReadAllBytes(path), path);
            var loaded = new float[MaeNet.ParameterCount];
            SafeTensors.ToModel(MaeNet.Description, tensors, loaded, path);
            Assert.Equal(snapshots.Epochs[best - 1], loaded);
            Assert.Equal(best.ToString(CultureInfo.InvariantCulture), metadata["epoch"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Snapshots(MaeNet model) : ITrainingObserver
    {
        public List<float[]> Epochs { get; } = [];

        public void OnEpochEnd(int epoch, History history, TimeSpan epochTime) => Epochs.Add(model.Parameters.ToArray());
    }
}
