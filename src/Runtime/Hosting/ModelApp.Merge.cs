using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AotNet.Data;
using AotNet.IO;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    /// <summary>
    /// One seed's fit, as its results.json (<c>Source</c>) tells it: its seed, its <c>Identity</c> (everything that must
    /// be the same for every seed: model, data, settings but seed and threads, as JSON text), version, curves, validation.
    /// </summary>
    private sealed record SeedRun(
        string Source, ulong Seed, string Identity, string Version, List<(string Key, double[] Values)> History, List<(string Name, double Value)>? Validation);

    private static Command MergeCommand<TModel>(string program)
        where TModel : class, IModel<TModel>
    {
        var output = new Option<string>("--out") { Description = "folder for the merged results.json, the mean curves' figures and report.html", Required = true, HelpName = "DIR" };
        var quiet = new Option<bool>("--quiet") { Description = "print nothing but errors" };
        var runs = new Argument<string[]>("RUN") { Description = "the --out folders (or their results.json) of fits that differ only in --seed, e.g. DIR/seed-*", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge", "combine fits with different seeds (fit --seed env) into one results.json: each seed's curves and their mean")
        {
            output, quiet, runs,
        };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(output)!;
            string[] sources = parse.GetValue(runs)!;
            bool silent = parse.GetValue(quiet);
            return CommandRunner.Run(cancellation => MergeSeeds<TModel>(folder, sources, silent, cancellation), program + " merge");
        });
        return command;
    }

    /// <summary>Checks the runs, then commits the merged set into <paramref name="folder"/>; nothing is written when a run is refused.</summary>
    internal static int MergeSeeds<TModel>(string folder, IReadOnlyList<string> sources, bool quiet, CancellationToken cancellation)
        where TModel : class, IModel<TModel>
    {
        var description = TModel.Description;
        var set = new OutputSet(folder, "--out", FitResults.FileName, HistoryReport.FileNames(description.MetricNames));
        CheckManifest(set.ReadManifest(), set);
        var runs = sources.Select(s => ReadSeedRun(s, description)).OrderBy(r => r.Seed).ToList();
        CheckSeedRuns(runs);
        FileAliases.Check(
            [.. HistoryReport.FileNames(description.MetricNames).Prepend(FitResults.FileName).Select(n => ($"the --out set's {n}", Path.Combine(set.Path, n)))],
            [.. runs.Select(r => ("a run's results.json", r.Source))]);

        var mean = MeanHistory(runs, description);
        string seeds = string.Join(", ", runs.Select(r => r.Seed.ToString(CultureInfo.InvariantCulture)));
        var summary = new List<KeyValuePair<string, string>>
        {
            new("model", $"{description.Name}: {description.Topology}"),
            new("seeds", string.Create(CultureInfo.InvariantCulture, $"{seeds} ({runs.Count} fits; the curves are their mean per epoch)")),
        };
        foreach (var (name, value) in MeanValidation(runs) ?? [])
        {
            summary.Add(new("validation " + name + " (mean)", value.ToString("0.0000", CultureInfo.InvariantCulture)));
        }

        var files = HistoryReport.Files(
            mean, description.Name, summary, DateTimeOffset.UtcNow,
            description: $"{description.Topology}; the mean of {runs.Count} fits with seeds {seeds}.", commandLine: Environment.CommandLine);
        string json = MergedJson(runs, mean);
        var written = set.Write(
            previous =>
            {
                CheckManifest(previous, set);
                return (json, files.Select(f => (f.FileName, f.Text)));
            },
            OutputSet.DefaultLockPatience, cancellation);
        if (!quiet)
        {
            Console.Out.WriteLine($"merged seeds {seeds}: wrote {string.Join(", ", written)} to {set.Path}");
        }

        return CommandRunner.Ok;
    }

    private static SeedRun ReadSeedRun(string source, ModelDescription description)
    {
        string path = Path.GetFullPath(Directory.Exists(source) ? Path.Combine(source, FitResults.FileName) : source);
        string text = OutputSet.ReadManifest(path, "RUN") ?? throw new FileNotFoundException($"{path}: not found (give the --out folders of the fits)");
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("settings", out var settings) || !settings.TryGetProperty("seed", out var seed)
                || !root.TryGetProperty("history", out var history) || history.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException($"{path}: not the results.json of a fit (no settings.seed or history)");
            }

            if (root.GetProperty("model").GetString() != description.Name || root.GetProperty("topology").GetString() != description.Topology)
            {
                throw new DataFormatException($"{path}: results of {root.GetProperty("model").GetString()}, not of {description.Name} ({description.Topology})");
            }

            var identity = new StringBuilder();
            foreach (var p in root.EnumerateObject().Where(p => p.Name is not ("history" or "validation" or "seconds" or "run" or "settings" or OutputSet.SetProperty)))
            {
                identity.Append(p.Name).Append('=').Append(p.Value.GetRawText()).Append('\n');
            }

            foreach (var p in settings.EnumerateObject().Where(p => p.Name is not ("seed" or "threads" or "save_weights")))
            {
                identity.Append("settings.").Append(p.Name).Append('=').Append(p.Value.GetRawText()).Append('\n');
            }

            var curves = history.EnumerateObject().Select(p => (p.Name, p.Value.EnumerateArray().Select(Number).ToArray())).ToList();
            var validation = root.TryGetProperty("validation", out var v) ? v.EnumerateObject().Select(p => (p.Name, Number(p.Value))).ToList() : null;
            string version = root.TryGetProperty("run", out var run) && run.TryGetProperty("version", out var ver) ? ver.GetString() ?? string.Empty : string.Empty;
            return new SeedRun(path, seed.GetUInt64(), identity.ToString(), version, curves, validation);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new DataFormatException($"{path}: not the results.json of a fit ({e.Message})");
        }
    }

    private static double Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? double.Parse(element.GetString()!, CultureInfo.InvariantCulture) : element.GetDouble();

    /// <summary>Only the seed may differ: same model, data, settings, version and curves' shape; every seed once.</summary>
    private static void CheckSeedRuns(List<SeedRun> runs)
    {
        var first = runs[0];
        for (int i = 1; i < runs.Count; i++)
        {
            var run = runs[i];
            if (run.Seed == runs[i - 1].Seed)
            {
                throw new ArgumentException($"{runs[i - 1].Source} and {run.Source}: both are seed {run.Seed}; give each seed once");
            }

            if (run.Identity != first.Identity)
            {
                string field = run.Identity.Split('\n').Except(first.Identity.Split('\n')).First();
                throw new ArgumentException($"{first.Source} and {run.Source}: not the same fit but for the seed ({field[..field.IndexOf('=')]} differs)");
            }

            if (run.Version != first.Version)
            {
                throw new ArgumentException($"{first.Source} and {run.Source}: written by versions {first.Version} and {run.Version}; fit every seed with the same binary");
            }

            if (!run.History.Select(h => (h.Key, h.Values.Length)).SequenceEqual(first.History.Select(h => (h.Key, h.Values.Length))))
            {
                throw new ArgumentException($"{first.Source} and {run.Source}: their histories have other series or epochs");
            }
        }
    }

    /// <summary>The mean of every series per epoch, summed in ascending seed order (the same bits for any order of the arguments).</summary>
    private static History MeanHistory(List<SeedRun> runs, ModelDescription description)
    {
        var first = runs[0];
        int epochs = first.History[0].Values.Length;
        var mean = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (key, _) in first.History)
        {
            var values = new double[epochs];
            for (int e = 0; e < epochs; e++)
            {
                double sum = 0;
                foreach (var run in runs)
                {
                    sum += run.History.First(h => h.Key == key).Values[e];
                }

                values[e] = sum / runs.Count;
            }

            mean[key] = values;
        }

        var names = description.MetricNames;
        bool validation = mean.ContainsKey("val_loss");
        var history = new History(names, validation, epochs);
        if (mean.ContainsKey("learning_rate"))
        {
            history.TrackLearningRate(epochs);
        }

        var metrics = new double[names.Count];
        var valMetrics = new double[names.Count];
        for (int e = 0; e < epochs; e++)
        {
            for (int m = 0; m < names.Count; m++)
            {
                metrics[m] = mean[names[m]][e];
                valMetrics[m] = validation ? mean["val_" + names[m]][e] : 0;
            }

            history.Add(mean["loss"][e], metrics, validation ? mean["val_loss"][e] : 0, valMetrics);
            if (mean.TryGetValue("learning_rate", out var rates))
            {
                history.AddLearningRate(rates[e]);
            }
        }

        return history;
    }

    /// <summary>The mean of each final validation number, when every run has them.</summary>
    private static List<(string Name, double Value)>? MeanValidation(List<SeedRun> runs)
    {
        if (runs.Any(r => r.Validation is null || !r.Validation.Select(v => v.Name).SequenceEqual(runs[0].Validation!.Select(v => v.Name))))
        {
            return null;
        }

        var mean = new List<(string Name, double Value)>();
        for (int i = 0; i < runs[0].Validation!.Count; i++)
        {
            double sum = 0;
            foreach (var run in runs)
            {
                sum += run.Validation![i].Value;
            }

            mean.Add((runs[0].Validation![i].Name, sum / runs.Count));
        }

        return mean;
    }

    /// <summary>
    /// The merged results.json: the fits' common description and settings (without seed and threads), the seeds, the
    /// mean curves under <c>history</c> and mean final <c>validation</c> (as a single fit's file has them), each
    /// seed's own under <c>per_seed</c>, and this run's record.
    /// </summary>
    private static string MergedJson(List<SeedRun> runs, History mean)
    {
        using var first = JsonDocument.Parse(File.ReadAllText(runs[0].Source));
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var p in first.RootElement.EnumerateObject().Where(p => p.Name is not ("history" or "validation" or "seconds" or "run" or OutputSet.SetProperty)))
            {
                if (p.Name == "settings")
                {
                    w.WriteStartObject("settings");
                    foreach (var setting in p.Value.EnumerateObject().Where(s => s.Name is not ("seed" or "threads" or "save_weights")))
                    {
                        setting.WriteTo(w);
                    }

                    w.WriteEndObject();
                    w.WriteStartArray("seeds");
                    foreach (var run in runs)
                    {
                        w.WriteNumberValue(run.Seed);
                    }

                    w.WriteEndArray();
                }
                else
                {
                    p.WriteTo(w);
                }
            }

            w.WriteStartObject("history");
            foreach (string key in mean.Keys)
            {
                Series(w, key, mean[key]);
            }

            w.WriteEndObject();
            Validation(w, MeanValidation(runs));
            w.WriteStartArray("per_seed");
            foreach (var run in runs)
            {
                w.WriteStartObject();
                w.WriteNumber("seed", run.Seed);
                w.WriteString("results", run.Source);
                w.WriteStartObject("history");
                foreach (var (key, values) in run.History)
                {
                    Series(w, key, values);
                }

                w.WriteEndObject();
                Validation(w, run.Validation);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("run");
            w.WriteString("finished_at", DateTimeOffset.UtcNow);
            w.WriteString("command", Environment.CommandLine);
            w.WriteString("version", runs[0].Version);
            w.WriteString("machine", MachineInfo.Describe());
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Series(Utf8JsonWriter w, string key, IReadOnlyList<double> values)
    {
        w.WriteStartArray(key);
        foreach (double value in values)
        {
            JsonNumber(w, value);
        }

        w.WriteEndArray();
    }

    private static void Validation(Utf8JsonWriter w, List<(string Name, double Value)>? validation)
    {
        if (validation is null)
        {
            return;
        }

        w.WriteStartObject("validation");
        foreach (var (name, value) in validation)
        {
            w.WritePropertyName(name);
            JsonNumber(w, value);
        }

        w.WriteEndObject();
    }

    private static void JsonNumber(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
