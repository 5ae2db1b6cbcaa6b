using System.Globalization;
using AotNet.IO;

namespace AotNet.Training;

/// <summary>
/// Keras's <c>ModelCheckpoint(filepath, monitor="val_loss", save_best_only=…)</c> writing safetensors (the tensors of
/// <c>SafeTensors.FromModel</c>, atomically): with <see cref="SaveBestOnly"/> (the default here) only when the
/// monitored value improves (Keras's "auto" mode: accuracy, AUC, precision and recall up, the rest down), else every epoch.
/// </summary>
public sealed class ModelCheckpoint<TModel>(TModel model, string path) : ITrainingObserver, IFitCheck
    where TModel : class, IModel<TModel>
{
    private double _best = double.NaN;

    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>A history key, e.g. "val_loss" or "val_accuracy".</summary>
    public string Monitor { get; init; } = "val_loss";

    public bool SaveBestOnly { get; init; } = true;

    /// <summary>The 1-based epoch last written, or 0.</summary>
    public int SavedEpoch { get; private set; }

    /// <summary>Before the first epoch: the monitored key exists and the file can be written (a file is created in its folder and deleted).</summary>
    void IFitCheck.CheckBeforeFit(History history)
    {
        FitChecks.RequireKey("ModelCheckpoint", Monitor, history);
        try
        {
            AtomicFile.CheckWritable(Path);
        }
        catch (IOException e)
        {
            throw new IOException($"ModelCheckpoint: {e.Message}", e);
        }
    }

    public void OnEpochEnd(int epoch, History history, TimeSpan epochTime)
    {
        ArgumentNullException.ThrowIfNull(history);
        double value = history[Monitor][epoch - 1];
        bool maximise = MetricValues.Maximise(Monitor);
        bool improved = double.IsNaN(_best) ? !double.IsNaN(value) : maximise ? value > _best : value < _best;
        if (SaveBestOnly && !improved)
        {
            return;
        }

        if (improved)
        {
            _best = value;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = TModel.Description.Name,
            ["topology"] = TModel.Description.Topology,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            [Monitor] = value.ToString("R", CultureInfo.InvariantCulture),
        };
        AtomicFile.WriteAllBytes(Path, SafeTensors.Serialize(SafeTensors.FromModel(TModel.Description, model.Parameters, model.State), metadata));
        SavedEpoch = epoch;
    }
}
