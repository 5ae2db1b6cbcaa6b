using AotNet.Data.Keras;

namespace AotNet.Data.Vectorization;

/// <summary>The tutorial's preprocessing of each dataset, from <c>load_data</c> output to model inputs and targets.</summary>
public static class KerasTensors
{
    /// <summary>IMDB: multi-hot inputs of width <paramref name="dimension"/>, targets the 0/1 label as an <c>n × 1</c> column.</summary>
    public static LabeledData Binary(TextSplit split, int dimension = 10000)
    {
        ArgumentNullException.ThrowIfNull(split);
        return new LabeledData(MultiHot.Encode(split.Sequences, dimension), Labels.ToColumn(split.Labels));
    }

    /// <summary>Reuters: multi-hot inputs of width <paramref name="dimension"/>, one-hot targets over <paramref name="classes"/> topics.</summary>
    public static LabeledData Categorical(TextSplit split, int dimension = 10000, int classes = 46)
    {
        ArgumentNullException.ThrowIfNull(split);
        return new LabeledData(MultiHot.Encode(split.Sequences, dimension), Labels.ToCategorical(split.Labels, classes));
    }

    /// <summary>Boston: features standardised with the training split's mean and std; targets the prices as a column.</summary>
    public static (LabeledData Train, LabeledData Test, Normalizer Normalizer) Standardized(BostonDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Normalizer normalizer = Normalizer.Fit(data.Train.Features, BostonHousing.FeatureCount);
        return (
            new LabeledData(normalizer.Apply(data.Train.Features), Labels.ToColumn(data.Train.Targets)),
            new LabeledData(normalizer.Apply(data.Test.Features), Labels.ToColumn(data.Test.Targets)),
            normalizer);
    }
}
