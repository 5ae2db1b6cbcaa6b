using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;

namespace AotNet.Bench.Grid;

/// <summary>
/// The grid without BenchmarkDotNet: every cell measured by <see cref="GridCell"/>, printed as a markdown table (what
/// docs/performance.md quotes), optionally saved as JSON for bench/peers/grid_ratios.py.
/// </summary>
public static class GridCommand
{
    public const string Usage =
        "usage: --grid [--topologies mlp784,mlp256,wide2000,tab30,imdb,reuters,boston,bnmlp,embed] [--batches 1,16,32,128,512,2048]\n" +
        "              [--threads 1,2] [--budget SECONDS] [--seed S] [--json FILE] [--no-peak]\n" +
        "              [--rows N --epochs R]   (a fixed amount of work per cell: 1 + R epochs over N rows, no probe; for callgrind/perf stat)";

    public static readonly int[] DefaultBatches = [1, 16, 32, 128, 512, 2048];
    public static readonly int[] DefaultThreads = [1, 2];

    public static int Run(string[] args)
    {
        var topologies = GridTopology.All.ToList();
        int[] batches = DefaultBatches, threads = DefaultThreads;
        double budget = 1.5;
        ulong seed = 1;
        string? json = null;
        bool peak = true;
        int fixedRows = 0, fixedEpochs = 0;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--topologies": topologies = Value().Split(',').Select(GridTopology.Find).ToList(); break;
                    case "--batches": batches = Ints(Value(), "--batches"); break;
                    case "--threads": threads = Ints(Value(), "--threads"); break;
                    case "--budget": budget = Positive(Value(), "--budget"); break;
                    case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--json": json = Value(); break;
                    case "--no-peak": peak = false; break;
                    case "--rows": fixedRows = Ints(Value(), "--rows")[0]; break;
                    case "--epochs": fixedEpochs = Ints(Value(), "--epochs")[0]; break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"aotnet-grid: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if ((fixedRows > 0) != (fixedEpochs > 0))
        {
            Console.Error.WriteLine("aotnet-grid: --rows and --epochs go together");
            return 2;
        }

        (int, int)? fixedPlan = fixedRows > 0 ? (fixedRows, fixedEpochs) : null;

        var header = new Header(
            DateTime.UtcNow,
            GridRuntime.IsJit ? $"JIT ({RuntimeInformation.FrameworkDescription})" : $"Native AOT ({RuntimeInformation.FrameworkDescription})",
            CpuName(),
            Environment.ProcessorCount,
            Vector256.IsHardwareAccelerated,
            Vector512.IsHardwareAccelerated,
            LoadAverage(),
            peak ? FmaPeak.Gflops256() : double.NaN,
            peak ? FmaPeak.Gflops512() : double.NaN,
            peak && Environment.ProcessorCount > 1 ? FmaPeak.Gflops256(threads: 2) : double.NaN,
            budget);

        var results = new List<CellResult>();
        foreach (var topology in topologies)
        {
            foreach (int t in threads)
            {
                foreach (int b in batches)
                {
                    var cell = GridCell.Measure(topology, b, t, budget, seed, fixedPlan);
                    results.Add(cell);
                    Console.Error.WriteLine(cell.Skipped is null
                        ? $"{topology.Key,-9} batch {b,4} threads {t}: {cell.SecondsPerEpoch,9:F4} s/epoch{(cell.Extrapolated ? $" (from {cell.TimedRows} rows)" : "")}, {cell.Gflops,6:F1} GFLOP/s, {cell.BytesPerStep:F0} B/step, {cell.CoresBusy:F2} cores busy"
                        : $"{topology.Key,-9} batch {b,4} threads {t}: skipped ({cell.Skipped})");
                }
            }

            topology.Release();
        }

        header = header with { LoadAfter = LoadAverage() };
        Console.Write(Markdown(header, topologies, batches, threads, results));
        if (json is not null)
        {
            File.WriteAllText(json, Json(header, topologies, results));
        }

        return 0;
    }

    public sealed record Header(
        DateTime Utc,
        string Runtime,
        string Cpu,
        int Cores,
        bool Vector256,
        bool Vector512,
        string LoadBefore,
        double PeakGflops256,
        double PeakGflops512,
        double PeakGflops256TwoCores,
        double Budget)
    {
        public string LoadAfter { get; init; } = "";
    }

