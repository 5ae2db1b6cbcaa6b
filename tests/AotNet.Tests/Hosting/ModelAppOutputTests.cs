using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AotNet.Hosting;
using AotNet.IO;
using AotNet.Training;

namespace AotNet.Tests.Hosting;

[Sequential(4, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
[Dense(6, Activation.Relu)]
[Dense(3, Activation.Softmax)]
internal sealed partial class HostOutputNet;

/// <summary>
/// Issue 20: the host's <c>fit --out</c> commits through the same <see cref="OutputSet"/> as the <c>aotnet</c> app
/// (results.json last, naming every file with its hash; the folder probed and the set's names checked before
/// training; nothing it did not write touched) and refuses outputs that are inputs however they are spelled.
/// In-process (ModelApp.Fit), so each case is quick; the published consumer runs the whole host in ModelAppConsumerTests.
/// </summary>
public sealed class ModelAppOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-host-out-").FullName;

    public ModelAppOutputTests()
    {
        var csv = new StringBuilder("a,b,c,d,kind\n");
        for (int i = 0; i < 60; i++)
        {
            int k = i % 3;
            csv.Append(CultureInfo.InvariantCulture, $"{k + 0.1 * (i % 7)},{1 - k},{0.5 * k},{i % 5},{(k == 0 ? "red" : k == 1 ? "green" : "blue")}\n");
        }

        File.WriteAllText(Data, csv.ToString());
    }

    private string Data => Path.Combine(_dir, "train.csv");

    private string Out => Path.Combine(_dir, "out");

    private string Weights => Path.Combine(_dir, "w.safetensors");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Fit(string? output, string? save = null, string? initial = null, string? data = null) =>
        ModelApp.Fit<HostOutputNet>(
            new ModelApp.FitRequest(data ?? Data, ["kind"], null, 2, 16, 0.2, null, 1, 1, output, save, initial, Quiet: true),
            "test", CancellationToken.None);

    [Fact]
    public void Results_json_is_the_set_manifest_naming_every_file_with_its_hash()
    {
        Assert.Equal(0, Fit(Out));
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "results.json")));
        var files = results.RootElement.GetProperty(OutputSet.SetProperty).GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(["accuracy.svg", "loss.svg", "report.html"], files.Keys.Order());
        foreach (var (name, sha) in files)
        {
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Out, name)))));
        }

        Assert.Equal(["accuracy.svg", "loss.svg", "report.html", "results.json"], Directory.GetFileSystemEntries(Out).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_results_json_of_the_users_is_refused_before_training_and_left_as_it_is()
    {
        Directory.CreateDirectory(Out);
        string mine = Path.Combine(Out, "results.json");
        File.WriteAllText(mine, "{\"my\": \"experiment\"}");
        var e = Assert.Throws<IOException>(() => Fit(Out, save: Weights));
        Assert.Contains("not one a fit wrote", e.Message);
        Assert.Equal("{\"my\": \"experiment\"}", File.ReadAllText(mine));
        Assert.False(File.Exists(Weights), "refused after training: the weights were written");
    }

    [Fact]
    public void A_set_name_held_by_a_pipe_is_refused_before_training_and_left_alone()
    {
        Directory.CreateDirectory(Out);
        string pipe = Path.Combine(Out, "report.html");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var e = Assert.Throws<IOException>(() => Fit(Out, save: Weights));
        Assert.Contains("report.html", e.Message);
        Assert.False(File.Exists(Weights));
        Assert.Equal(FileKind.Fifo, FileKinds.Of(pipe, followLinks: false));
        Assert.False(File.Exists(Path.Combine(Out, "results.json")));
    }

    [Fact]
    public void An_out_folder_that_cannot_be_made_is_refused_before_training()
    {
        var e = Assert.Throws<IOException>(() => Fit(Path.Combine(Data, "sub"), save: Weights));
        Assert.Contains("--out", e.Message);
        Assert.False(File.Exists(Weights), "refused after training: the weights were written");
    }

    [Fact]
    public void Save_weights_onto_the_data_through_a_hard_link_or_a_symbolic_link_is_refused_before_training()
    {
        string hard = Path.Combine(_dir, "hard.safetensors"), soft = Path.Combine(_dir, "soft.safetensors");
        using (var ln = Process.Start("ln", [Data, hard])!)
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }

        File.CreateSymbolicLink(soft, Data);
        string before = File.ReadAllText(Data);
        foreach (string save in new[] { hard, soft })
        {
            var e = Assert.Throws<IOException>(() => Fit(null, save: save));
            Assert.Contains("--save-weights", e.Message);
            Assert.Contains("--data", e.Message);
        }

        Assert.Equal(before, File.ReadAllText(Data));
    }

    [Fact]
    public void Outputs_in_the_set_through_other_spellings_are_refused_and_initial_weights_may_be_replaced()
    {
        Directory.CreateDirectory(Out);
        var e = Assert.Throws<IOException>(() => Fit(Out, save: Path.Combine(_dir, "out", "..", "out", "accuracy.svg")));
        Assert.Contains("accuracy.svg", e.Message);
        Assert.Equal(0, Fit(Out, save: Weights));
        var data = Assert.Throws<IOException>(() => Fit(Out, data: Path.Combine(Out, "report.html")));
        Assert.Contains("which this run replaces", data.Message);
        byte[] first = File.ReadAllBytes(Weights);
        Assert.Equal(0, Fit(null, save: Weights, initial: Weights)); // read whole before training, replaced atomically after
        Assert.NotEqual(first, File.ReadAllBytes(Weights));
    }

    [Fact]
    public void The_history_report_gives_its_texts_and_the_names_it_can_write()
    {
        var history = new History(["accuracy"], hasValidation: true, capacity: 2);
        var files = AotNet.Reporting.HistoryReport.Files(history, "t", [], DateTimeOffset.UnixEpoch);
        Assert.Equal("report.html", files[^1].FileName);
        Assert.All(files.Select(f => f.FileName), n => Assert.Contains(n, AotNet.Reporting.HistoryReport.FileNames(["accuracy"])));
    }
}
