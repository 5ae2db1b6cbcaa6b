namespace AotNet.Training;

/// <summary>
/// What <c>fit</c> returns, with Keras's key names: <c>loss</c>, the metric (<c>accuracy</c> or <c>mae</c>),
/// and their <c>val_</c> twins when validation data was given, and <c>learning_rate</c> under
/// <see cref="ReduceLROnPlateau"/>. One value per epoch run.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _series = new(StringComparer.Ordinal);
    private readonly List<double> _loss;
    private readonly List<double>? _metric, _valLoss, _valMetric;
    private List<double>? _learningRate;

    public History(string? metricName, bool hasValidation, int capacity)
    {
        MetricName = metricName;
        HasValidation = hasValidation;
        foreach (string key in Keys)
        {
            _series[key] = new List<double>(capacity);
        }

        _loss = _series["loss"];
        _metric = metricName is null ? null : _series[metricName];
        _valLoss = hasValidation ? _series["val_loss"] : null;
        _valMetric = hasValidation && metricName is not null ? _series["val_" + metricName] : null;
    }

    /// <summary>"accuracy", "mae" or null.</summary>
    public string? MetricName { get; }

    public bool HasValidation { get; }

    /// <summary>The keys in Keras's order: loss, metric, val_loss, val_metric, learning_rate (with ReduceLROnPlateau).</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            yield return "loss";
            if (MetricName is not null)
            {
                yield return MetricName;
            }

            if (HasValidation)
            {
                yield return "val_loss";
                if (MetricName is not null)
                {
                    yield return "val_" + MetricName;
                }
            }

            if (_learningRate is not null)
            {
                yield return "learning_rate";
            }
        }
    }

    public IReadOnlyList<double> this[string key] => _series[key];

    public IReadOnlyList<double> Loss => _series["loss"];

    public IReadOnlyList<double> ValLoss => _series["val_loss"];

    /// <summary>Number of epochs recorded.</summary>
    public int Epochs => _series["loss"].Count;

    /// <summary>1-based epoch whose weights were restored by early stopping, or 0.</summary>
    public int RestoredEpoch { get; internal set; }

    /// <summary>Bytes the training threads allocated after the first epoch (observer callbacks excluded); the goal is 0.</summary>
    public long AllocatedBytesAfterFirstEpoch { get; internal set; }

    /// <summary>1-based epoch with the lowest (loss-like) or highest (accuracy) value of <paramref name="key"/>.</summary>
    public int BestEpoch(string key)
    {
        var values = _series[key];
        bool maximise = key.EndsWith("accuracy", StringComparison.Ordinal);
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (maximise ? values[i] > values[best] : values[i] < values[best])
            {
                best = i;
            }
        }

        return values.Count == 0 ? 0 : best + 1;
    }

    /// <summary>Adds the <c>learning_rate</c> series (Keras's ReduceLROnPlateau writes it to the logs every epoch).</summary>
    internal void TrackLearningRate(int capacity) => _series["learning_rate"] = _learningRate = new List<double>(capacity);

    /// <summary>Appends the epoch's learning rate to the <c>learning_rate</c> series.</summary>
    internal void AddLearningRate(double learningRate) => _learningRate!.Add(learningRate);

    /// <summary>Appends one epoch; no allocation while the lists are within their capacity.</summary>
    internal void Add(double loss, double metric, double valLoss, double valMetric)
    {
        _loss.Add(loss);
        _metric?.Add(metric);
        _valLoss?.Add(valLoss);
        _valMetric?.Add(valMetric);
    }
}