    public static string Markdown(Header h, IReadOnlyList<GridTopology> topologies, int[] batches, int[] threads, IReadOnlyList<CellResult> results)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"AotNet grid, {h.Utc:yyyy-MM-dd HH:mm} UTC, {h.Runtime}, {h.Cpu}, {h.Cores} cores; load average before {h.LoadBefore}, after {h.LoadAfter}; budget {h.Budget} s per cell");
        s.AppendLine(double.IsNaN(h.PeakGflops256)
            ? "FMA peak: not measured (--no-peak)"
            : string.Create(CultureInfo.InvariantCulture, $"FMA peak (FP32, {FmaPeak.Chains} independent FMA chains): Vector256 {F1(h.PeakGflops256)} GFLOP/s on one core, {F1(h.PeakGflops256TwoCores)} on two; Vector512 {(h.Vector512 ? F1(h.PeakGflops512) + " GFLOP/s on one core" : "not hardware-accelerated")}"));
        s.AppendLine();
        s.Append("| topology | epoch rows | batch |");
        foreach (int t in threads)
        {
            s.Append(CultureInfo.InvariantCulture, $" rows timed, {t}T | s/epoch, {t}T (extrapolated when rows timed < epoch rows) | GFLOP/s, {t}T | bytes/step, {t}T | cores busy, {t}T |");
        }

        s.AppendLine();
        s.Append("|---|---:|---:|");
        foreach (int _ in threads)
        {
            s.Append("---:|---:|---:|---:|---:|");
        }

        s.AppendLine();
        foreach (var topology in topologies)
        {
            foreach (int b in batches)
            {
                s.Append(CultureInfo.InvariantCulture, $"| {topology.Title} | {topology.EpochRows} | {b} |");
                foreach (int t in threads)
                {
                    var c = results.FirstOrDefault(r => r.Topology == topology.Key && r.Batch == b && r.Threads == t);
                    if (c is null)
                    {
                        s.Append(" | | | | |");
                    }
                    else if (c.Skipped is not null)
                    {
                        s.Append(" – | skipped | – | – | – |");
                    }
                    else
                    {
                        s.Append(CultureInfo.InvariantCulture, $" {c.TimedRows} | {Seconds(c.SecondsPerEpoch)} | {F1(c.Gflops)} | {c.BytesPerStep:F0} | {c.CoresBusy:F2} |");
                    }
                }

                s.AppendLine();
            }
        }

        var skipped = results.Where(r => r.Skipped is not null).ToList();
        if (skipped.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("Skipped cells:");
            foreach (var group in skipped.GroupBy(r => r.Skipped))
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"- {string.Join(", ", group.Select(r => $"{r.Topology} b{r.Batch} {r.Threads}T"))}: {group.Key}");
            }
        }

        s.AppendLine();
        s.AppendLine("s/epoch: median of the timed epochs × epoch rows / rows timed. GFLOP/s: dense-layer FLOPs per row (forward 2·in·out, backward 4·in·out, first layer 2·in·out: no input gradient; multi-hot first layer: in = 120 active columns) × rows timed / median epoch time. bytes/step: GC.GetTotalAllocatedBytes(precise) growth over the warm epochs / steps. cores busy: process CPU time / wall time of the timed Fit.");
        return s.ToString();
    }

    public static string Json(Header h, IReadOnlyList<GridTopology> topologies, IReadOnlyList<CellResult> results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("tool", "aotnet");
            w.WriteString("utc", h.Utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("runtime", h.Runtime);
            w.WriteString("cpu", h.Cpu);
            w.WriteNumber("cores", h.Cores);
            w.WriteString("load_before", h.LoadBefore);
            w.WriteString("load_after", h.LoadAfter);
            w.WriteNumber("budget_s", h.Budget);
            Number(w, "fma_peak_gflops_vector256_1core", h.PeakGflops256);
            Number(w, "fma_peak_gflops_vector256_2cores", h.PeakGflops256TwoCores);
            Number(w, "fma_peak_gflops_vector512_1core", h.PeakGflops512);
            w.WriteStartObject("topologies");
            foreach (var t in topologies)
            {
                w.WriteStartObject(t.Key);
                w.WriteString("title", t.Title);
                w.WriteNumber("epoch_rows", t.EpochRows);
                w.WriteNumber("flops_per_row", t.FlopsPerRow);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartArray("cells");
            foreach (var c in results)
            {
                w.WriteStartObject();
                w.WriteString("topology", c.Topology);
                w.WriteNumber("batch", c.Batch);
                w.WriteNumber("threads", c.Threads);
                w.WriteNumber("epoch_rows", c.EpochRows);
                if (c.Skipped is not null)
                {
                    w.WriteString("skipped", c.Skipped);
                }
                else
                {
                    w.WriteNumber("timed_rows", c.TimedRows);
                    w.WriteNumber("timed_epochs", c.TimedEpochs);
                    w.WriteNumber("s_per_epoch", c.SecondsPerEpoch);
                    w.WriteNumber("s_per_epoch_min", c.SecondsPerEpochMin);
                    w.WriteNumber("s_per_epoch_max", c.SecondsPerEpochMax);
                    w.WriteNumber("gflops", c.Gflops);
                    w.WriteNumber("bytes_per_step", c.BytesPerStep);
                    w.WriteNumber("thread_bytes_per_step", c.ThreadBytesPerStep);
                    Number(w, "cores_busy", c.CoresBusy);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string F1(double value) => double.IsFinite(value) ? value.ToString("F1", CultureInfo.InvariantCulture) : "–";

    /// <summary>Three significant digits.</summary>
    public static string Seconds(double s) => s.ToString(s >= 100 ? "F0" : s >= 10 ? "F1" : s >= 1 ? "F2" : s >= 0.1 ? "F3" : s >= 0.01 ? "F4" : "F5", CultureInfo.InvariantCulture);

    private static int[] Ints(string value, string option)
    {
        var ints = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (ints.Length == 0 || ints.Any(i => i <= 0))
        {
            throw new ArgumentException($"{option} takes positive integers separated by commas");
        }

        return ints;
    }

    private static double Positive(string value, string option)
    {
        double d = double.Parse(value, CultureInfo.InvariantCulture);
        return d > 0 ? d : throw new ArgumentException($"{option} must be positive");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string CpuName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

/// <summary>How this process runs its code.</summary>
public static class GridRuntime
{
    /// <summary>True under the JIT (methods were compiled at run time), false in a Native AOT binary.</summary>
    /// <remarks>Not <c>RuntimeFeature.IsDynamicCodeSupported</c>: PublishAot switches that off in JIT builds too.</remarks>
    public static bool IsJit => System.Runtime.JitInfo.GetCompiledMethodCount() > 0;
}
