using AotNet.Training;

namespace AotNet.Data.Csv;

/// <summary>What <see cref="CsvFile"/> takes from a table: which columns are features and labels, and how labels become targets.</summary>
public sealed record CsvOptions
{
    /// <summary>The label column(s), by header name. Empty: no labels (features only, e.g. for predict).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The feature columns, by header name, in the model's input order. Null: every column that is not a label, in file order.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>The field separator. Null: a tab for <c>.tsv</c>/<c>.tab</c> files, a comma otherwise.</summary>
    public char? Separator { get; init; }

    /// <summary>How the labels become target rows (see <see cref="TargetKinds.For"/>).</summary>
    public TargetKind Targets { get; init; } = TargetKind.Values;

    /// <summary>
    /// For classes: how many the model tells apart (its output units, 2 for one sigmoid unit); a file with more is refused
    /// at the line where the extra class appears. 0: no limit.
    /// </summary>
    public int Classes { get; init; }

    /// <summary>
    /// For classes: the names a trained model knows (saved with its weights), in class-index order. The labels must be
    /// among them and keep these indices. Null: the classes are found in the file (see <see cref="CsvFile"/>).
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Options for <paramref name="model"/>: targets shaped for its loss, classes limited to its output units.</summary>
    public static CsvOptions For(ModelDescription model, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        var kind = TargetKinds.For(model);
        return new CsvOptions { Labels = labels, Targets = kind, Classes = TargetKinds.Classes(kind, model) };
    }
}
