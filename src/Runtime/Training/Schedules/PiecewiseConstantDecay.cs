namespace AotNet.Training;

/// <summary>
/// Keras 3's <c>PiecewiseConstantDecay(boundaries, values)</c>: <c>values[0]</c> while <c>step ≤ boundaries[0]</c>,
/// <c>values[i]</c> for <c>boundaries[i − 1] &lt; step ≤ boundaries[i]</c>, <c>values[^1]</c> after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count == 0 || values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException($"values must have one more element than boundaries (Keras's rule); got {boundaries.Count} boundaries and {values.Count} values", nameof(values));
        }

        _boundaries = [.. boundaries];
        _values = [.. values];
        for (int i = 1; i < _boundaries.Length; i++)
        {
            if (_boundaries[i] < _boundaries[i - 1])
            {
                throw new ArgumentException("boundaries must not decrease", nameof(boundaries));
            }
        }

        foreach (double value in _values)
        {
            CheckFinite(value, nameof(values));
        }
    }

    public IReadOnlyList<long> Boundaries => _boundaries;

    public IReadOnlyList<double> Values => _values;

    public override double At(long step)
    {
        CheckStep(step);
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }
}
