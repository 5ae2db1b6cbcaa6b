using AotNet.Bench.Grid;
using BenchmarkDotNet.Running;

namespace AotNet.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--allocations"])
        {
            AllocationCheck.Run();
            return 0;
        }

        if (args is ["--fma"])
        {
            Console.WriteLine($"FMA peak, FP32: Vector256 {FmaPeak.Gflops256():F1} GFLOP/s one core, {FmaPeak.Gflops256(threads: 2):F1} two cores; Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? $"{FmaPeak.Gflops512():F1} GFLOP/s one core" : "not hardware-accelerated")}");
            return 0;
        }

        // the benchmark grid without BenchmarkDotNet, as markdown (bench/README.md)
        if (args is ["--grid", .. var rest])
        {
            return GridCommand.Run(rest);
        }

        if (args is ["--matrix", .. var shapes])
        {
            MatrixKernelTimer.Run(shapes);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>Counts managed allocations over many generated training steps, outside BenchmarkDotNet's harness.</summary>
internal static class AllocationCheck
{
    public static void Run()
    {
        var boston = new BostonStepBenchmarks();
        boston.Setup();
        var imdb = new ImdbStepBenchmarks();
        imdb.Setup();
        Measure("Boston step (batch 1)", 200_000, () => boston.Generated());
        Measure("IMDB step (sparse, batch 512)", 500, () => imdb.GeneratedSparse());
        Measure("IMDB step (dense, batch 512)", 100, () => imdb.GeneratedDense());
    }

    private static void Measure(string name, int count, Func<double> step)
    {
        for (int i = 0; i < count; i++)
        {
            step(); // warm up through tier-1
        }

        Thread.Sleep(200);
        long thread = GC.GetAllocatedBytesForCurrentThread(), total = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < count; i++)
        {
            step();
        }

        thread = GC.GetAllocatedBytesForCurrentThread() - thread;
        total = GC.GetTotalAllocatedBytes(precise: true) - total;
        Console.WriteLine($"{name}: {count} steps, {thread} bytes on this thread, {total} bytes in the process");
    }
}
