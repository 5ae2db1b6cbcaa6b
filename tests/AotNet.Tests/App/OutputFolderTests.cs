using System.Text.Json;
using System.Text.RegularExpressions;
using AotNet.App.Results;
using AotNet.Hosting;
using AotNet.Tests.Reliability;

namespace AotNet.Tests.App;

/// <summary>
/// The --out folder keeps every experiment's latest results (a single-experiment run replaces only its own entries)
/// and changes only as a complete set: figures, results.json and report.html always belong together.
/// </summary>
[Collection(OutputFolderTests.Name)]
public sealed partial class OutputFolderTests : IDisposable
{
    public const string Name = "output folder seam";

    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-outset").FullName;

    public OutputFolderTests()
    {
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
    }

    private string Out => Path.Combine(_dir, "out");

    public void Dispose()
    {
        OutputSetWriter.AfterStaged = null;
        Directory.Delete(_dir, recursive: true);
    }

    private AppProcess.Result Boston(params string[] extra) =>
        AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Out, "--epochs", "12", "--folds", "2", "-q", .. extra], timeoutSeconds: 120);

    /// <summary>A results.json entry as an earlier `aotnet imdb` run leaves it.</summary>
    private static TextResult FakeImdb(int epochs = 3) => new(
        new Dictionary<string, double[]>
        {
            ["loss"] = [.. Enumerable.Range(1, epochs).Select(e => 0.6 / e)],
            ["accuracy"] = [.. Enumerable.Range(1, epochs).Select(e => 0.8 + (0.01 * e))],
            ["val_loss"] = [.. Enumerable.Range(1, epochs).Select(e => 0.3 + (0.01 * (e - 2) * (e - 2)))],
            ["val_accuracy"] = [.. Enumerable.Range(1, epochs).Select(e => 0.88 - (0.001 * (e - 3) * (e - 3)))],
        },
        new Dictionary<string, double> { ["loss"] = 0.33, ["accuracy"] = 0.8642 },
        3,
        new Seconds(1, 1, 0.1, 2.1),
        0)
    {
        Run = new RunRecord { Command = "aotnet imdb --epochs 3", Version = "0.1.0+earlier", FinishedAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), Settings = new RunSettingsRecord { Epochs = epochs, BatchSize = 512, Threads = 2, Shuffle = true } },
    };

    private static void WriteResults(string folder, ResultsFile results)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(results, ResultsJsonContext.Default.ResultsFile));
    }

    private static string[] Entries(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static string[] Sections(string report) => [.. H2().Matches(report).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<h2>([^<]*)</h2>")]
    private static partial Regex H2();

    [Fact]
    public void A_single_experiment_run_keeps_the_other_experiments_results_figures_and_report_sections()
    {
        WriteResults(Out, new ResultsFile { Imdb = FakeImdb() });
        File.WriteAllText(Path.Combine(Out, "reuters_loss.svg"), "<svg>stale: results.json has no reuters</svg>");
        File.WriteAllText(Path.Combine(Out, "notes.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(Out, "weights"));
        File.WriteAllText(Path.Combine(Out, "weights", "w.safetensors"), "kept");

        var result = AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", Out, "--epochs", "12", "--folds", "2"], timeoutSeconds: 120);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("kept the earlier results of imdb", result.Out);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "results.json")));
        Assert.Equal(["imdb", "boston", "set"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("aotnet imdb --epochs 3", json.RootElement.GetProperty("imdb").GetProperty("run").GetProperty("command").GetString());
        var run = json.RootElement.GetProperty("boston").GetProperty("run");
        Assert.Equal(12, run.GetProperty("settings").GetProperty("epochs").GetInt32());
        Assert.Equal(2, run.GetProperty("settings").GetProperty("folds").GetInt32());
        Assert.False(string.IsNullOrEmpty(run.GetProperty("version").GetString()));
        Assert.True(run.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);

        Assert.Equal(
            ["boston_folds.svg", "boston_mae.svg", "boston_mae_smoothed.svg", "imdb_accuracy.svg", "imdb_loss.svg", "notes.txt", "report.html", "results.json", "reuters_loss.svg", "weights"],
            Entries(Out));
        Assert.Equal("<svg>stale: results.json has no reuters</svg>", File.ReadAllText(Path.Combine(Out, "reuters_loss.svg"))); // not named by a manifest: not provably ours, kept
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Out, "notes.txt")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(Out, "weights", "w.safetensors")));
        string report = File.ReadAllText(Path.Combine(Out, "report.html"));
        Assert.Equal(["imdb", "boston"], Sections(report));
        Assert.Contains("aotnet imdb --epochs 3", report);
        Assert.Contains("12 epochs, batch 1", report);
        Assert.Equal(5, Regex.Matches(report, "<svg").Count);
        Assert.DoesNotContain(Entries(_dir), e => e.StartsWith('.'));
    }

    [Fact]
    public void An_io_error_while_the_set_is_written_leaves_the_old_set_untouched_and_no_leftovers()
    {
        WriteResults(Out, new ResultsFile { Imdb = FakeImdb() });
        string before = File.ReadAllText(Path.Combine(Out, "results.json"));
        var folder = new OutputFolder(Out);
        OutputSetWriter.AfterStaged = file => throw new IOException($"No space left on device (simulated after {file})");

        var e = Assert.Throws<IOException>(() => folder.Commit(new ResultsFile { Imdb = FakeImdb(5) }, "aotnet imdb", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Contains("keeps its previous set", e.Message);
        Assert.Equal(["results.json"], Entries(Out));
        Assert.Equal(before, File.ReadAllText(Path.Combine(Out, "results.json")));
        Assert.Equal(["boston_housing.npz", "out"], Entries(_dir));
    }

    [Fact]
    public void An_interrupted_commit_leaves_the_old_set_untouched_and_no_leftovers()
    {
        WriteResults(Out, new ResultsFile { Imdb = FakeImdb() });
        var folder = new OutputFolder(Out);
        using var cancel = new CancellationTokenSource();
        OutputSetWriter.AfterStaged = file =>
        {
            if (file == "report.html")
            {
                cancel.Cancel(); // Ctrl+C arrives while the set is being written
            }
        };

        Assert.ThrowsAny<OperationCanceledException>(() => folder.Commit(new ResultsFile { Imdb = FakeImdb(5) }, "aotnet imdb", DateTimeOffset.UtcNow, cancel.Token));
        Assert.Equal(["results.json"], Entries(Out));
        Assert.Equal(["boston_housing.npz", "out"], Entries(_dir));
    }

    [Fact]
    public async Task Concurrent_commits_of_different_experiments_end_with_one_complete_set_holding_both()
    {
        var imdb = new ResultsFile { Imdb = FakeImdb() };
        var reuters = new ResultsFile { Reuters = FakeImdb(4) };
        var tasks = new[] { imdb, reuters }.Select(r => Task.Run(() =>
        {
            for (int i = 0; i < 15; i++)
            {
                new OutputFolder(Out).Commit(r, "aotnet", DateTimeOffset.UtcNow, CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(["imdb_accuracy.svg", "imdb_loss.svg", "report.html", "results.json", "reuters_accuracy.svg", "reuters_loss.svg"], Entries(Out));
        Assert.Equal(["imdb", "reuters"], Sections(File.ReadAllText(Path.Combine(Out, "report.html"))));
        Assert.Equal(["boston_housing.npz", "out"], Entries(_dir));
    }

    [Fact]
    public async Task Two_concurrent_processes_into_one_out_leave_one_complete_set()
    {
        var runs = await Task.WhenAll(new[] { "1", "2" }.Select(seed => Task.Run(() => Boston("--seed", seed)))).WaitAsync(TimeSpan.FromMinutes(4));
        foreach (var run in runs)
        {
            Assert.True(run.Code == 0, run.Err);
        }

        Assert.Equal(["boston_folds.svg", "boston_mae.svg", "boston_mae_smoothed.svg", "report.html", "results.json"], Entries(Out));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "results.json")));
        var boston = json.RootElement.GetProperty("boston");
        ulong seed = boston.GetProperty("run").GetProperty("settings").GetProperty("seed").GetUInt64();
        Assert.Contains(seed, new ulong[] { 1, 2 });

        // the figures and the report are those of the run whose results.json is there
        string report = File.ReadAllText(Path.Combine(Out, "report.html"));
        Assert.Contains($"seed {seed},", report);
        Assert.DoesNotContain($"seed {3 - seed},", report);
        double lowest = boston.GetProperty("mean_val_mae").EnumerateArray().Min(v => v.GetDouble());
        Assert.Contains(lowest.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), report);
        Assert.DoesNotContain(Entries(_dir), e => e.StartsWith('.'));
    }

    [Fact]
    public void A_file_the_previous_set_named_goes_only_while_it_holds_the_bytes_aotnet_wrote()
    {
        // a set with the variants' figures, then one without them (what a later `aotnet imdb` run would leave)
        var withVariants = new ResultsFile { Imdb = FakeImdb(), ImdbVariants = new() { ["small"] = FakeImdb(), ["large"] = FakeImdb(4) } };
        new OutputFolder(Out).Commit(withVariants, "aotnet imdb --variant small,large", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Contains("imdb_small_val_loss.svg", Entries(Out));
        File.WriteAllText(Path.Combine(Out, "imdb_large_val_loss.svg"), "edited by hand"); // no longer what aotnet wrote
        string json = File.ReadAllText(Path.Combine(Out, "results.json"));
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal(64, doc.RootElement.GetProperty("set").GetProperty("files").GetProperty("report.html").GetString()!.Length);
        }

        // drop the variants from results.json (keeping its "set" record), then commit again
        string withoutVariants = System.Text.RegularExpressions.Regex.Replace(json, "\"imdb_variants\"", "\"imdb_variants_gone\"");
        File.WriteAllText(Path.Combine(Out, "results.json"), withoutVariants);
        new OutputFolder(Out).Commit(new ResultsFile { Reuters = FakeImdb(4) }, "aotnet reuters", DateTimeOffset.UtcNow, CancellationToken.None);

        var entries = Entries(Out);
        Assert.DoesNotContain("imdb_small_val_loss.svg", entries); // aotnet's, unchanged: removed with the set that named it
        Assert.Contains("imdb_large_val_loss.svg", entries); // changed since: kept
        Assert.Equal("edited by hand", File.ReadAllText(Path.Combine(Out, "imdb_large_val_loss.svg")));
        Assert.Equal(["boston_housing.npz", "out"], Entries(_dir));
    }

    [Fact]
    public void A_results_json_that_cannot_be_read_is_refused_before_training_and_kept()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "results.json"), "{ not json");
        var result = Boston();
        AppProcess.AssertCleanFailure(result.Code, result.Err, "results.json", "move it away");
        Assert.Equal("{ not json", File.ReadAllText(Path.Combine(Out, "results.json")));
    }

    [Fact]
    public void A_symlinked_out_is_followed_not_replaced()
    {
        string real = Path.Combine(_dir, "real");
        WriteResults(real, new ResultsFile { Imdb = FakeImdb() });
        Directory.CreateSymbolicLink(Out, real);

        var result = Boston();
        Assert.True(result.Code == 0, result.Err);
        Assert.NotNull(new DirectoryInfo(Out).LinkTarget);
        Assert.Contains("boston_mae.svg", Entries(real));
        Assert.Contains("imdb_loss.svg", Entries(real));
    }

    [Fact]
    public void Entries_of_unknown_experiments_are_kept()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "results.json"), """{ "mnist": { "test": { "accuracy": 0.99 } } }""");
        var result = Boston();
        Assert.True(result.Code == 0, result.Err);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "results.json")));
        Assert.Equal(0.99, json.RootElement.GetProperty("mnist").GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.True(json.RootElement.TryGetProperty("boston", out _));
    }
}

[CollectionDefinition(OutputFolderTests.Name, DisableParallelization = true)]
public sealed class OutputFolderSeamCollection;
