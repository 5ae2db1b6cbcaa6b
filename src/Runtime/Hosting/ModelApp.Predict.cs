using System.CommandLine;
using System.Globalization;
using System.Text;
using AotNet.Data;
using AotNet.Data.Csv;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    /// <summary>The longest stdin line predict accepts.</summary>
    public const int MaxLineLength = 1 << 20;

    private static Command PredictCommand<TModel>(string program)
        where TModel : class, IModel<TModel>
    {
        var weights = RequiredFile("--weights", "weights saved by fit --save-weights");
        var data = new Option<string?>("--data") { Description = "a table with the feature columns (by header name; other columns are ignored). Default: rows of comma-separated feature values on stdin, one per line (a header line is skipped)", HelpName = "FILE" };
        var command = new Command("predict", "CSV out: the class and its probabilities for classifiers, the predicted values otherwise") { weights, data };
        command.SetAction(parse =>
        {
            string? dataPath = parse.GetValue(data);
            if (dataPath is null && !Console.IsInputRedirected)
            {
                Console.Error.WriteLine($"{program} predict: reading rows of {TModel.Description.Inputs} comma-separated values from stdin until Ctrl+D (or give --data FILE)");
            }

            return CommandRunner.Run(cancellation => Predict<TModel>(parse.GetValue(weights)!, dataPath, Console.In, Console.Out, cancellation), program + " predict");
        });
        return command;
    }

    internal static int Predict<TModel>(string weightsPath, string? dataPath, TextReader input, TextWriter output, CancellationToken cancellation)
        where TModel : class, IModel<TModel>
    {
        var description = TModel.Description;
        var model = TModel.Create(0);
        var saved = HostWeights.Load(weightsPath, description, model.Parameters, model.State);
        using var trainer = new Trainer<TModel>(model, threads: 1);
        output.WriteLine(Header(description, saved));
        if (dataPath is not null)
        {
            var table = ReadTable(dataPath, new CsvOptions { Features = saved.Features }, description, cancellation);
            var outputs = trainer.Predict(table.Features);
            for (int r = 0; r < outputs.Rows; r++)
            {
                output.WriteLine(Line(outputs.Row(r), saved));
            }

            return CommandRunner.Ok;
        }

        var reader = new BoundedLineReader(input, MaxLineLength);
        var row = new DenseMatrix(1, description.Inputs);
        int lineNumber = 0;
        while (reader.ReadLine(cancellation) is { } line)
        {
            lineNumber++;
            if (line.AsSpan().Trim().IsEmpty)
            {
                continue;
            }

            if (!ParseRow(line, row.Row(0), lineNumber, saved.Features))
            {
                continue; // the header line
            }

            output.WriteLine(Line(trainer.Predict(row).Row(0), saved));
            if (!reader.HasBufferedInput)
            {
                output.Flush(); // a line in, a line out, for programs that talk to predict through a pipe
            }
        }

        return CommandRunner.Ok;
    }

    /// <summary>Parses one stdin row into <paramref name="values"/>; false for a header line naming the features.</summary>
    private static bool ParseRow(string line, Span<float> values, int lineNumber, IReadOnlyList<string> features)
    {
        char separator = line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
        string[] fields = line.Split(separator, StringSplitOptions.TrimEntries);
        if (lineNumber == 1 && fields.Length == features.Count && fields.Select(f => f.Trim('"')).SequenceEqual(features, StringComparer.Ordinal))
        {
            return false;
        }

        if (fields.Length != values.Length)
        {
            throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                $"stdin line {lineNumber}: {fields.Length} values, but the model takes {values.Length} ({string.Join(", ", features.Take(8))}{(features.Count > 8 ? ", …" : string.Empty)})"));
        }

        for (int i = 0; i < fields.Length; i++)
        {
            values[i] = CsvFile.Number(fields[i], "stdin", lineNumber, i, features[i]);
        }

        return true;
    }

    private static string Header(ModelDescription description, HostWeights saved)
    {
        if (saved.Classes is { } classes)
        {
            return "class," + string.Join(',', classes.Select(c => Field("p_" + c)));
        }

        return string.Join(',', (saved.Labels.Count == description.Outputs ? saved.Labels : Enumerable.Range(0, description.Outputs).Select(i => $"output_{i}")).Select(Field));
    }

    private static string Line(ReadOnlySpan<float> outputs, HostWeights saved)
    {
        var line = new StringBuilder();
        if (saved.Classes is { } classes)
        {
            line.Append(Field(classes[PredictedClass(outputs)]));
            if (outputs.Length == 1)
            {
                line.Append(CultureInfo.InvariantCulture, $",{1f - outputs[0]:R},{outputs[0]:R}");
            }
            else
            {
                foreach (float p in outputs)
                {
                    line.Append(CultureInfo.InvariantCulture, $",{p:R}");
                }
            }

            return line.ToString();
        }

        for (int i = 0; i < outputs.Length; i++)
        {
            line.Append(i == 0 ? string.Empty : ",").Append(outputs[i].ToString("R", CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break.</summary>
    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
