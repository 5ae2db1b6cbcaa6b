using AotNet.Reporting;

namespace AotNet.App.Results;

/// <summary>The seed's six figures, drawn as its matplotlib code draws them: training as red dots, validation as a cyan line.</summary>
internal static class Figures
{
    public static List<(string Experiment, string File, string Caption, LineChart Chart)> For(ResultsFile results)
    {
        var list = new List<(string, string, string, LineChart)>();
        foreach (var (name, text) in new[] { ("imdb", results.Imdb), ("reuters", results.Reuters) })
        {
            if (text is null)
            {
                continue;
            }

            list.Add((name, $"{name}_loss.svg", $"{name}: training and validation loss", TutorialCharts.History(
                "Training and validation loss", "Loss", "Training loss", text.History["loss"], "Validation loss", text.History["val_loss"], text.BestEpoch)));
            list.Add((name, $"{name}_accuracy.svg", $"{name}: training and validation accuracy (marker: best validation accuracy)", TutorialCharts.History(
                "Training and validation accuracy", "Accuracy", "Training accuracy", text.History["accuracy"], "Validation accuracy", text.History["val_accuracy"], text.BestEpoch)));
        }

        if (results.Boston is { } boston)
        {
            int lowest = Array.IndexOf(boston.MeanValMae, boston.MeanValMae.Min()) + 1;
            list.Add(("boston", "boston_mae.svg", "boston: validation MAE per epoch, mean over the folds (marker: lowest)", TutorialCharts.MeanValidationMae(boston.MeanValMae, lowest)));
            list.Add(("boston", "boston_mae_smoothed.svg", $"boston: smoothed mean validation MAE ({boston.Smoothing} formula), first {Experiments.Boston.SmoothingSkip} epochs left out (marker: best epoch)",
                TutorialCharts.SmoothedMae(boston.MeanValMae, Smoothing.ParseKind(boston.Smoothing), Experiments.Boston.SmoothingSkip)));
        }

        return list;
    }

    public static string Describe(string experiment) => experiment switch
    {
        "imdb" => "IMDB reviews, num_words=10000, multi-hot; 10000 → 16 relu → 16 relu → 1 sigmoid, rmsprop, binary cross-entropy; the first 10000 training reviews validate.",
        "reuters" => "Reuters newswires, 46 topics, num_words=10000, multi-hot; 10000 → 64 relu → 64 relu → 46 softmax, rmsprop, categorical cross-entropy; the first 1000 training wires validate.",
        "boston" => "Boston housing, features normalised with the training mean and std; 13 → 64 relu → 64 relu → 1, rmsprop, mse; k-fold cross-validation with folds of n // k contiguous samples; a final model trained on all training samples for the best epoch count is scored on the test set.",
        _ => string.Empty,
    };
}
