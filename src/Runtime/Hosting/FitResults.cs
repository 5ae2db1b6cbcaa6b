using System.Text;
using System.Text.Json;
using AotNet.Data.Csv;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.Hosting;

/// <summary>
/// The results.json of a <see cref="ModelApp"/> fit: the model, the data and settings, the whole history, the final
/// validation numbers, the timings and the machine.
/// </summary>
internal sealed record FitResults(
    ModelDescription Description, ModelApp.FitRequest Request, TabularData Table, History History, Evaluation? Validation,
    double LoadSeconds, double TrainSeconds, string CommandLine)
{
    public const string FileName = "results.json";

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", Description.Name);
            w.WriteString("topology", Description.Topology);
            w.WriteString("loss", Description.Loss.ToString());
            w.WriteString("optimizer", Description.Optimizer.ToString());
            w.WriteNumber("parameters", Description.ParameterCount);
            w.WriteString("data", Path.GetFullPath(Request.Data));
            Strings(w, "labels", Table.LabelNames);
            Strings(w, "features", Table.FeatureNames);
            if (Table.ClassNames is { } classes)
            {
                Strings(w, "classes", classes);
            }

            w.WriteStartObject("settings");
            w.WriteNumber("epochs", Request.Epochs);
            w.WriteNumber("batch_size", Request.BatchSize);
            w.WriteNumber("seed", Request.Seed);
            w.WriteNumber("threads", Request.Threads);
            w.WriteNumber("validation_split", Request.ValidationSplit);
            if (Request.ValidationData is { } v)
            {
                w.WriteString("validation_data", Path.GetFullPath(v));
            }

            if (Request.InitialWeights is { } i)
            {
                w.WriteString("initial_weights", Path.GetFullPath(i));
            }

            if (Request.SaveWeights is { } s)
            {
                w.WriteString("save_weights", Path.GetFullPath(s));
            }

            w.WriteEndObject();
            w.WriteStartObject("history");
            foreach (string key in History.Keys)
            {
                w.WriteStartArray(key);
                foreach (double value in History[key])
                {
                    Number(w, value);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            if (Validation is { } e)
            {
                w.WriteStartObject("validation");
                w.WritePropertyName("loss");
                Number(w, e.Loss);
                for (int m = 0; m < e.MetricNames.Count; m++)
                {
                    w.WritePropertyName(e.MetricNames[m]);
                    Number(w, e.MetricValues[m]);
                }

                w.WriteEndObject();
            }

            w.WriteStartObject("seconds");
            w.WriteNumber("load", Math.Round(LoadSeconds, 3));
            w.WriteNumber("train", Math.Round(TrainSeconds, 3));
            w.WriteEndObject();
            w.WriteStartObject("run");
            w.WriteString("finished_at", DateTimeOffset.UtcNow);
            w.WriteString("command", CommandLine);
            w.WriteString("version", typeof(FitResults).Assembly.GetName().Version?.ToString(3));
            w.WriteString("machine", MachineInfo.Describe());
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
