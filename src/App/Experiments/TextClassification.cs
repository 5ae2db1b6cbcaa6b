using System.Diagnostics;
using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Data;
using AotNet.Training;
using AotNet.Reporting;

namespace AotNet.App.Experiments;

/// <summary>
/// What a text experiment needs: multi-hot inputs (or padded word ids for the Embedding model) with targets for the validation rows (the first rows of the training
/// split), the rest of the training split, and the test split.
/// </summary>
public sealed record TextData(string Name, LabeledData Validation, LabeledData Train, LabeledData Test, double LoadSeconds);

/// <summary>
/// The seed's recipe for IMDB and Reuters: hold out the first rows of the training set for validation, fit on the rest
/// (20 epochs, batch 512), then evaluate on the test set, which the seed leaves out.
/// </summary>
public static class TextClassification
{
    public const int Epochs = 20, BatchSize = 512;

    public static TextResult Run<TModel>(TextData data, RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
        where TModel : class, IModel<TModel>
    {
        var description = TModel.Description;
        var clock = Stopwatch.StartNew();
        var validation = data.Validation;
        var partial = data.Train;
        var options = new FitOptions
        {
            Epochs = settings.Epochs ?? Epochs,
            // a batch larger than the training set is one batch per epoch, as in Keras: the same as a batch of the whole set
            BatchSize = Math.Max(1, Math.Min(settings.BatchSize ?? BatchSize, partial.Count)),
            Shuffle = settings.Shuffle,
            Seed = Seeds.Derive(settings.Seed, Seeds.Shuffle),
        };

        reporter.Heading($"{data.Name}: {description.Topology}, {description.Loss}, {partial.Count} training / {validation.Count} validation / {data.Test.Count} test samples, {options.Epochs} epochs, batch {options.BatchSize}");
        var model = ModelFactory.Create<TModel>(settings);
        using var trainer = new Trainer<TModel>(model, settings.Threads);
        reporter.BeginFit(options.Epochs, (int)(((long)partial.Count + options.BatchSize - 1) / options.BatchSize));
        History history;
        using (reporter.Live(trainer.Progress))
        {
            history = trainer.Fit(partial, validation, options, reporter, cancellation);
        }

        double trainSeconds = clock.Elapsed.TotalSeconds;
        var test = trainer.Evaluate(data.Test);
        double testSeconds = clock.Elapsed.TotalSeconds - trainSeconds;
        string metric = description.MetricName ?? "metric";
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"{data.Name} test: loss {test.Loss:0.0000}, {metric} {test.Metric:0.0000}"));

        if (settings.SaveWeights is { } path)
        {
            ModelFactory.Save(model, path, new Dictionary<string, string>
            {
                ["dataset"] = data.Name,
                ["preprocessing"] = partial.Inputs.Tokens is { } tokens
                    ? $"word ids padded to {tokens.Length} (pad_sequences pre-padding and pre-truncating; num_words={DataSources.NumWords}, start_char=1, oov_char=2, index_from=3)"
                    : $"multi-hot over {description.Inputs} word ids (num_words={description.Inputs}, start_char=1, oov_char=2, index_from=3)",
            });
        }

        return new TextResult(
            history.Keys.ToDictionary(k => k, k => history[k].ToArray(), StringComparer.Ordinal),
            new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = test.Loss, [metric] = test.Metric },
            history.HasValidation && description.MetricName is not null ? history.BestEpoch("val_" + description.MetricName) : history.BestEpoch("loss"),
            new Seconds(data.LoadSeconds, trainSeconds, testSeconds, data.LoadSeconds + clock.Elapsed.TotalSeconds),
            history.AllocatedBytesAfterFirstEpoch);
    }
}
