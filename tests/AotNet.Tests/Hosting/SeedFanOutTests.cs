using System.Globalization;
using System.Text;
using System.Text.Json;
using AotNet.Data;
using AotNet.Hosting;

namespace AotNet.Tests.Hosting;

/// <summary>
/// Issue 24 item 5: a user model's seeds fanned out over indexed jobs (<c>fit --seed env</c>) and merged. Each job
/// trains exactly as <c>fit --seed I</c> (same history, same weights, bit for bit), writes its own set (DIR/seed-I,
/// FILE-seed-I), and <c>merge</c> gives each seed's curves and their mean, the same bits for any order of its
/// arguments; it refuses what is not the same fit but for the seed. In-process (the jobs' environments are given
/// to <see cref="ModelApp.WithSeed"/>); the published consumer runs real processes in ModelAppConsumerTests.
/// </summary>
public sealed class SeedFanOutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-seeds-").FullName;

    public SeedFanOutTests()
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

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ModelApp.FitRequest Request(string? output, string? save, int epochs = 3) =>
        new(Data, ["kind"], null, epochs, 16, 0.2, null, 1, 1, output, save, null, Quiet: true);

    private static Func<string, string?> Job(string variable, string index) => name => name == variable ? index : null;

    private static int Fit(ModelApp.FitRequest request) => ModelApp.Fit<HostOutputNet>(request, "test", CancellationToken.None);

    private static JsonElement Results(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json"))).RootElement;

    [Fact]
    public void The_seed_is_a_number_or_the_job_index_and_a_jobs_outputs_get_its_seed()
    {
        var request = Request(Path.Combine(_dir, "runs"), Path.Combine(_dir, "w.safetensors"));
        var given = ModelApp.WithSeed(request, "7", _ => "3");
        Assert.Equal((7UL, false, request.Out, request.SaveWeights), (given.Seed, given.SeedFromJob, given.Out, given.SaveWeights));

        var job = ModelApp.WithSeed(request, "env", Job("SLURM_ARRAY_TASK_ID", "4"));
        Assert.Equal(4UL, job.Seed);
        Assert.Equal(Path.Combine(_dir, "runs", "seed-4"), job.Out);
        Assert.Equal(Path.Combine(_dir, "w-seed-4.safetensors"), job.SaveWeights);

        var none = Assert.Throws<ArgumentException>(() => ModelApp.WithSeed(request, "env", _ => null));
        Assert.Contains("JOB_COMPLETION_INDEX", none.Message);
        var bad = Assert.Throws<ArgumentException>(() => ModelApp.WithSeed(request, "env", Job("AWS_BATCH_JOB_ARRAY_INDEX", "x")));
        Assert.Contains("AWS_BATCH_JOB_ARRAY_INDEX='x'", bad.Message);
        Assert.Contains("'-1'", Assert.Throws<ArgumentException>(() => ModelApp.WithSeed(request, "-1", _ => null)).Message);
    }

    [Fact]
    public void Jobs_train_as_single_runs_and_the_merge_is_their_mean_in_any_order()
    {
        string runs = Path.Combine(_dir, "runs"), weights = Path.Combine(_dir, "w.safetensors");
        for (int i = 0; i < 3; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(0, Fit(ModelApp.WithSeed(Request(runs, weights), "env", Job("JOB_COMPLETION_INDEX", index))));
            Assert.Equal(0, Fit(ModelApp.WithSeed(Request(Path.Combine(_dir, "single-" + index), Path.Combine(_dir, $"single-{index}.safetensors")), index, _ => null)));
            string job = Path.Combine(runs, "seed-" + index);
            Assert.Equal(Results(Path.Combine(_dir, "single-" + index)).GetProperty("history").GetRawText(), Results(job).GetProperty("history").GetRawText());
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, $"single-{index}.safetensors")), File.ReadAllBytes(Path.Combine(_dir, $"w-seed-{index}.safetensors")));
        }

        string[] folders = [.. Enumerable.Range(0, 3).Select(i => Path.Combine(runs, $"seed-{i}"))];
        string merged = Path.Combine(_dir, "merged"), reversed = Path.Combine(_dir, "reversed");
        Assert.Equal(0, ModelApp.MergeSeeds<HostOutputNet>(merged, folders, quiet: true, CancellationToken.None));
        Assert.Equal(0, ModelApp.MergeSeeds<HostOutputNet>(reversed, [.. folders.Reverse().Select(f => Path.Combine(f, "results.json"))], quiet: true, CancellationToken.None));

        var result = Results(merged);
        Assert.Equal([0UL, 1UL, 2UL], result.GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.False(result.GetProperty("settings").TryGetProperty("seed", out _));
        Assert.Equal(result.GetProperty("history").GetRawText(), Results(reversed).GetProperty("history").GetRawText());
        var singles = Enumerable.Range(0, 3).Select(i => Results(Path.Combine(_dir, $"single-{i}"))).ToList();
        foreach (var series in result.GetProperty("history").EnumerateObject())
        {
            double[] mean = [.. series.Value.EnumerateArray().Select(e => e.GetDouble())];
            Assert.Equal(3, mean.Length);
            for (int e = 0; e < mean.Length; e++)
            {
                double sum = 0;
                foreach (var single in singles)
                {
                    sum += single.GetProperty("history").GetProperty(series.Name)[e].GetDouble();
                }

                Assert.Equal(sum / 3, mean[e]); // exactly: seeds summed in ascending order
            }
        }

        var perSeed = result.GetProperty("per_seed").EnumerateArray().ToList();
        Assert.Equal(3, perSeed.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((ulong)i, perSeed[i].GetProperty("seed").GetUInt64());
            Assert.Equal(singles[i].GetProperty("history").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal), perSeed[i].GetProperty("history").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        }

        double valLoss = singles.Sum(s => s.GetProperty("validation").GetProperty("loss").GetDouble()) / 3;
        Assert.Equal(valLoss, result.GetProperty("validation").GetProperty("loss").GetDouble(), 1e-15);
        Assert.True(File.Exists(Path.Combine(merged, "loss.svg")) && File.Exists(Path.Combine(merged, "report.html")));
    }

    [Fact]
    public void The_merge_refuses_what_is_not_the_same_fit_but_for_the_seed_and_writes_nothing()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b"), c = Path.Combine(_dir, "c"), merged = Path.Combine(_dir, "merged");
        Assert.Equal(0, Fit(Request(a, null) with { Seed = 1 }));
        Assert.Equal(0, Fit(Request(b, null) with { Seed = 2, Threads = 2 })); // threads do not change the bits: allowed
        Assert.Equal(0, Fit(Request(c, null, epochs: 4) with { Seed = 3 }));

        Assert.Contains("both are seed 1", Assert.Throws<ArgumentException>(() => Merge(merged, a, a)).Message);
        Assert.Contains("settings.epochs differs", Assert.Throws<ArgumentException>(() => Merge(merged, a, c)).Message);
        string foreign = Path.Combine(_dir, "foreign.json");
        File.WriteAllText(foreign, "{\"model\": \"x\"}");
        Assert.Contains("not the results.json of a fit", Assert.Throws<DataFormatException>(() => Merge(merged, a, foreign)).Message);
        Assert.Contains("--out", Assert.Throws<IOException>(() => Merge(a, a, b)).Message); // the merge would replace an input
        Assert.False(Directory.Exists(merged) && Directory.EnumerateFileSystemEntries(merged).Any());

        Assert.Equal(0, Merge(merged, b, a));
        Assert.Equal([1UL, 2UL], Results(merged).GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.Contains("not the results.json of a fit", Assert.Throws<DataFormatException>(() => Merge(Path.Combine(_dir, "again"), merged, a)).Message);
    }

    private static int Merge(string output, params string[] runs) => ModelApp.MergeSeeds<HostOutputNet>(output, runs, quiet: true, CancellationToken.None);
}
