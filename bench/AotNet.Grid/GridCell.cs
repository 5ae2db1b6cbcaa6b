using System.Diagnostics;
using AotNet.Data;
using AotNet.Training;

namespace AotNet.Bench.Grid;

/// <summary>What one cell of the grid measured, or why it was skipped.</summary>
public sealed record CellResult(
    string Topology,
    int Batch,
    int Threads,
    int EpochRows,
    int TimedRows,
    int TimedEpochs,
    double SecondsPerEpoch,
    double SecondsPerEpochMin,
    double SecondsPerEpochMax,
    double Gflops,
    double BytesPerStep,
    double ThreadBytesPerStep,
    double CoresBusy,
    string? Skipped)
{
    /// <summary>True when fewer rows than an epoch were timed and the time was scaled up to the epoch.</summary>
    public bool Extrapolated => TimedRows < EpochRows;

    public static CellResult Skip(GridTopology topology, int batch, int threads, string reason) =>
        new(topology.Key, batch, threads, topology.EpochRows, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, reason);
}

/// <summary>
/// Measures one cell (topology × batch size × threads) through the public API only:
/// <c>new Trainer&lt;TModel&gt;(model, threads: N)</c> and <c>Fit(train, null, new FitOptions { BatchSize = B })</c>.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Probe: epochs over max(2·batch, 64) rows (two when short; under the JIT at least <see cref="WarmSeconds"/> of
/// them, for tiered compilation) give the time per row.</item>
/// <item>Rows timed: the whole epoch when it fits in a third of <c>budget</c> seconds, else as many whole batches as fit
/// (at least one batch). Fewer rows than an epoch are scaled up linearly: s/epoch = median epoch time × epoch rows / rows timed.</item>
/// <item>One <c>Fit</c> of 1 + R epochs over those rows (R ≥ 3, about <c>budget</c> seconds in all); an observer records
/// each epoch's time (the trainer's own clock) and the allocation counters at each epoch's end. Epoch 1 is discarded
/// (the trainer's first sight of a data set may allocate), the time is the median of epochs 2…1+R, and bytes per step
/// are the counters' growth from the end of epoch 1 to the end of epoch 1+R over the R·⌈rows/batch⌉ steps:
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise, all threads) and <see cref="GC.GetAllocatedBytesForCurrentThread"/>.</item>
/// </list>
/// <b>cores busy</b>: the process's CPU time (user + system, all threads) over the wall time of that <c>Fit</c> — about
/// 1 when one core does the work, about 2 when both do (or spin).
/// Any exception (e.g. a batch size this trainer does not accept) makes the cell a skipped one with the message.
/// </remarks>
public static class GridCell
{
    public const int MinRepeats = 3, MaxRepeats = 1000;

    /// <summary>Seconds of probe epochs before timing, under the JIT (tiered compilation).</summary>
    public const double WarmSeconds = 0.5;

    /// <param name="fixedPlan">Rows and timed epochs to use instead of the probe's plan (a fixed amount of work, for instruction
    /// counts under callgrind or CPU time under perf stat; the rows are capped at the epoch's).</param>
    public static CellResult Measure(GridTopology topology, int batch, int threads, double budgetSeconds, ulong seed, (int Rows, int Repeats)? fixedPlan = null)
    {
        try
        {
            using var trainer = topology.CreateTrainer(threads, seed);
            var plan = fixedPlan is { } f ? (Rows: Math.Min(f.Rows, topology.EpochRows), f.Repeats) : Plan(trainer, topology, batch, budgetSeconds, seed);
            var data = topology.Rows(plan.Rows);
            var recorder = new EpochRecorder(1 + plan.Repeats);
            var cpu = Environment.CpuUsage.TotalTime;
            long start = Stopwatch.GetTimestamp();
            trainer.Fit(data, new FitOptions { Epochs = 1 + plan.Repeats, BatchSize = batch, Seed = seed }, recorder);
            double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double busy = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds / wall;
            return recorder.Result(topology, batch, threads, plan.Rows) with { CoresBusy = busy };
        }
        catch (Exception e)
        {
            return CellResult.Skip(topology, batch, threads, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Rows to time and the number of timed epochs, from a probe epoch on <paramref name="trainer"/>.</summary>
    public static (int Rows, int Repeats) Plan(IGridTrainer trainer, GridTopology topology, int batch, double budgetSeconds, ulong seed)
    {
        var options = new FitOptions { Epochs = 1, BatchSize = batch, Seed = seed };
        int probeRows = Math.Min(topology.EpochRows, Math.Max(2 * batch, 64));
        var probe = topology.Rows(probeRows);
        // Under the JIT, hot methods reach tier 1 in the background some 100 ms after their 30th call: keep training
        // the probe rows for WarmSeconds first. Native AOT code is final: a second probe epoch only when the first was short.
        double warm = GridRuntime.IsJit ? WarmSeconds : 0, spent = 0, probeSeconds;
        int fits = 0;
        do
        {
            probeSeconds = Time(trainer, probe, options);
            spent += probeSeconds;
        }
        while ((++fits < 2 && probeSeconds < budgetSeconds / 10) || spent < warm);

        double perRow = Math.Max(probeSeconds, 1e-7) / probeRows;
        int rows = topology.EpochRows;
        double epochTarget = budgetSeconds / MinRepeats;
        if (perRow * rows > epochTarget)
        {
            rows = Math.Clamp((int)(epochTarget / perRow) / batch * batch, Math.Min(batch, topology.EpochRows), topology.EpochRows);
        }

        int repeats = Math.Clamp((int)Math.Ceiling(budgetSeconds / (perRow * rows)), MinRepeats, MaxRepeats);
        return (rows, repeats);
    }

    private static double Time(IGridTrainer trainer, LabeledData data, FitOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        trainer.Fit(data, options);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Epoch times and allocation counters at each epoch's end; allocates nothing while training.</summary>
    public sealed class EpochRecorder(int epochs) : ITrainingObserver
    {
        private readonly double[] _seconds = new double[epochs];
        private readonly long[] _total = new long[epochs];
        private readonly long[] _thread = new long[epochs];

        public void OnEpochEnd(int epoch, History history, TimeSpan epochTime)
        {
            _seconds[epoch - 1] = epochTime.TotalSeconds;
            _thread[epoch - 1] = GC.GetAllocatedBytesForCurrentThread();
            _total[epoch - 1] = GC.GetTotalAllocatedBytes(precise: true);
        }

        public CellResult Result(GridTopology topology, int batch, int threads, int rows)
        {
            int repeats = epochs - 1;
            var timed = _seconds.AsSpan(1).ToArray();
            Array.Sort(timed);
            double median = repeats % 2 == 1 ? timed[repeats / 2] : (timed[(repeats / 2) - 1] + timed[repeats / 2]) / 2;
            double scale = (double)topology.EpochRows / rows;
            double steps = (double)repeats * ((rows + batch - 1) / batch);
            return new CellResult(
                topology.Key,
                batch,
                threads,
                topology.EpochRows,
                rows,
                repeats,
                median * scale,
                timed[0] * scale,
                timed[^1] * scale,
                topology.FlopsPerRow * rows / median / 1e9,
                (_total[^1] - _total[0]) / steps,
                (_thread[^1] - _thread[0]) / steps,
                double.NaN,
                null);
        }
    }
}
