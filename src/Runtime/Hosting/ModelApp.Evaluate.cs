using System.CommandLine;
using System.Globalization;
using AotNet.Data;
using AotNet.Data.Csv;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    private static Command EvaluateCommand<TModel>(string program)
        where TModel : class, IModel<TModel>
    {
        var data = RequiredFile("--data", "the table to score (CSV with a header row holding the feature and label columns)");
        var label = new Option<string?>("--label") { Description = "the label column(s) (default: the ones the weights were trained with)", HelpName = "COLUMN" };
        var weights = RequiredFile("--weights", "weights saved by fit --save-weights");
        var threads = Threads();
        var command = new Command("evaluate", "the loss and every metric on a labelled table, plus a confusion matrix for classifiers (Keras's model.evaluate)")
        {
            data, label, weights, threads,
        };
        command.SetAction(parse => CommandRunner.Run(
            cancellation => Evaluate<TModel>(parse.GetValue(data)!, Names(parse.GetValue(label)), parse.GetValue(weights)!, parse.GetValue(threads), Console.Out, cancellation),
            program + " evaluate"));
        return command;
    }

    internal static int Evaluate<TModel>(string dataPath, string[]? labels, string weightsPath, int threads, TextWriter output, CancellationToken cancellation)
        where TModel : class, IModel<TModel>
    {
        var description = TModel.Description;
        if (threads is <= 0 or > 256)
        {
            throw new ArgumentException($"--threads must be between 1 and 256, got {threads}");
        }

        var model = TModel.Create(0);
        var saved = HostWeights.Load(weightsPath, description, model.Parameters, model.State);
        var options = CsvOptions.For(description, [.. labels ?? saved.Labels]) with { Features = saved.Features, ClassNames = saved.Classes };
        var table = ReadTable(dataPath, options, description, cancellation);
        var data = table.ToLabeledData();
        using var trainer = new Trainer<TModel>(model, threads);
        var evaluation = trainer.Evaluate(data);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{data.Count} rows of {dataPath}"));
        output.WriteLine(string.Create(inv, $"loss: {evaluation.Loss:0.000000}"));
        for (int i = 0; i < evaluation.MetricNames.Count; i++)
        {
            output.WriteLine(string.Create(inv, $"{evaluation.MetricNames[i]}: {evaluation.MetricValues[i]:0.000000}"));
        }

        if (table.ClassNames is { } classes)
        {
            var predictions = trainer.Predict(data.Inputs);
            int[,] confusion = Confusion(table.TargetKind, data.Targets, predictions, classes.Count);
            WriteConfusion(output, confusion, classes);
        }

        return CommandRunner.Ok;
    }

    /// <summary>Counts of (true class, predicted class): argmax of the outputs, or p &gt; 0.5 for one sigmoid unit.</summary>
    internal static int[,] Confusion(TargetKind kind, DenseMatrix targets, DenseMatrix predictions, int classes)
    {
        var counts = new int[classes, classes];
        for (int r = 0; r < targets.Rows; r++)
        {
            int truth = kind == TargetKind.OneHot ? ArgMax(targets.Row(r)) : (int)targets.Row(r)[0];
            counts[truth, PredictedClass(predictions.Row(r))]++;
        }

        return counts;
    }

    /// <summary>The class of one output row: argmax, or p &gt; 0.5 for one unit.</summary>
    internal static int PredictedClass(ReadOnlySpan<float> outputs) => outputs.Length == 1 ? (outputs[0] > 0.5f ? 1 : 0) : ArgMax(outputs);

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void WriteConfusion(TextWriter output, int[,] counts, IReadOnlyList<string> classes)
    {
        int n = classes.Count;
        int width = Math.Max(classes.Max(c => c.Length), counts.Cast<int>().Max().ToString(CultureInfo.InvariantCulture).Length) + 2;
        output.WriteLine("confusion matrix (rows: true class, columns: predicted class):");
        output.WriteLine(new string(' ', width) + string.Concat(classes.Select(c => c.PadLeft(width))));
        for (int t = 0; t < n; t++)
        {
            var line = new System.Text.StringBuilder(classes[t].PadRight(width));
            for (int p = 0; p < n; p++)
            {
                line.Append(counts[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            output.WriteLine(line.ToString());
        }
    }
}
