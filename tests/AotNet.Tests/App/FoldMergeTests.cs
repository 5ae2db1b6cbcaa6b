using System.Text.Json.Nodes;
using AotNet.Tests.Reliability;
using AotNet.Tests.Reproducibility;

namespace AotNet.Tests.App;

/// <summary>
/// Issue 24 item 5: Boston's k-fold fanned out over indexed jobs. Five processes with JOB_COMPLETION_INDEX=0..4 and
/// <c>aotnet merge</c> write the same bits (results.json, figures, final model) as one <c>aotnet boston</c> run; the
/// merge refuses parts that do not belong together.
/// </summary>
public class FoldMergeTests
{
    private const string Epochs = "12"; // more than the smoothing's 10 skipped epochs: the smoothed curve and its best epoch count

    private static string Data => TestData.Require();

    [RealDataFact]
    public async Task FiveIndexedProcessesAndTheMergeWriteTheBitsOfOneRun()
    {
        string root = AppRun.TempDir(), single = Path.Combine(root, "single"), parts = Path.Combine(root, "parts"), merged = Path.Combine(root, "merged");
        Directory.CreateDirectory(single);
        Directory.CreateDirectory(merged);
        string sentinel = Path.Combine(parts, "notes.txt");
        Directory.CreateDirectory(parts);
        File.WriteAllText(sentinel, "the user's file");

        var one = Task.Run(() => AppProcess.Run(["boston", "--epochs", Epochs, "--data-dir", Data, "--out", single, "--save-weights", Path.Combine(single, "weights.safetensors"), "--quiet"], timeoutSeconds: 300));
        var jobs = Enumerable.Range(0, 5).Select(i => Task.Run(() => AppProcess.Run(
            ["boston", "--epochs", Epochs, "--data-dir", Data, "--out", parts, "--fold", "env", "--quiet"],
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = $"{i}" },
            timeoutSeconds: 300))).ToList();
        foreach (var result in await Task.WhenAll(jobs.Append(one)))
        {
            Assert.True(result.Code == 0, result.Err);
            Assert.Equal(string.Empty, result.Err);
        }

