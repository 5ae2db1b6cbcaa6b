using BenchmarkDotNet.Running;

namespace AotNet.Bench;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--allocations"])
        {
            AllocationCheck.Run();
            return;
        }

        if (args is ["--matrix", .. var shapes])
        {
            MatrixKernelTimer.Run(shapes);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
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
