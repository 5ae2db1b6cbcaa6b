using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AotNet.Data;
using AotNet.Data.Csv;
using AotNet.IO;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    /// <summary>The settings of one <c>fit</c>.</summary>
    internal sealed record FitRequest(
        string Data, string[] Labels, string[]? Features, int Epochs, int BatchSize, double ValidationSplit, string? ValidationData,
        ulong Seed, int Threads, string? Out, string? SaveWeights, string? InitialWeights, bool Quiet, bool SeedFromJob = false);

    private static Command FitCommand<TModel>(string program)
        where TModel : class, IModel<TModel>
    {
        var data = RequiredFile("--data", "the training table (CSV with a header row; .tsv for tabs)");
        var label = new Option<string>("--label") { Description = "the label column(s), by header name (comma-separated for several regression targets)", Required = true, HelpName = "COLUMN" };
        var features = new Option<string?>("--features") { Description = "the feature columns in the model's input order (default: every other column)", HelpName = "C1,C2,…" };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training rows", DefaultValueFactory = _ => 100, HelpName = "N" };
        var batch = new Option<int>("--batch-size") { Description = "rows per training step", DefaultValueFactory = _ => 32, HelpName = "N" };
        var split = new Option<double>("--validation-split") { Description = "fraction of the rows (shuffled with --seed) held out to validate each epoch", HelpName = "F" };
        var validation = new Option<string?>("--validation-data") { Description = "a table to validate each epoch with (same columns)", HelpName = "FILE" };
        var seed = new Option<string>("--seed")
        {
            Description = "seed of the initial weights, the shuffles and the split; env: the index of this job in an array (one seed per job, outputs in DIR/seed-S, see merge)",
            DefaultValueFactory = _ => "1",
            HelpName = "S|env",
        };
        var threads = Threads();
        var output = new Option<string?>("--out") { Description = "folder for results.json, the loss/metric figures (SVG) and report.html (created if missing; committed as one set, results.json last; other files in it are left alone)", HelpName = "DIR" };
        var save = new Option<string?>("--save-weights") { Description = "write the trained weights (safetensors, with the feature, label and class names) to FILE", HelpName = "FILE" };
        var initial = new Option<string?>("--initial-weights") { Description = "start from these weights instead of random ones", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet") { Description = "print nothing but errors" };
        var command = new Command("fit", "train the model on a table, like Keras's model.fit")
        {
            data, label, features, epochs, batch, split, validation, seed, threads, output, save, initial, quiet,
        };
        command.SetAction(parse =>
        {
            var request = new FitRequest(
                parse.GetValue(data)!, Names(parse.GetValue(label)) ?? [], Names(parse.GetValue(features)), parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(split), parse.GetValue(validation), 0, parse.GetValue(threads), parse.GetValue(output),
                parse.GetValue(save), parse.GetValue(initial), parse.GetValue(quiet));
            string seedText = parse.GetValue(seed)!;
            return CommandRunner.Run(
                cancellation => Fit<TModel>(WithSeed(request, seedText, Environment.GetEnvironmentVariable), program, cancellation), program + " fit");
        });
        return command;
    }

    internal static int Fit<TModel>(FitRequest request, string program, CancellationToken cancellation)
        where TModel : class, IModel<TModel>
    {
        var description = TModel.Description;
        CheckFitRequest(request);
        var output = OpenOutput(request, description); // before reading or training: --out takes files, no output is an input
        var clock = Stopwatch.StartNew();
        var model = TModel.Create(request.Seed);
        HostWeights? initial = request.InitialWeights is { } initialPath ? HostWeights.Load(initialPath, description, model.Parameters, model.State) : null;
        var options = CsvOptions.For(description, request.Labels) with
        {
            Features = request.Features ?? initial?.Features,
            ClassNames = initial?.Classes,
        };
        var table = ReadTable(request.Data, options, description, cancellation);
        var data = table.ToLabeledData();
        LabeledData? validation = null;
        if (request.ValidationData is { } validationPath)
        {
            var validationTable = ReadTable(validationPath, options with { Features = table.FeatureNames, ClassNames = table.ClassNames }, description, cancellation);
            validation = validationTable.ToLabeledData();
        }
        else if (request.ValidationSplit > 0)
        {
            (data, validation) = data.Split(request.ValidationSplit, request.Seed);
        }

        double loadSeconds = clock.Elapsed.TotalSeconds;
        var reporter = new ConsoleReporter(ConsoleReporter.Detect(request.Quiet));
        reporter.Line(string.Create(CultureInfo.InvariantCulture,
            $"{description.Name}: {description.Topology}; {data.Count} training rows{(validation is null ? string.Empty : $", {validation.Count} validation rows")} from {request.Data}"));
        using var trainer = new Trainer<TModel>(model, request.Threads);
        var history = reporter.Fit(trainer, data, validation, new FitOptions { Epochs = request.Epochs, BatchSize = request.BatchSize, Seed = request.Seed }, cancellation);
        double trainSeconds = clock.Elapsed.TotalSeconds - loadSeconds;
        Evaluation? evaluation = validation is null ? null : trainer.Evaluate(validation);
        var weights = new HostWeights(table.FeatureNames, table.LabelNames, table.ClassNames);
        cancellation.ThrowIfCancellationRequested();
        if (request.SaveWeights is { } savePath)
        {
            ModelWeights.Save(savePath, description, model.Parameters, weights.ToMetadata(), model.State);
            reporter.Line($"weights: {savePath}");
        }

        if (output is not null)
        {
            var summary = FitSummary(description, table, data.Count, validation?.Count ?? 0, evaluation);
            var results = new FitResults(description, request, table, history, evaluation, loadSeconds, trainSeconds, Environment.CommandLine);
            var written = CommitOutput(output, results, HistoryReport.Files(
                history, description.Name, summary, DateTimeOffset.UtcNow,
                description: $"{description.Topology}; loss {description.Loss}, optimizer {description.Optimizer}; trained on {request.Data}.",
                commandLine: Environment.CommandLine), cancellation);
            reporter.Line($"results: wrote {string.Join(", ", written)} to {output.Path}");
        }

        if (evaluation is not null)
        {
            reporter.Line("validation: " + string.Join(", ", new[] { ("loss", evaluation.Loss) }.Concat(evaluation.MetricNames.Select((n, i) => (n, evaluation.MetricValues[i])))
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1} {p.Item2:0.0000}"))));
        }

        return CommandRunner.Ok;
    }

    /// <summary>Refuses, before anything is read or trained, settings that cannot work.</summary>
    private static void CheckFitRequest(FitRequest request)
    {
        if (request.Epochs <= 0)
        {
            throw new ArgumentException($"--epochs must be at least 1, got {request.Epochs}");
        }

        if (request.BatchSize <= 0)
        {
            throw new ArgumentException($"--batch-size must be at least 1, got {request.BatchSize}");
        }

        if (request.Threads is <= 0 or > 256)
        {
            throw new ArgumentException($"--threads must be between 1 and 256, got {request.Threads}");
        }

        if (request.ValidationSplit != 0 && !(request.ValidationSplit > 0 && request.ValidationSplit < 1))
        {
            throw new ArgumentException($"--validation-split is a fraction between 0 and 1, got {request.ValidationSplit.ToString(CultureInfo.InvariantCulture)}");
        }

        if (request.ValidationSplit > 0 && request.ValidationData is not null)
        {
            throw new ArgumentException("give --validation-split or --validation-data, not both");
        }
    }

    /// <summary>Reads a table for the model and checks that its columns fit the model's inputs and targets.</summary>
    private static TabularData ReadTable(string path, CsvOptions options, ModelDescription description, CancellationToken cancellation)
    {
        var table = CsvFile.Read(path, options, cancellation);
        if (table.Features.Cols != description.Inputs)
        {
            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {table.Features.Cols} feature columns ({string.Join(", ", table.FeatureNames.Take(8))}{(table.FeatureNames.Count > 8 ? ", …" : string.Empty)}), but {description.Name} takes {description.Inputs} inputs; choose them with --features"));
        }

        if (table.Targets is { } targets && targets.Cols != description.TargetCount)
        {
            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {targets.Cols} target columns, but {description.Name} predicts {description.TargetCount}; name one label column per output with --label"));
        }

        return table;
    }

    private static List<KeyValuePair<string, string>> FitSummary(ModelDescription description, TabularData table, int trainRows, int validationRows, Evaluation? evaluation)
    {
        var rows = new List<KeyValuePair<string, string>>
        {
            new("model", $"{description.Name}: {description.Topology}"),
            new("data", string.Create(CultureInfo.InvariantCulture, $"{table.Source}: {trainRows} training rows, {validationRows} validation rows")),
            new("label", string.Join(", ", table.LabelNames) + (table.ClassNames is { } c ? $" (classes: {string.Join(", ", c)})" : string.Empty)),
        };
        if (evaluation is not null)
        {
            rows.Add(new("validation loss", evaluation.Loss.ToString("0.0000", CultureInfo.InvariantCulture)));
            for (int i = 0; i < evaluation.MetricNames.Count; i++)
            {
                rows.Add(new("validation " + evaluation.MetricNames[i], evaluation.MetricValues[i].ToString("0.0000", CultureInfo.InvariantCulture)));
            }
        }

        return rows;
    }
}
