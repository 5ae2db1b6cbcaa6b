using AotNet.App.Results;
using AotNet.Data.Keras;
using AotNet.IO;

namespace AotNet.App.Experiments;

/// <summary>
/// Issue 21 item 3: before any training, no output may be an input or another output, however it is spelled (the
/// same device and inode, or the same folder and name for a file not written yet: links, "..", hard links and bind
/// mounts included). Outputs: --save-weights and every file of the --out set. Inputs: --initial-weights and the
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

        var identities = outputs.Concat(inputs).Select(p => (p.What, p.Path, Id: FileIdentity.Of(p.Path))).ToList();
        for (int i = 0; i < outputs.Count; i++)
        {
            for (int j = i + 1; j < identities.Count; j++)
            {
                var (a, b) = (identities[i], identities[j]);
                if (a.Id is null || a.Id != b.Id || (a.What == "--save-weights" && b.What == "--initial-weights"))
                {
                    continue;
                }

                throw new IOException(a.What == "--save-weights"
                    ? $"--save-weights {a.Path} is {b.What} ({b.Path}); writing the weights there would destroy it: give another file"
                    : $"{b.What.Replace("the ", string.Empty, StringComparison.Ordinal)} {b.Path} is {a.What}, which this run replaces: give another file or another --out");
            }
        }
    }
}
