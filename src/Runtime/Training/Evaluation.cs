namespace AotNet.Training;

/// <summary>Keras's <c>evaluate</c>: the mean loss over a data set and the declared metrics, under their history names.</summary>
public sealed class Evaluation : IEquatable<Evaluation>
{
    public Evaluation(double loss, IReadOnlyList<string> metricNames, IReadOnlyList<double> metricValues)
    {
        ArgumentNullException.ThrowIfNull(metricNames);
        ArgumentNullException.ThrowIfNull(metricValues);
        if (metricNames.Count != metricValues.Count)
        {
            throw new ArgumentException("one value per metric name", nameof(metricValues));
        }

        Loss = loss;
        MetricNames = metricNames;
        MetricValues = metricValues;
    }

    public double Loss { get; }

    /// <summary>The first declared metric's value (e.g. accuracy), NaN when the model declares none.</summary>
    public double Metric => MetricValues.Count > 0 ? MetricValues[0] : double.NaN;

    /// <summary>The declared metrics' Keras names ("accuracy", "mae", "mse", "auc", "precision", "recall"), in declaration-flag order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    public IReadOnlyList<double> MetricValues { get; }

    /// <summary>"loss" or a metric's name.</summary>
    public double this[string name]
    {
        get
        {
            if (name == "loss")
            {
                return Loss;
            }

            for (int i = 0; i < MetricNames.Count; i++)
            {
                if (MetricNames[i] == name)
                {
                    return MetricValues[i];
                }
            }

            throw new KeyNotFoundException($"no metric '{name}': the model reports loss{(MetricNames.Count > 0 ? ", " + string.Join(", ", MetricNames) : string.Empty)}");
        }
    }

    public bool Equals(Evaluation? other) =>
        other is not null && Loss.Equals(other.Loss) && MetricNames.SequenceEqual(other.MetricNames) && MetricValues.SequenceEqual(other.MetricValues);

    public override bool Equals(object? obj) => Equals(obj as Evaluation);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Loss);
        foreach (double value in MetricValues)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Join(", ", new[] { "loss " + Loss.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) }.Concat(
            MetricNames.Select((name, i) => name + " " + MetricValues[i].ToString("G6", System.Globalization.CultureInfo.InvariantCulture))));
}
