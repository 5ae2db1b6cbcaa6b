using System.Globalization;
using System.Text.Json;
using AotNet.IO;
using AotNet.Reporting;

namespace AotNet.App.Results;

/// <summary>
/// The <c>--out</c> folder: results.json, the seed's six figures as SVG and report.html, each written to a temporary
/// file and renamed, so an interrupted run never leaves half a file.
/// </summary>
internal sealed class OutputFolder
{
    public OutputFolder(string path)
    {
        try
        {
            Path = System.IO.Path.GetFullPath(path);
            Directory.CreateDirectory(Path);
            AtomicFile.WriteAllText(System.IO.Path.Combine(Path, ".aotnet-write-check"), "ok");
            File.Delete(System.IO.Path.Combine(Path, ".aotnet-write-check"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new IOException($"--out '{path}': the folder cannot be written ({e.Message})", e);
        }
    }

    public string Path { get; }

    public List<string> Written { get; } = [];

    public void Write(ResultsFile results, IReadOnlyList<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> summary, string commandLine, DateTimeOffset started)
    {
        var figures = Figures.For(results);
        foreach (var (experiment, file, _, chart) in figures)
        {
            Save(file, SvgLineChart.Render(chart));
        }

        Save("results.json", JsonSerializer.Serialize(results, ResultsJsonContext.Default.ResultsFile));
        var sections = summary.Select(s => new ReportSection(
            s.Experiment,
            s.Rows.Select(r => new KeyValuePair<string, string>(r.Label, r.Value)).ToList(),
            figures.Where(f => f.Experiment == s.Experiment).Select(f => new ReportFigure(f.Caption, SvgLineChart.Render(f.Chart)) { FileName = f.File }).ToList())
        {
            Description = Figures.Describe(s.Experiment),
        }).ToList();
        Save("report.html", HtmlReport.Render(new ReportModel(started, sections)
        {
            CommandLine = commandLine,
            Version = string.Create(CultureInfo.InvariantCulture, $"AotNet {typeof(OutputFolder).Assembly.GetName().Version?.ToString(3)}, .NET {Environment.Version}, {Environment.ProcessorCount} cores"),
        }));
    }

    private void Save(string file, string text)
    {
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, file), text);
        Written.Add(file);
    }
}
