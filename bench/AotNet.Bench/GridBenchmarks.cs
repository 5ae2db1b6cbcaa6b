using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Intrinsics;
using AotNet.Bench.Grid;
using AotNet.Data;
using AotNet.Training;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AotNet.Bench;

/// <summary>
/// A short BenchmarkDotNet job for the grid: in-process (the custom columns read what the setup measured), one launch,
/// two warm-up and three measured iterations of about 250 ms (one invocation when an epoch is longer), no overhead stage.
/// </summary>
public sealed class GridConfig : ManualConfig
{
    public GridConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(3)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
            .WithEvaluateOverhead(false)
            .WithUnrollFactor(1));
        AddColumn(new GridColumn(GridColumn.Kind.RowsTimed), new GridColumn(GridColumn.Kind.SecondsPerEpoch),
            new GridColumn(GridColumn.Kind.Gflops), new GridColumn(GridColumn.Kind.BytesPerStep));
    }
}

/// <summary>
/// The benchmark grid (bench/README.md): one invocation is one <c>Fit</c> epoch over the cell's timed rows, through the
/// public API. The setup picks the rows (<see cref="GridCell.Plan"/>) and measures bytes per step over three warm
/// epochs; a cell whose setup throws (e.g. a batch size the trainer rejects) is printed and reported as skipped.
/// </summary>
[Config(typeof(GridConfig))]
public class GridBenchmarks
{
    /// <summary>Seconds the cell's planning aims at for three timed epochs (as <c>--grid --budget</c>).</summary>
    public const double Budget = 1.5;

    internal static readonly ConcurrentDictionary<string, CellResult> Setups = new();

    private GridTopology _topology = null!;
    private IGridTrainer? _trainer;
    private LabeledData? _data;
    private FitOptions _options = null!;

    /// <summary>All topologies, or those named in <c>AOTNET_GRID_TOPOLOGIES</c> (comma-separated keys).</summary>
    public static IEnumerable<string> Topologies =>
        Environment.GetEnvironmentVariable("AOTNET_GRID_TOPOLOGIES") is { Length: > 0 } keys
            ? keys.Split(',').Select(k => GridTopology.Find(k.Trim()).Key)
            : GridTopology.All.Select(t => t.Key);