        Assert.Equal(["boston-fold-0.json", "boston-fold-1.json", "boston-fold-2.json", "boston-fold-3.json", "boston-fold-4.json", "notes.txt"], Directory.GetFileSystemEntries(parts).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("the user's file", File.ReadAllText(sentinel));

        // the parts in another order than the folds: the merge orders them itself
        string[] partFiles = [.. Enumerable.Range(0, 5).Reverse().Select(i => Path.Combine(parts, $"boston-fold-{i}.json"))];
        var merge = AppProcess.Run(["merge", "--data-dir", Data, "--out", merged, "--save-weights", Path.Combine(merged, "weights.safetensors"), "--quiet", .. partFiles], timeoutSeconds: 300);
        Assert.True(merge.Code == 0, merge.Err);

        Assert.Null(BitDiff.Compare("aotnet boston", RunFiles.In(single), "5 jobs + aotnet merge", RunFiles.In(merged)));
        foreach (string figure in new[] { "boston_mae.svg", "boston_folds.svg", "boston_mae_smoothed.svg" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(single, figure)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, figure))), $"{figure} differs");
        }

        Assert.True(File.Exists(Path.Combine(merged, "report.html")));
        var part = JsonNode.Parse(File.ReadAllText(partFiles[0]))!;
        Assert.Equal(4, part["fold"]!.GetValue<int>());
        Assert.Equal(int.Parse(Epochs), part["val_mae"]!.AsArray().Count);
    }

    [RealDataFact]
    public void MergeRefusesPartsThatDoNotBelongTogether()
    {
        string dir = AppRun.TempDir();
        var parts = Enumerable.Range(0, 5).Select(i => Fold(dir, i)).ToArray();

        Refused("fold 3 of 5 missing", parts.Where((_, i) => i != 3));
        Refused("folds 0, 1 of 5 missing", parts.Skip(2));
        Refused("fold 2 is given twice", [.. parts, parts[2]]);
        Refused("has other settings", Tampered(parts, 1, p => p["settings"]!["seed"] = 7));
        Refused("has other settings", Tampered(parts, 4, p => p["settings"]!["epochs"] = 1, p => p["val_mae"]!.AsArray().RemoveAt(0), p => p["val_loss"]!.AsArray().RemoveAt(0)));
        Refused("the parts are of different data", Tampered(parts, 2, p => p["data"]!["sha256"] = new string('0', 64)));
        Refused("was written by AotNet 0.0.1", Tampered(parts, 0, p => p["version"] = "0.0.1"));
        Refused("is damaged", Tampered(parts, 0, p => p["val_mae"]!.AsArray().RemoveAt(0)));

        // every part says other data: the merge's own data file disagrees with them all
        string[] otherData = parts.Select((p, i) => Tampered([p], 0, q => q["data"]!["sha256"] = new string('0', 64))[0]).ToArray();
        Refused("merge with the same data", otherData);

        string notAPart = Path.Combine(dir, "other.json");
        File.WriteAllText(notAPart, "{\"imdb\": {}}");
        Refused("is not a fold part", [notAPart, .. parts.Skip(1)]);
        Refused("does not exist", [Path.Combine(dir, "missing.json"), .. parts.Skip(1)]);

        string weights = Path.Combine(dir, "w.safetensors");
        File.WriteAllBytes(weights, [1, 2, 3]);
        Refused("merge without --initial-weights", parts, "--initial-weights", weights);
    }

    [RealDataFact]
    public void AFoldRunRefusesBadIndicesAndLeavesAFileItDidNotWrite()
    {
        string dir = AppRun.TempDir();
        OneLine("--fold must be a whole number from 0 to 4 for 5 folds, or env (got '5')", "boston", "--fold", "5", "--data-dir", Data, "--out", dir);
        OneLine("--fold must be a whole number from 0 to 2 for 3 folds, or env (got 'x')", "boston", "--fold", "x", "--folds", "3", "--data-dir", Data, "--out", dir);
        OneLine("--save-weights names the final model, which aotnet merge trains", "boston", "--fold", "0", "--save-weights", Path.Combine(dir, "w.safetensors"), "--data-dir", Data, "--out", dir);
        var (code, error) = AppRun.Cli("imdb", "--fold", "0", "--data-dir", Data, "--out", dir);
        Assert.Equal(1, code);
        Assert.Contains("--fold", error, StringComparison.Ordinal);

        string foreign = Path.Combine(dir, "boston-fold-1.json");
        File.WriteAllText(foreign, "my notes");
        OneLine("is not a fold part AotNet can read", "boston", "--fold", "1", "--epochs", "1", "--data-dir", Data, "--out", dir);
        Assert.Equal("my notes", File.ReadAllText(foreign));
        Assert.Equal([foreign], Directory.GetFileSystemEntries(dir));
    }

    [RealDataFact]
    public async Task SigintStopsAFoldWithoutAPart()
    {
        string dir = AppRun.TempDir();
        var result = await AppProcess.RunAndInterrupt(["boston", "--fold", "2", "--epochs", "50000", "--data-dir", Data, "--out", dir], line => line.StartsWith("boston:", StringComparison.Ordinal));
        Assert.Equal(130, result.Code);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    private static string Fold(string dir, int fold)
    {
        var (code, error) = AppRun.Cli("boston", "--fold", $"{fold}", "--epochs", "2", "--data-dir", Data, "--out", dir, "--quiet");
        Assert.True(code == 0, error);
        return Path.Combine(dir, $"boston-fold-{fold}.json");
    }

    /// <summary>Copies of the parts, part <paramref name="index"/> changed by <paramref name="changes"/>.</summary>
    private static string[] Tampered(string[] parts, int index, params Action<JsonNode>[] changes)
    {
        string dir = AppRun.TempDir();
        return parts.Select((p, i) =>
        {
            var node = JsonNode.Parse(File.ReadAllText(p))!;
            if (i == index)
            {
                foreach (var change in changes)
                {
                    change(node);
                }
            }

            string copy = Path.Combine(dir, Path.GetFileName(p));
            File.WriteAllText(copy, node.ToJsonString());
            return copy;
        }).ToArray();
    }

    private static void Refused(string expected, IEnumerable<string> parts, params string[] options)
    {
        string outDir = AppRun.TempDir();
        OneLine(expected, ["merge", "--data-dir", Data, "--out", outDir, .. options, .. parts]);
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    /// <summary>The command fails with exit code 1 and one line on stderr containing <paramref name="expected"/>.</summary>
    private static void OneLine(string expected, params string[] args)
    {
        var (code, error) = AppRun.Cli(args);
        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
