using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AotNet.Bench.Grid;

/// <summary>
/// The machine's FP32 FMA peak: a loop of <see cref="Chains"/> independent vector FMA chains (acc = acc·m + c), which
/// keeps both FMA pipes of a core busy whatever the FMA latency (4 cycles × 2 pipes needs ≥ 8 chains). Nothing but
/// FMAs is timed; the matrix kernels' GFLOP/s are compared with this.
/// </summary>
public static class FmaPeak
{
    public const int Chains = 12;

    /// <summary>Iterations of the 12-FMA loop body per measurement (≈ 0.1–0.3 s on a 3 GHz core).</summary>
    public const long DefaultIterations = 50_000_000;

    /// <summary>FLOPs of one call of <see cref="Run256"/>: iterations × chains × 8 lanes × 2 (multiply + add).</summary>
    public static double Flops256(long iterations) => iterations * Chains * Vector256<float>.Count * 2.0;

    public static double Flops512(long iterations) => iterations * Chains * Vector512<float>.Count * 2.0;

    /// <summary>Best of <paramref name="repeats"/> GFLOP/s of <see cref="Run256"/> on <paramref name="threads"/> threads at once (each its own loop).</summary>
    public static double Gflops256(int threads = 1, int repeats = 3, long iterations = DefaultIterations) =>
        Best(threads, repeats, () => Run256(iterations).GetElement(0), Flops256(iterations));

    /// <summary>As <see cref="Gflops256"/> with Vector512; NaN when Vector512 is not hardware-accelerated here.</summary>
    public static double Gflops512(int threads = 1, int repeats = 3, long iterations = DefaultIterations) =>
        Vector512.IsHardwareAccelerated ? Best(threads, repeats, () => Run512(iterations).GetElement(0), Flops512(iterations)) : double.NaN;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Run256(long iterations)
    {
        var m = Vector256.Create(0.999f);
        var c = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(0.00f), a1 = Vector256.Create(0.01f), a2 = Vector256.Create(0.02f),
            a3 = Vector256.Create(0.03f), a4 = Vector256.Create(0.04f), a5 = Vector256.Create(0.05f),
            a6 = Vector256.Create(0.06f), a7 = Vector256.Create(0.07f), a8 = Vector256.Create(0.08f),
            a9 = Vector256.Create(0.09f), a10 = Vector256.Create(0.10f), a11 = Vector256.Create(0.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Run512(long iterations)
    {
        var m = Vector512.Create(0.999f);
        var c = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(0.00f), a1 = Vector512.Create(0.01f), a2 = Vector512.Create(0.02f),
            a3 = Vector512.Create(0.03f), a4 = Vector512.Create(0.04f), a5 = Vector512.Create(0.05f),
            a6 = Vector512.Create(0.06f), a7 = Vector512.Create(0.07f), a8 = Vector512.Create(0.08f),
            a9 = Vector512.Create(0.09f), a10 = Vector512.Create(0.10f), a11 = Vector512.Create(0.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
    }

    private static double Best(int threads, int repeats, Func<float> run, double flopsPerThread)
    {
        run(); // compile (tier-1 under the JIT) and warm the clocks
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            var workers = new Thread[threads];
            using var start = new Barrier(threads + 1);
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    float sink = run();
                    GC.KeepAlive(sink);
                });
                workers[t].Start();
            }

            start.SignalAndWait();
            long begin = Stopwatch.GetTimestamp();
            foreach (var worker in workers)
            {
                worker.Join();
            }

            double seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            best = Math.Max(best, threads * flopsPerThread / seconds / 1e9);
        }

        return best;
    }
}
