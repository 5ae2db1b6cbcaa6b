namespace AotNet.Training;

/// <summary>
/// What <c>fit</c> returns, with Keras's key names: <c>loss</c>, the declared metrics (<c>accuracy</c>, <c>mae</c>,
/// <c>mse</c>, <c>auc</c>, <c>precision</c>, <c>recall</c>), and their <c>val_</c> twins when validation data was given.
/// With <see cref="ReduceLROnPlateau"/>, <c>learning_rate</c> too.
/// One value per epoch run.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _series = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly List<double> _loss;
    private readonly List<double>?[] _metrics, _valMetrics;
    private readonly List<double>? _valLoss;
    private List<double>? _learningRate;

    /// <summary>A history for a model with one metric (or none).</summary>
    public History(string? metricName, bool hasValidation, int capacity)
        : this(metricName is null ? [] : [metricName], hasValidation, capacity)
    {
    }

    public History(IReadOnlyList<string> metricNames, bool hasValidation, int capacity)
    {
        ArgumentNullException.ThrowIfNull(metricNames);
        MetricNames = [.. metricNames];
        HasValidation = hasValidation;
        _loss = Series("loss", capacity);
        _metrics = new List<double>?[MetricNames.Count];
        _valMetrics = new List<double>?[MetricNames.Count];
        for (int i = 0; i < MetricNames.Count; i++)
        {
            _metrics[i] = Series(MetricNames[i], capacity);
        }

        if (hasValidation)
        {
            _valLoss = Series("val_loss", capacity);
            for (int i = 0; i < MetricNames.Count; i++)
            {
                _valMetrics[i] = Series("val_" + MetricNames[i], capacity);
            }
        }
    }

    /// <summary>The first metric's name ("accuracy", "mae", …) or null.</summary>
    public string? MetricName => MetricNames.Count > 0 ? MetricNames[0] : null;

    /// <summary>The metrics' names, in the order of their values.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    public bool HasValidation { get; }

    /// <summary>The keys in Keras's order: loss, the metrics, val_loss, the val_ metrics (then any series a callback adds, e.g. learning_rate).</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>Whether the history has a series named <paramref name="key"/>.</summary>
    public bool Contains(string key) => _series.ContainsKey(key);

    public IReadOnlyList<double> this[string key] =>
        _series.TryGetValue(key, out var series) ? series : throw new KeyNotFoundException($"the history has no '{key}'; it has {string.Join(", ", _keys)}");

    public IReadOnlyList<double> Loss => _series["loss"];

    public IReadOnlyList<double> ValLoss => this["val_loss"];

    /// <summary>Number of epochs recorded.</summary>
    public int Epochs => _loss.Count;

    /// <summary>1-based epoch whose weights were restored by early stopping, or 0.</summary>
    public int RestoredEpoch { get; internal set; }

    /// <summary>Bytes the training threads allocated after the first epoch (observer callbacks excluded); the goal is 0.</summary>
    public long AllocatedBytesAfterFirstEpoch { get; internal set; }

    /// <summary>1-based epoch with the best value of <paramref name="key"/>: the highest for accuracy, AUC, precision and recall, else the lowest.</summary>
    public int BestEpoch(string key)
    {
        var values = this[key];
        bool maximise = MetricValues.Maximise(key);
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
    internal void TrackLearningRate(int capacity) => _learningRate = Series("learning_rate", capacity);

    /// <summary>Appends the epoch's learning rate to the <c>learning_rate</c> series.</summary>
    internal void AddLearningRate(double learningRate) => _learningRate!.Add(learningRate);

    /// <summary>Appends one epoch; no allocation while the lists are within their capacity.</summary>
    internal void Add(double loss, ReadOnlySpan<double> metrics, double valLoss, ReadOnlySpan<double> valMetrics)
    {
        _loss.Add(loss);
        for (int i = 0; i < _metrics.Length; i++)
        {
            _metrics[i]!.Add(metrics[i]);
        }

        if (_valLoss is not null)
        {
            _valLoss.Add(valLoss);
            for (int i = 0; i < _valMetrics.Length; i++)
            {
                _valMetrics[i]!.Add(valMetrics[i]);
            }
        }
    }

    private List<double> Series(string key, int capacity)
    {
        var series = new List<double>(capacity);
        _series.Add(key, series);
        _keys.Add(key);
        return series;
    }
}
