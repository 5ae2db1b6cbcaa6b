using AotNet.App.Results;
using AotNet.Data.Keras;
using AotNet.IO;

namespace AotNet.App.Experiments;

/// <summary>
/// Issue 21 item 3 for the app's paths, checked by the runtime's <see cref="FileAliases"/> (the rule
/// <see cref="AotNet.Hosting.ModelApp"/> follows too). Outputs: --save-weights and every file of the --out set. Inputs: --initial-weights and the
/// Keras files of the datasets folder. --initial-weights equal to --save-weights is allowed: the weights are read
/// whole before training and the new ones replace them atomically at the end.
/// </summary>
internal static class PathAliases
{
    private static readonly string[] DatasetFiles =
        [Imdb.FileName, Imdb.WordIndexFileName, Reuters.FileName, Reuters.WordIndexFileName, BostonHousing.FileName];

    /// <summary>Throws <see cref="IOException"/> naming both options when two of the run's paths are one file.</summary>
    public static void Check(RunSettings settings, OutputFolder output, IEnumerable<(string What, string Path)>? moreInputs = null) =>
        Check(settings, OutputFolder.SetNames.Prepend(OutputFolder.ResultsFileName).Select(name => ($"the --out set's {name}", Path.Combine(output.Path, name))), moreInputs);

    /// <summary>The same check for the outputs named (besides --save-weights) and the inputs named (besides --initial-weights and the datasets).</summary>
    public static void Check(RunSettings settings, IEnumerable<(string What, string Path)> setFiles, IEnumerable<(string What, string Path)>? moreInputs = null)
    {
        var outputs = new List<(string What, string Path)>();
        if (settings.SaveWeights is { } save)
        {
            outputs.Add(("--save-weights", save));
        }

        outputs.AddRange(setFiles);
        var inputs = new List<(string What, string Path)>(moreInputs ?? []);
        if (settings.InitialWeights is { } initial)
        {
            inputs.Add(("--initial-weights", initial));
        }

        string datasets = DatasetCache.ResolveDirectory(settings.DataDir);
        foreach (string name in DatasetFiles)
        {
            inputs.Add(($"the dataset file {name}", Path.Combine(datasets, name)));
        }

        FileAliases.Check(outputs, inputs, replaces: ("--save-weights", "--initial-weights"));
    }
}
