using AotNet.Training;

namespace AotNet.Data.Csv;

/// <summary>How the label column(s) of a table become the rows of <see cref="LabeledData.Targets"/>.</summary>
public enum TargetKind
{
    /// <summary>The numbers as they are, one target column per label column (regression: mse, mae, huber).</summary>
    Values = 0,

    /// <summary>One column holding the class index (sparse categorical cross-entropy).</summary>
    ClassIndex = 1,

    /// <summary>One-hot rows, one column per class (categorical cross-entropy, Keras's <c>to_categorical</c>).</summary>
    OneHot = 2,

    /// <summary>One 0/1 column for two classes (binary cross-entropy with one sigmoid unit).</summary>
    Binary = 3,
}

/// <summary>The target shape a model's loss expects.</summary>
public static class TargetKinds
{
    /// <summary>
    /// <see cref="TargetKind.OneHot"/> for categorical cross-entropy, <see cref="TargetKind.ClassIndex"/> for the sparse one,
    /// <see cref="TargetKind.Binary"/> for binary cross-entropy with one unit, else <see cref="TargetKind.Values"/>.
    /// </summary>
    public static TargetKind For(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Loss switch
        {
            Loss.CategoricalCrossentropy => TargetKind.OneHot,
            Loss.SparseCategoricalCrossentropy => TargetKind.ClassIndex,
            Loss.BinaryCrossentropy when model.Outputs == 1 => TargetKind.Binary,
            _ => TargetKind.Values,
        };
    }

    /// <summary>Whether the labels of this kind are classes (named or numbered), not values.</summary>
    public static bool IsClasses(this TargetKind kind) => kind is TargetKind.ClassIndex or TargetKind.OneHot or TargetKind.Binary;

    /// <summary>How many classes a model of this kind tells apart: its output units, or 2 for one sigmoid unit; 0 for values.</summary>
    public static int Classes(TargetKind kind, ModelDescription model) => kind switch
    {
        TargetKind.Binary => 2,
        TargetKind.ClassIndex or TargetKind.OneHot => model.Outputs,
        _ => 0,
    };
}
