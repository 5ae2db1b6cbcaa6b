using System.Text.Json;
using AotNet.Hosting;

namespace AotNet.App.Results;

/// <summary>
/// The <c>--out</c> folder: results.json, the figures as SVG and report.html, committed as one set through
/// <see cref="OutputSet"/> (the runtime's rule: nothing in the folder but the set's own files is ever read, moved,
/// copied or deleted; each file goes through temp-and-rename, results.json last, naming every file with its hash).
/// A run merges its experiments over the entries of the results.json it finds when it commits (under the folder's
/// lock, so concurrent runs take turns and each keeps the other's), then draws every figure and the report again.
/// </summary>
internal sealed class OutputFolder
{
    public const string ResultsFileName = OutputSet.DefaultManifestName, ReportFileName = "report.html";

    /// <summary>How long a run waits for another run that is committing into the same folder.</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(2);

    /// <summary>Every name the set can write besides results.json (checked before training: missing or a regular file).</summary>
    public static readonly string[] SetNames =
    [
        ReportFileName,
        "imdb_loss.svg", "imdb_accuracy.svg", "reuters_loss.svg", "reuters_accuracy.svg",
        "boston_mae.svg", "boston_folds.svg", "boston_mae_smoothed.svg",
        .. Experiments.ImdbVariants.Names.Select(v => $"imdb_{v}_val_loss.svg"), "imdb_variants_val_loss.svg",
    ];

    private readonly OutputSet _set;

    /// <summary>Checks, before any training, that the set can be written at <paramref name="path"/>.</summary>
    public OutputFolder(string path)
    {
        _set = new OutputSet(path, "--out", ResultsFileName, SetNames);
        _ = Parse(_set.ReadManifest());
    }

    /// <summary>The folder.</summary>
    public string Path => _set.Path;

    /// <summary>The files of the set written by the last <see cref="Commit"/>.</summary>
    public List<string> Written { get; } = [];

    /// <summary>Experiments whose entries the last <see cref="Commit"/> kept from earlier runs.</summary>
    public List<string> Kept { get; } = [];

    /// <summary>
    /// Writes the set for <paramref name="run"/> merged over the folder's results.json and puts it in place.
    /// Cancellation is honoured until the renames start; after that the set is completed.
    /// </summary>
    public void Commit(ResultsFile run, string commandLine, DateTimeOffset started, CancellationToken cancellation)
    {
        var written = _set.Write(
            previous =>
            {
                var merged = run.MergedOver(Parse(previous));
                merged.Other?.Remove(OutputSet.SetProperty); // the set's record is written anew by the commit
                Kept.Clear();
                Kept.AddRange(merged.Experiments.Except(run.Experiments));
                var files = ReportSet.Render(merged, commandLine, started);
                return (files.Single(f => f.File == ResultsFileName).Text, files.Where(f => f.File != ResultsFileName));
            },
            LockPatience, cancellation);
        Written.Clear();
        Written.AddRange(written);
    }

    /// <summary>The text of a results.json, or null for none; one that cannot be read is refused.</summary>
    private ResultsFile? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string path = System.IO.Path.Combine(_set.Path, ResultsFileName);
        try
        {
            return JsonSerializer.Deserialize(text, ResultsJsonContext.Default.ResultsFile) ?? throw new JsonException("it is null");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path} is not a results.json AotNet can read ({e.Message.Split('.')[0]}); move it away to keep it, or choose another --out");
        }
    }
}
