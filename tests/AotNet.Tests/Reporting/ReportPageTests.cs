using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using AotNet.App.Results;
using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

/// <summary>
/// report.html as a reader meets it: a summary across the experiments with the reference numbers, each section's
/// settings and provenance, Boston's folds, figures that link to their full-size files and tick labels that stay
/// readable at the size the page shows them; and (when Chromium is installed) the page really renders.
/// </summary>
public sealed class ReportPageTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-page").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunRecord Run(string command, int epochs, int batch, int? folds = null) => new()
    {
        Command = command,
        Version = "0.1.0+abc",
        FinishedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
        Settings = new RunSettingsRecord { Epochs = epochs, BatchSize = batch, Seed = 7, Threads = 2, Shuffle = true, Folds = folds, Smoothing = folds is null ? null : "book" },
        Machine = new MachineRecord { Cpu = "Test CPU", Cores = 2, Architecture = "x64", Os = "Linux", Runtime = ".NET 10" },
    };

    private static TextResult Text(int epochs, string command) => new(
        new Dictionary<string, double[]>
        {
            ["loss"] = [.. Enumerable.Range(1, epochs).Select(e => 0.7 / e)],
            ["accuracy"] = [.. Enumerable.Range(1, epochs).Select(e => 0.7 + (0.01 * e))],
            ["val_loss"] = [.. Enumerable.Range(1, epochs).Select(e => 0.3 + (0.02 * Math.Abs(e - 4)))],
            ["val_accuracy"] = [.. Enumerable.Range(1, epochs).Select(e => 0.88 - (0.002 * Math.Abs(e - 3)))],
        },
        new Dictionary<string, double> { ["loss"] = 0.4, ["accuracy"] = 0.8575 },
        3,
        new Seconds(1, 2, 0.1, 3.1),
        0)
    { Run = Run(command, epochs, 512) };

    private static ResultsFile Results()
    {
        double[] Curve(int fold) => [.. Enumerable.Range(1, 60).Select(e => (e == 1 ? 20.0 : 2.5) + (0.01 * Math.Abs(e - 30)) + (0.05 * fold))];
        var folds = Enumerable.Range(0, 3).Select(f => new FoldCurves(Curve(f), Curve(f))).ToArray();
        double[] mean = [.. Enumerable.Range(0, 60).Select(e => folds.Average(f => f.ValMae[e]))];
        return new ResultsFile
        {
            Imdb = Text(10, "aotnet imdb --epochs 10"),
            Reuters = Text(12, "aotnet reuters --epochs 12"),
            Boston = new BostonResult(folds, mean, mean, "book", 30, new Dictionary<string, double> { ["mae"] = 2.5, ["loss"] = 15.8 }, new Seconds(0.1, 1, 0.1, 1.2), 0) { Run = Run("aotnet boston --epochs 60 --folds 3", 60, 1, 3) },
        };
    }

    private static (List<(string File, string Text)> Files, XElement Page) Render()
    {
        var files = ReportSet.Render(Results(), "aotnet all", new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero));
        string html = files.Single(f => f.File == "report.html").Text;
        return (files, XDocument.Parse(html["<!DOCTYPE html>\n".Length..]).Root!);
    }

    [Fact]
    public void The_report_opens_with_a_summary_across_the_experiments_and_the_reference_numbers()
    {
        var (_, page) = Render();
        var summary = page.Descendants("table").First(t => t.Attribute("class")?.Value == "grid");
        Assert.Equal(["experiment", "AotNet", "Keras book", "PyTorch, same rules", "settings"], summary.Descendants("th").Select(t => t.Value));
        var rows = summary.Element("tbody")!.Elements("tr").Select(r => r.Elements("td").Select(d => d.Value).ToList()).ToList();
        Assert.Equal(["imdb", "reuters", "boston"], rows.Select(r => r[0]));
        Assert.Contains("0.8602", rows[0][3]);
        Assert.Contains("0.7947", rows[1][3]);
        Assert.Contains("2.55", rows[2][2]);
        Assert.Contains("10 epochs, batch 512, seed 7, 2 threads", rows[0][4]);
        Assert.Contains("60 epochs, batch 1, seed 7, 2 threads, shuffled, 3 folds, book smoothing", rows[2][4]);
    }

    [Fact]
    public void Each_section_says_when_and_how_it_was_produced_and_boston_shows_its_folds()
    {
        var (_, page) = Render();
        var provenance = page.Descendants("p").Where(p => p.Attribute("class")?.Value == "provenance").Select(p => p.Value).ToList();
        Assert.Equal(3, provenance.Count);
        Assert.Contains("2026-12-01 10:00:00 UTC by: aotnet imdb --epochs 10", provenance[0]);
        Assert.Contains("AotNet 0.1.0+abc on Test CPU, 2 cores, x64, Linux, .NET 10", provenance[0]);
        var folds = page.Descendants("table").Single(t => t.Element("caption")?.Value == "Per fold");
        Assert.Equal(3, folds.Element("tbody")!.Elements("tr").Count());
        Assert.Equal(["fold", "final val_mae", "lowest val_mae (epoch)", "final val_loss (mse)"], folds.Descendants("th").Select(t => t.Value));
    }

    [Fact]
    public void Every_figure_links_to_its_file_and_its_tick_labels_are_readable_at_the_narrowest_width_shown()
    {
        var (files, page) = Render();
        var figures = page.Descendants("figure").ToList();
        Assert.Equal(7, figures.Count); // 2 + 2 + boston's mean, folds and smoothed
        foreach (var figure in figures)
        {
            string href = figure.Element("a")!.Attribute("href")!.Value;
            Assert.Contains(files, f => f.File == href);
            var svg = figure.Element("a")!.Element(Svg + "svg")!;
            double width = double.Parse(svg.Attribute("viewBox")!.Value.Split(' ')[2], CultureInfo.InvariantCulture);
            double fontSize = double.Parse(svg.Attribute("font-size")!.Value, CultureInfo.InvariantCulture);
            double shown = fontSize * HtmlReport.MinFigureWidth / width;
            Assert.True(shown >= 12, $"{href}: tick labels {shown:0.0} px at the narrowest figure width");
        }
    }

    [Fact]
    public void Each_chart_marks_its_own_optimum_and_says_which_with_whole_epoch_ticks()
    {
        var (files, _) = Render();
        string Figure(string file) => files.Single(f => f.File == file).Text;
        Assert.Contains("lowest val_loss: epoch 4", Figure("imdb_loss.svg"));
        Assert.Contains("highest val_accuracy: epoch 3", Figure("imdb_accuracy.svg"));
        Assert.Contains("lowest smoothed MAE: epoch", Figure("boston_mae_smoothed.svg"));
        Assert.Contains("fold 3", Figure("boston_folds.svg"));
        Assert.Contains("y axis clipped", Figure("boston_mae.svg")); // epoch 1's 20.0 would squash the 2.5-3 range
        foreach (var (file, text) in files.Where(f => f.File.EndsWith(".svg", StringComparison.Ordinal)))
        {
            var ticks = XDocument.Parse(text).Descendants(Svg + "g").Single(g => g.Attribute("class")?.Value == "xticks").Elements(Svg + "text").Select(t => t.Value).ToList();
            Assert.NotEmpty(ticks);
            Assert.All(ticks, t => Assert.True(int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), $"{file}: epoch tick '{t}' is not a whole number"));
        }
    }

    [ChromiumFact]
    public void The_report_renders_in_headless_chromium()
    {
        var (files, _) = Render();
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(_dir, file), text);
        }

        string png = Path.Combine(_dir, "report.png");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(TestData.RepoRoot, "scripts", "report-screenshot.sh"), Path.Combine(_dir, "report.html"), png, "1400", "1600" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "chromium did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, error);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal("\x89PNG", System.Text.Encoding.Latin1.GetString(bytes, 0, 4));
        Assert.Equal(1400, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(1600, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.True(bytes.Length > 40_000, $"the screenshot has {bytes.Length} bytes: an empty page?"); // a blank page is a few kB
    }
}

/// <summary>A fact that needs headless Chromium: skipped, saying how to install it, when it is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        string[] names = ["chromium", "chromium-browser", "google-chrome"];
        bool found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(dir => names.Any(n => File.Exists(Path.Combine(dir, n))));
        if (!found)
        {
            Skip = "headless Chromium is not installed: apt-get install chromium (the page check runs scripts/report-screenshot.sh)";
        }
    }
}
