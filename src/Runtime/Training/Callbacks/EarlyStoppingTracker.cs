namespace AotNet.Training;

/// <summary>
/// The state of an <see cref="Training.EarlyStopping"/> during one fit: the best monitored value, its epoch, the epochs
/// waited since, and (with <see cref="EarlyStopping.RestoreBestWeights"/>) a copy of the best epoch's weights.
/// </summary>
internal struct EarlyStoppingTracker(EarlyStopping settings, int parameters)
{
    private readonly float[]? _bestWeights = settings.RestoreBestWeights ? new float[parameters] : null;
    private double _best = settings.Maximise ? double.NegativeInfinity : double.PositiveInfinity;
    private int _bestEpoch, _wait;

    public readonly int BestEpoch => _bestEpoch;

    /// <summary>The end of epoch <paramref name="epoch"/>: true when training stops here.</summary>
    public bool OnEpochEnd(int epoch, History history, ReadOnlySpan<float> weights)
    {
        double monitored = history[settings.Monitor][epoch - 1];
        bool improved = settings.Maximise ? monitored > _best + settings.MinDelta : monitored < _best - settings.MinDelta;
        if (improved)
        {
            _best = monitored;
            _bestEpoch = epoch;
            _wait = 0;
            if (_bestWeights is not null)
            {
                weights.CopyTo(_bestWeights);
            }

            return false;
        }

        return ++_wait > settings.Patience;
    }

    /// <summary>Puts the best epoch's weights back into <paramref name="weights"/>, when they were kept.</summary>
    public readonly void RestoreBestWeights(Span<float> weights, History history)
    {
        if (_bestWeights is not null && _bestEpoch > 0)
        {
            _bestWeights.CopyTo(weights);
            history.RestoredEpoch = _bestEpoch;
        }
    }
}
