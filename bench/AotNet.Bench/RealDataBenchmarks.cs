using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;
using AotNet.Training;
using BenchmarkDotNet.Attributes;

namespace AotNet.Bench;

/// <summary>
/// Where the real Keras files are: <c>AOTNET_TEST_DATA</c>, else <c>../shared/data/keras</c> next to the repository.
/// Benchmarks that need them fail their setup with <see cref="AbsentReason"/> when they are absent (BenchmarkDotNet
/// reports that and runs the others).
/// </summary>
internal static class BenchData
{
    public const string AbsentReason =
        "skipped: real Keras data absent (set AOTNET_TEST_DATA or put imdb.npz, reuters.npz and boston_housing.npz in ../shared/data/keras)";

    public static string Require()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("AOTNET_TEST_DATA");
        var candidates = new List<string?> { fromEnv };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotNet.sln")))
            {
                candidates.Add(Path.Combine(dir.FullName, "..", "shared", "data", "keras"));
                break;
            }
        }

        foreach (string? dir in candidates)
        {
            if (!string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "imdb.npz")))
            {
                return Path.GetFullPath(dir);
            }
        }

        Console.WriteLine(AbsentReason);
        throw new InvalidOperationException(AbsentReason);
    }
}

/// <summary>
/// Loading the text datasets: the general path (inflate the npz, decode the pickled lists, Keras processing, multi-hot)
/// and the streaming multi-hot loader the app uses for IMDB.
/// </summary>
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private string _dir = null!;

    [GlobalSetup]
    public void Setup() => _dir = BenchData.Require();

    [Benchmark]
    public int ImdbLoadMultiHot()
    {
        var data = Imdb.LoadMultiHot(_dir, 10000, validationRows: 10000);
        return data.Validation.Count + data.Train.Count + data.Test.Count;
    }

    [Benchmark]
    public int ImdbLoadAndVectorise()
    {
        var data = Imdb.Load(_dir, 10000);
        return KerasTensors.Binary(data.Train, 10000).Count + KerasTensors.Binary(data.Test, 10000).Count;
    }

    [Benchmark]
    public int ReutersLoadAndVectorise()
    {
        var data = Reuters.Load(_dir, 10000);
        return KerasTensors.Categorical(data.Train, 10000, 46).Count + KerasTensors.Categorical(data.Test, 10000, 46).Count;
    }
}

/// <summary>
/// One training epoch through <see cref="Trainer{TModel}"/> with the seed's settings and the end-of-epoch validation:
/// IMDB (15,000 rows, batch 512, 10,000 validation rows), Reuters (7,982 rows, batch 512, 1,000 validation rows) and
/// one Boston fold (323 rows, batch 1, 81 validation rows), one thread. The models keep training from call to call.
/// </summary>
[MemoryDiagnoser]
public class EpochBenchmarks
{
    private static readonly FitOptions TextEpoch = new() { Epochs = 1, BatchSize = 512, Seed = 1 };
    private static readonly FitOptions BostonEpoch = new() { Epochs = 1, BatchSize = 1, Seed = 1 };
    private Trainer<ImdbNet> _imdb = null!;
    private Trainer<ReutersNet> _reuters = null!;
    private Trainer<BostonNet> _boston = null!;
    private (LabeledData Train, LabeledData Validation) _imdbData, _reutersData, _bostonData;

    [GlobalSetup]
    public void Setup()
    {
        string dir = BenchData.Require();
        var imdb = KerasTensors.Binary(Imdb.Load(dir, 10000).Train, 10000);
        _imdbData = (imdb.SliceRows(10000, imdb.Count - 10000), imdb.SliceRows(0, 10000));
        var reuters = KerasTensors.Categorical(Reuters.Load(dir, 10000).Train, 10000, 46);
        _reutersData = (reuters.SliceRows(1000, reuters.Count - 1000), reuters.SliceRows(0, 1000));
        var (boston, _, _) = KerasTensors.Standardized(BostonHousing.Load(dir));
        _bostonData = KFold.Split(boston, 5, 0);
        _imdb = new Trainer<ImdbNet>(ImdbNet.Create(1), threads: 1);
        _reuters = new Trainer<ReutersNet>(ReutersNet.Create(1), threads: 1);
        _boston = new Trainer<BostonNet>(BostonNet.Create(1), threads: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _imdb?.Dispose();
        _reuters?.Dispose();
        _boston?.Dispose();
    }

    [Benchmark]
    public double ImdbEpoch() => _imdb.Fit(_imdbData.Train, _imdbData.Validation, TextEpoch)["loss"][0];

    [Benchmark]
    public double ReutersEpoch() => _reuters.Fit(_reutersData.Train, _reutersData.Validation, TextEpoch)["loss"][0];

    [Benchmark]
    public double BostonFoldEpoch() => _boston.Fit(_bostonData.Train, _bostonData.Validation, BostonEpoch)["loss"][0];
}
