using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AotNet.Kernels;
using BenchmarkDotNet.Attributes;

namespace AotNet.Bench;

/// <summary>
/// <see cref="MatrixKernels"/> on rows × inputs × units shapes (BenchmarkDotNet), FLOPs = 2 · rows · inputs · units per kernel.
/// </summary>
[MemoryDiagnoser]
public class MatrixKernelBenchmarks
{
    private float[] _x = [], _w = [], _b = [], _y = [], _dy = [], _dx = [], _dw = [];

    [Params("128x784x512", "128x512x512", "32x256x128", "256x2000x256")]
    public string Shape { get; set; } = "128x784x512";

    private int Rows => int.Parse(Shape.Split('x')[0]);

    private int Inputs => int.Parse(Shape.Split('x')[1]);

    private int Units => int.Parse(Shape.Split('x')[2]);

    [GlobalSetup]
    public void Setup() => (_x, _w, _b, _y, _dy, _dx, _dw) = MatrixKernelTimer.Buffers(Rows, Inputs, Units);

    [Benchmark]
    public void Forward() => MatrixKernels.Forward(_x, Inputs, _w, Units, _b, _y, Units, Rows, Inputs, Units, relu: true);

    [Benchmark]
    public void BackwardInput() => MatrixKernels.BackwardInput(_dy, Units, _w, Units, _dx, Inputs, _x, Rows, Inputs, Units);

    [Benchmark]
    public void BackwardWeights() => MatrixKernels.BackwardWeights(_x, Inputs, _dy, Units, _dw, Units, Rows, Inputs, Units, accumulate: true);
}

/// <summary>
/// <c>--matrix</c>: GFLOP/s of the matrix kernels with a stopwatch (best of several timed windows), and one core's
/// FP32 FMA peak from an FMA-only loop (16 independent accumulators) at the widths this process accelerates.
/// </summary>
internal static class MatrixKernelTimer
{
    public static (float[] X, float[] W, float[] B, float[] Y, float[] Dy, float[] Dx, float[] Dw) Buffers(int rows, int inputs, int units)
    {
        var random = new Random(1);
        float[] Values(int n, float zeros = 0f) =>
            Enumerable.Range(0, n).Select(_ => random.NextSingle() < zeros ? 0f : (random.NextSingle() * 2f) - 1f).ToArray();
        return (Values(rows * inputs, zeros: 0.3f), Values(inputs * units), Values(units), new float[rows * units], Values(rows * units),
            new float[rows * inputs], new float[inputs * units]);
    }

    public static void Run(string[] shapes)
    {
        string width = Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "scalar";
        Console.WriteLine($"vectors: {width} bits; FMA peak (one core): {Peak():F1} GFLOP/s");
        foreach (string shape in shapes.Length > 0 ? shapes : ["128x784x512", "128x512x512", "32x256x128", "256x2000x256"])
        {
            int[] s = shape.Split('x').Select(int.Parse).ToArray();
            int rows = s[0], inputs = s[1], units = s[2];
            var (x, w, b, y, dy, dx, dw) = Buffers(rows, inputs, units);
            double flops = 2.0 * rows * inputs * units;
            double f = Time(() => MatrixKernels.Forward(x, inputs, w, units, b, y, units, rows, inputs, units, relu: true), flops);
            double bi = Time(() => MatrixKernels.BackwardInput(dy, units, w, units, dx, inputs, x, rows, inputs, units), flops);
            double bw = Time(() => MatrixKernels.BackwardWeights(x, inputs, dy, units, dw, units, rows, inputs, units, accumulate: true), flops);
            Console.WriteLine($"{shape,-14} Forward {f,6:F1}  BackwardInput {bi,6:F1}  BackwardWeights {bw,6:F1} GFLOP/s");
        }
    }

    private static double Time(Action kernel, double flops)
    {
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 300)
        {
            kernel(); // warm up through tier 1
            calls++;
        }

        int perWindow = Math.Max(1, calls / 3);
        double best = double.MaxValue;
        for (int window = 0; window < 7; window++)
        {
            double start = ThreadSeconds();
            for (int i = 0; i < perWindow; i++)
            {
                kernel();
            }

            best = Math.Min(best, (ThreadSeconds() - start) / perWindow);
        }

        return flops / best / 1e9;
    }

    /// <summary>This thread's CPU time (the machine is shared: wall time would count other processes' slices).</summary>
    private static double ThreadSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var t) == 0)
        {
            return t.Seconds + (t.Nanoseconds * 1e-9);
        }

        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double Peak()
    {
        double best = 0;
        for (int round = 0; round < 5; round++)
        {
            long n = 20_000_000;
            double start = ThreadSeconds();
            float sink = Vector512.IsHardwareAccelerated ? Fma512(n) : Vector256.IsHardwareAccelerated ? Fma256(n) : Fma128(n);
            double seconds = ThreadSeconds() - start;
            int lanes = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
            if (sink == 42f)
            {
                Console.Write(string.Empty);
            }

            best = Math.Max(best, 2.0 * lanes * 16 * n / seconds / 1e9);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma256(long n)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
            a12 = Vector256.FusedMultiplyAdd(a12, m, c); a13 = Vector256.FusedMultiplyAdd(a13, m, c);
            a14 = Vector256.FusedMultiplyAdd(a14, m, c); a15 = Vector256.FusedMultiplyAdd(a15, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma512(long n)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            a12 = Vector512.FusedMultiplyAdd(a12, m, c); a13 = Vector512.FusedMultiplyAdd(a13, m, c);
            a14 = Vector512.FusedMultiplyAdd(a14, m, c); a15 = Vector512.FusedMultiplyAdd(a15, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma128(long n)
    {
        var m = Vector128.Create(0.999999f);
        var c = Vector128.Create(1e-7f);
        Vector128<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, c); a1 = Vector128.FusedMultiplyAdd(a1, m, c);
            a2 = Vector128.FusedMultiplyAdd(a2, m, c); a3 = Vector128.FusedMultiplyAdd(a3, m, c);
            a4 = Vector128.FusedMultiplyAdd(a4, m, c); a5 = Vector128.FusedMultiplyAdd(a5, m, c);
            a6 = Vector128.FusedMultiplyAdd(a6, m, c); a7 = Vector128.FusedMultiplyAdd(a7, m, c);
            a8 = Vector128.FusedMultiplyAdd(a8, m, c); a9 = Vector128.FusedMultiplyAdd(a9, m, c);
            a10 = Vector128.FusedMultiplyAdd(a10, m, c); a11 = Vector128.FusedMultiplyAdd(a11, m, c);
            a12 = Vector128.FusedMultiplyAdd(a12, m, c); a13 = Vector128.FusedMultiplyAdd(a13, m, c);
            a14 = Vector128.FusedMultiplyAdd(a14, m, c); a15 = Vector128.FusedMultiplyAdd(a15, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }
}
