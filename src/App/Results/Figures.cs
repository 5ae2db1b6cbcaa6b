using AotNet.Reporting;

namespace AotNet.App.Results;

/// <summary>
/// The tutorial's figures, drawn as its matplotlib code draws them (training as red dots, validation as a cyan line),
/// each marked at its own optimum and saying which; for Boston also every fold's curve.
/// </summary>
internal static class Figures
{
    public static List<(string Experiment, string File, string Caption, LineChart Chart)> For(ResultsFile results)
    {
        var list = new List<(string, string, string, LineChart)>();
        foreach (var (name, text) in new[] { ("imdb", results.Imdb), ("reuters", results.Reuters) })
        {
            if (text is null || !text.History.TryGetValue("loss", out var loss))
            {
                continue;
            }

            if (text.History.TryGetValue("val_loss", out var valLoss))
            {
                list.Add((name, $"{name}_loss.svg", $"{name}: training and validation loss (marker: lowest val_loss)", HistoryCharts.Loss(loss, valLoss)));
            }

            if (text.History.TryGetValue("accuracy", out var accuracy) && text.History.TryGetValue("val_accuracy", out var valAccuracy))
            {
                list.Add((name, $"{name}_accuracy.svg", $"{name}: training and validation accuracy (marker: highest val_accuracy)", HistoryCharts.Accuracy(accuracy, valAccuracy)));
            }
        }

        if (results.Imdb is { } original && results.ImdbVariants is { Count: > 0 } variants)
        {
            // the book's figures: the original model's validation loss against each variant's, then all of them together
            string[] colors = [MatplotlibColors.Red, MatplotlibColors.Green, MatplotlibColors.Magenta, MatplotlibColors.Tab10Orange, MatplotlibColors.Cyan];
            var originalLoss = original.History["val_loss"];
            var all = new List<Series> { Series.Line("Original model", Series.Epochs(originalLoss.Length), originalLoss, MatplotlibColors.Blue) };
            int c = 0;
            foreach (var (name, result) in variants)
            {
                var loss = result.History["val_loss"];
                string label = char.ToUpperInvariant(Experiments.ImdbVariants.Describe(name)[0]) + Experiments.ImdbVariants.Describe(name)[1..];
                string color = colors[c++ % colors.Length];
                list.Add(("imdb-variants", $"imdb_{name}_val_loss.svg", $"imdb: validation loss, original model vs {Experiments.ImdbVariants.Describe(name)}", new LineChart
                {
                    Title = "Validation loss: original model vs " + Experiments.ImdbVariants.Describe(name),
                    XLabel = "Epochs",
                    YLabel = "Validation loss",
                    IntegerXTicks = true,
                    Series =
                    [
                        new Series("Original model", Series.Epochs(originalLoss.Length), originalLoss, SeriesStyle.LineWithMarkers, MatplotlibColors.Blue),
                        Series.Markers(label, Series.Epochs(loss.Length), loss, color),
                    ],
                }));
                all.Add(new Series(label, Series.Epochs(loss.Length), loss, SeriesStyle.LineWithMarkers, color));
            }

            list.Add(("imdb-variants", "imdb_variants_val_loss.svg", "imdb: validation loss of the original model and every variant", new LineChart
            {
                Title = "Validation loss of the IMDB variants",
                XLabel = "Epochs",
                YLabel = "Validation loss",
                IntegerXTicks = true,
                Series = all,
            }));
        }

        if (results.Boston is { MeanValMae.Length: > 0 } boston)
        {
            int lowest = Array.IndexOf(boston.MeanValMae, boston.MeanValMae.Min()) + 1;
            int skip = Experiments.Boston.SmoothingSkip;
            list.Add(("boston", "boston_mae.svg", $"boston: validation MAE per epoch, mean over the folds (marker: lowest; y axis fitted to epochs {skip + 1}+)",
                TutorialCharts.MeanValidationMae(boston.MeanValMae, lowest, skip, $"lowest mean val_mae: epoch {lowest}")));
            if (boston.Folds.Length > 0)
            {
                list.Add(("boston", "boston_folds.svg", $"boston: validation MAE of each of the {boston.Folds.Length} folds and their mean",
                    TutorialCharts.FoldValidationMae(boston.Folds.Select(f => (IReadOnlyList<double>)f.ValMae).ToList(), boston.MeanValMae, skip)));
            }

            list.Add(("boston", "boston_mae_smoothed.svg", $"boston: smoothed mean validation MAE ({boston.Smoothing} formula), first {skip} epochs left out (marker: lowest, the best epoch)",
                TutorialCharts.SmoothedMae(boston.MeanValMae, Smoothing.ParseKind(boston.Smoothing), skip)));
        }

        return list;
    }

    public static string Describe(string experiment) => experiment switch
    {
        "imdb" => "IMDB reviews, num_words=10000, multi-hot; 10000 → 16 relu → 16 relu → 1 sigmoid, rmsprop, binary cross-entropy; the first 10000 training reviews validate.",
        "reuters" => "Reuters newswires, 46 topics, num_words=10000, multi-hot; 10000 → 64 relu → 64 relu → 46 softmax, rmsprop, categorical cross-entropy; the first 1000 training wires validate.",
        "imdb-variants" => "The book's over-fitting comparison on IMDB: the original 16-16 model against the variants chosen with --variant (smaller 4-4, larger 512-512, L2 0.002 on both hidden kernels, dropout 0.5 after each hidden layer), each trained with the original's recipe and seed on the same split.",
        "boston" => "Boston housing, features normalised with the training mean and std; 13 → 64 relu → 64 relu → 1, rmsprop, mse; k-fold cross-validation with folds of n // k contiguous samples; a final model trained on all training samples for the best epoch count is scored on the test set.",
        _ => string.Empty,
    };
}
