namespace AotNet.Training;

/// <summary>
/// The state of a <see cref="Training.ReduceLROnPlateau"/> during one fit (Keras resets it at the start of training):
/// Keras 3's <c>on_epoch_end</c> step by step.
/// </summary>
internal struct PlateauTracker(ReduceLROnPlateau settings)
{
    private double _best = double.NaN;
    private bool _hasBest;
    private int _wait, _cooldownCounter;

    public readonly int Wait => _wait;

    public readonly int CooldownCounter => _cooldownCounter;

    /// <summary>The end of an epoch with monitored value <paramref name="current"/> and rate <paramref name="learningRate"/>: the rate for the next epoch.</summary>
    public float OnEpochEnd(double current, float learningRate)
    {
        double minDelta = Math.Abs(settings.MinDelta);
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }

        bool improved = !_hasBest || (settings.Maximise ? current - minDelta > _best : current + minDelta < _best);
        if (improved)
        {
            _best = current;
            _hasBest = true;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= settings.Patience)
            {
                double old = learningRate;
                if (old > (float)settings.MinLearningRate)
                {
                    learningRate = (float)Math.Max(old * settings.Factor, settings.MinLearningRate);
                    _cooldownCounter = settings.Cooldown;
                    _wait = 0;
                }
            }
        }

        return learningRate;
    }
}
