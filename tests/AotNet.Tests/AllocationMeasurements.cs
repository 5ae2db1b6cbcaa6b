namespace AotNet.Tests;

/// <summary>
/// Tests that assert "0 bytes allocated" run alone, after the parallel ones: a collection triggered by another test's
/// allocations in the middle of a measured loop can shift this thread's allocation counter by a few kilobytes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "Allocation measurements (not parallel)";

    /// <summary>
    /// Bytes allocated by <paramref name="rounds"/> calls of <paramref name="round"/> once warm, as the smallest count over
    /// up to <paramref name="windows"/> measured windows (it stops at the first window that allocates nothing).
    /// </summary>
    /// <remarks>
    /// A round that allocates does so in every window, so a leak still fails. What the extra windows absorb is a one-off
    /// change of the runtime's per-thread counter that no round caused: CI once saw 7,856 bytes (an 8 KB allocation
    /// quantum less its unused tail) in a window of five rounds that allocate nothing in every other run.
    /// The warm-up calls the round often enough for tiered compilation to have promoted the methods it runs.
    /// </remarks>
    public static Measurement SteadyState(Action round, int rounds, Func<long>? counter = null, int warmUp = 64, int windows = 4)
    {
        counter ??= GC.GetAllocatedBytesForCurrentThread;
        for (int i = 0; i < warmUp; i++)
        {
            round();
        }

        var seen = new List<string>();
        long least = long.MaxValue;
        for (int w = 0; w < windows && least != 0; w++)
        {
            int collections = GC.CollectionCount(0);
            long before = counter();
            for (int i = 0; i < rounds; i++)
            {
                round();
            }

            long allocated = counter() - before;
            seen.Add($"{allocated} B ({GC.CollectionCount(0) - collections} gen-0 collections)");
            least = Math.Min(least, allocated);
        }

        return new Measurement(least, string.Join(", ", seen));
    }

    /// <summary>
    /// <see cref="Training.History.AllocatedBytesAfterFirstEpoch"/> of up to <paramref name="fits"/> calls of
    /// <paramref name="fit"/> (stopping at the first 0), the least: an allocation per step or epoch shows in every fit,
    /// the runtime's one-off 7–8 KB counter jumps (see <see cref="SteadyState"/>) do not repeat.
    /// </summary>
    public static long LeastAfterFirstEpoch(Func<global::AotNet.Training.History> fit, int fits = 3)
    {
        long least = long.MaxValue;
        for (int i = 0; i < fits && least != 0; i++)
        {
            least = Math.Min(least, fit().AllocatedBytesAfterFirstEpoch);
        }

        return least;
    }

    /// <summary>The smallest count and what each window saw.</summary>
    public readonly record struct Measurement(long Bytes, string Windows);
}
