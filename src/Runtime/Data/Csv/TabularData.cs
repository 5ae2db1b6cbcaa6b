namespace AotNet.Data.Csv;

/// <summary>A table read by <see cref="CsvFile"/>: the feature matrix, the targets, and the names that go with them.</summary>
public sealed class TabularData
{
    internal TabularData(string source, DenseMatrix features, IReadOnlyList<string> featureNames, DenseMatrix? targets, IReadOnlyList<string> labelNames, TargetKind kind, IReadOnlyList<string>? classNames)
    {
        Source = source;
        Features = features;
        FeatureNames = featureNames;
        Targets = targets;
        LabelNames = labelNames;
        TargetKind = kind;
        ClassNames = classNames;
    }

    /// <summary>The file the table came from.</summary>
    public string Source { get; }

    /// <summary>One row per data line, one column per feature, as float.</summary>
    public DenseMatrix Features { get; }

    /// <summary>The feature columns' header names, in the matrix's column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The targets shaped as <see cref="TargetKind"/> says; null when no label column was asked for.</summary>
    public DenseMatrix? Targets { get; }

    /// <summary>The label columns' header names.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>How the labels became <see cref="Targets"/>.</summary>
    public TargetKind TargetKind { get; }

    /// <summary>For classes: the class names in index order (string labels sorted ordinally, or "0", "1", … for integer labels); else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Data lines read.</summary>
    public int Rows => Features.Rows;

    /// <summary>The features with their targets, for <c>Trainer.Fit</c> and <c>Evaluate</c>.</summary>
    /// <exception cref="InvalidOperationException">The table was read without labels.</exception>
    public LabeledData ToLabeledData() =>
        new(Features, Targets ?? throw new InvalidOperationException($"{Source}: read without label columns; give CsvOptions.Labels"));
}
