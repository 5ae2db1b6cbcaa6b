namespace AotNet.Data.Keras;

/// <summary>One split of the Boston housing data: raw features (row-major, 13 per sample) and prices in k$.</summary>
public sealed class BostonSplit
{
    /// <summary>Pairs <paramref name="features"/> (<c>count × 13</c>, row-major) with <paramref name="targets"/> (<c>count</c>).</summary>
    public BostonSplit(double[] features, double[] targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Length != targets.Length * BostonHousing.FeatureCount)
        {
            throw new ArgumentException($"{features.Length} feature values for {targets.Length} targets", nameof(features));
        }

        Features = features;
        Targets = targets;
    }

    /// <summary>The raw (not normalised) features, <see cref="Count"/> rows of <see cref="BostonHousing.FeatureCount"/> values.</summary>
    public double[] Features { get; }

    /// <summary>The median house prices, in thousands of dollars.</summary>
    public double[] Targets { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Targets.Length;

    /// <summary>The 13 raw features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Row(int index) =>
        Features.AsSpan(checked(index * BostonHousing.FeatureCount), BostonHousing.FeatureCount);
}

/// <summary>The Boston housing data as Keras's <c>boston_housing.load_data</c> returns it: <c>(train, test)</c>.</summary>
public sealed record BostonDataset(BostonSplit Train, BostonSplit Test);