    /// <summary>1, 16, 32, 128, 512 and 2048, or the list in <c>AOTNET_GRID_BATCHES</c>.</summary>
    public static IEnumerable<int> Batches =>
        Environment.GetEnvironmentVariable("AOTNET_GRID_BATCHES") is { Length: > 0 } batches
            ? batches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture))
            : GridCommand.DefaultBatches;

    [ParamsSource(nameof(Topologies))]
    public string Topology { get; set; } = "";

    [ParamsSource(nameof(Batches))]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    internal static string Key(string topology, int batch, int threads) => $"{topology}/{batch}/{threads}";

    [GlobalSetup]
    public void Setup()
    {
        _topology = GridTopology.Find(Topology);
        foreach (var other in GridTopology.All.Where(t => t != _topology))
        {
            other.Release();
        }

        _options = new FitOptions { Epochs = 1, BatchSize = Batch, Seed = 1 };
        try
        {
            _trainer = _topology.CreateTrainer(Threads, 1);
            var (rows, _) = GridCell.Plan(_trainer, _topology, Batch, Budget, 1);
            _data = _topology.Rows(rows);
            var recorder = new GridCell.EpochRecorder(1 + GridCell.MinRepeats);
            _trainer.Fit(_data, _options with { Epochs = 1 + GridCell.MinRepeats }, recorder);
            Setups[Key(Topology, Batch, Threads)] = recorder.Result(_topology, Batch, Threads, rows);
        }
        catch (Exception e)
        {
            _trainer?.Dispose();
            _trainer = null;
            var skipped = CellResult.Skip(_topology, Batch, Threads, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            Setups[Key(Topology, Batch, Threads)] = skipped;
            Console.WriteLine($"// skipped {Topology} batch {Batch} threads {Threads}: {skipped.Skipped}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    /// <summary>One epoch over the timed rows (nothing when the cell was skipped).</summary>
    [Benchmark]
    public double Epoch() => _trainer is null ? 0 : _trainer.Fit(_data!, _options).Loss[0];
}

/// <summary>FP32 FMA peak of one core (see <see cref="FmaPeak"/>); the GFLOP/s column is FLOPs per call / mean time.</summary>
[Config(typeof(GridConfig))]
public class FmaPeakBenchmarks
{
    public const long Iterations = FmaPeak.DefaultIterations;

    [Benchmark]
    public float Vector256Fma() => FmaPeak.Run256(Iterations).GetElement(0);

    /// <summary>Nothing when Vector512 is not hardware-accelerated (the GFLOP/s column then says so).</summary>
    [Benchmark]
    public float Vector512Fma() => Vector512.IsHardwareAccelerated ? FmaPeak.Run512(Iterations).GetElement(0) : 0;
}

/// <summary>The grid's columns, from the BDN mean and what <see cref="GridBenchmarks.Setup"/> measured.</summary>
public sealed class GridColumn(GridColumn.Kind kind) : IColumn
{
    public enum Kind
    {
        RowsTimed,
        SecondsPerEpoch,
        Gflops,
        BytesPerStep,
    }

    public string Id => $"Grid.{kind}";

    public string ColumnName => kind switch
    {
        Kind.RowsTimed => "Rows timed / epoch rows",
        Kind.SecondsPerEpoch => "s/epoch (Mean × epoch rows / rows timed: extrapolated when fewer)",
        Kind.Gflops => "GFLOP/s",
        _ => "Bytes/step (3 warm epochs)",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => kind != Kind.RowsTimed;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.RowsTimed => "Rows one invocation trains (one Fit epoch) and the topology's epoch rows",
        Kind.SecondsPerEpoch => "Seconds per epoch: the mean invocation scaled from the rows timed to the epoch's rows",
        Kind.Gflops => "Dense-layer training FLOPs (forward 2·in·out, backward 4·in·out, first layer 2·in·out) per second; FMA peak: FLOPs per call / mean",
        _ => "GC.GetTotalAllocatedBytes(precise) growth per optimizer step over 3 warm epochs, measured in the setup",
    };

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (method is nameof(FmaPeakBenchmarks.Vector256Fma) or nameof(FmaPeakBenchmarks.Vector512Fma))
        {
            if (kind != Kind.Gflops || meanNs is null)
            {
                return "-";
            }

            if (method == nameof(FmaPeakBenchmarks.Vector512Fma) && !Vector512.IsHardwareAccelerated)
            {
                return "not accelerated";
            }

            double flops = method == nameof(FmaPeakBenchmarks.Vector256Fma)
                ? FmaPeak.Flops256(FmaPeakBenchmarks.Iterations)
                : FmaPeak.Flops512(FmaPeakBenchmarks.Iterations);
            return (flops / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture);
        }

        var p = benchmarkCase.Parameters;
        if (p["Topology"] is not string topology || p["Batch"] is not int batch || p["Threads"] is not int threads
            || !GridBenchmarks.Setups.TryGetValue(GridBenchmarks.Key(topology, batch, threads), out var cell))
        {
            return "-";
        }

        if (cell.Skipped is not null)
        {
            return kind == Kind.SecondsPerEpoch ? "skipped" : "-";
        }

        double seconds = meanNs is null ? double.NaN : meanNs.Value * 1e-9;
        var t = GridTopology.Find(topology);
        return kind switch
        {
            Kind.RowsTimed => $"{cell.TimedRows}/{cell.EpochRows}",
            Kind.SecondsPerEpoch => GridCommand.Seconds(seconds * cell.EpochRows / cell.TimedRows),
            Kind.Gflops => (t.FlopsPerRow * cell.TimedRows / seconds / 1e9).ToString("F1", CultureInfo.InvariantCulture),
            _ => cell.BytesPerStep.ToString("F0", CultureInfo.InvariantCulture),
        };
    }

    public override string ToString() => ColumnName;
}
