namespace AotNet.Tests;

/// <summary>
/// Tests that assert "0 bytes allocated" run alone, after the parallel ones: a collection triggered by another test's
/// allocations in the middle of a measured loop can shift this thread's allocation counter by a few kilobytes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "Allocation measurements (not parallel)";
}
