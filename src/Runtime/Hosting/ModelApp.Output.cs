using System.Text.Json;
using AotNet.IO;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    /// <summary>
    /// Before anything is read or trained: the <c>--out</c> set (<see cref="OutputSet"/>, as the <c>aotnet</c> app
    /// writes its own: the folder created and probed, every name the set may write missing or a regular file, a
    /// results.json there one this host wrote) and no output being an input or another output
    /// (<see cref="FileAliases"/>: --save-weights, the set's files; --data, --validation-data, --initial-weights).
    /// Returns the set, or null without --out.
    /// </summary>
    private static OutputSet? OpenOutput(FitRequest request, ModelDescription description)
    {
        var outputs = new List<(string What, string Path)>();
        if (request.SaveWeights is { } save)
        {
            outputs.Add(("--save-weights", save));
        }

        OutputSet? set = null;
        if (request.Out is { } folder)
        {
            var names = HistoryReport.FileNames(description.MetricNames);
            set = new OutputSet(folder, "--out", FitResults.FileName, names);
            CheckManifest(set.ReadManifest(), set);
            foreach (string name in names.Prepend(FitResults.FileName))
            {
                outputs.Add(($"the --out set's {name}", Path.Combine(set.Path, name)));
            }
        }

        var inputs = new List<(string What, string Path)> { ("--data", request.Data) };
        if (request.ValidationData is { } validation)
        {
            inputs.Add(("--validation-data", validation));
        }

        if (request.InitialWeights is { } initial)
        {
            inputs.Add(("--initial-weights", initial));
        }

        FileAliases.Check(outputs, inputs, replaces: ("--save-weights", "--initial-weights"));
        return set;
    }

    /// <summary>Commits results.json (last, with the set's record) and the figures and report through the set's one write path.</summary>
    private static IReadOnlyList<string> CommitOutput(
        OutputSet set, FitResults results, IReadOnlyList<(string FileName, string Text)> files, CancellationToken cancellation) =>
        set.Write(
            previous =>
            {
                CheckManifest(previous, set); // again under the lock: another run may have put something there meanwhile
                return (results.ToJson(), files.Select(f => (f.FileName, f.Text)));
            },
            OutputSet.DefaultLockPatience, cancellation);

    /// <summary>A results.json in the folder must be one a fit wrote (it is replaced): else it is the user's, and refused.</summary>
    private static void CheckManifest(string? text, OutputSet set)
    {
        if (text is null)
        {
            return;
        }

        bool ours;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            ours = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out _) && root.TryGetProperty("history", out _);
        }
        catch (JsonException)
        {
            ours = false;
        }

        if (!ours)
        {
            throw new IOException($"--out '{set.Path}': {FitResults.FileName} there is not one a fit wrote, and the set replaces it; move it away to keep it, or choose another --out");
        }
    }
}
