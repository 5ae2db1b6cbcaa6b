using AotNet.Data.Numpy;

namespace AotNet.Tests.Data;

/// <summary>Reference values from numpy 1.24 (np.random.RandomState), baked in.</summary>
public class NumpyRandomStateTests
{
    [Fact]
    public void Seed_5489_gives_the_reference_mt19937_outputs()
    {
        var rng = new NumpyRandomState(5489);
        Assert.Equal([3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u], Enumerable.Range(0, 5).Select(_ => rng.NextUInt32()));
    }

    [Fact]
    public void Seed_113_matches_numpy_raw_outputs()
    {
        // np.random.RandomState(113).randint(0, 2**32, size=5, dtype=np.uint64)
        var rng = new NumpyRandomState(113);
        Assert.Equal([3659249829u, 529109724u, 317413538u, 548173386u, 3843702636u], Enumerable.Range(0, 5).Select(_ => rng.NextUInt32()));

        // RandomState(2**32 - 1)
        var max = new NumpyRandomState(uint.MaxValue);
        Assert.Equal([419326371u, 479346978u, 3918654476u], Enumerable.Range(0, 3).Select(_ => max.NextUInt32()));
    }

    [Fact]
    public void Interval_matches_numpy_masked_rejection_for_32_and_64_bit_ranges()
    {
        // RandomState(113).randint(0, 1001, size=8)
        var small = new NumpyRandomState(113);
        Assert.Equal([165UL, 732, 162, 586, 876, 770, 662, 791], Enumerable.Range(0, 8).Select(_ => small.Interval(1000)));

        // RandomState(113).randint(0, 2**40 + 1, size=5, dtype=np.int64): 64-bit draws, high word first
        var large = new NumpyRandomState(113);
        Assert.Equal(
            [709198713564UL, 696332875338, 645287314199, 1088366229744, 203135518690],
            Enumerable.Range(0, 5).Select(_ => large.Interval(1UL << 40)));
    }

    [Fact]
    public void Shuffle_matches_numpy()
    {
        Assert.Equal([9, 3, 6, 1, 0, 7, 4, 8, 2, 5], new NumpyRandomState(113).ShuffledRange(10));
        int[] expected0 =
        [
            26, 86, 2, 55, 75, 93, 16, 73, 54, 95, 53, 92, 78, 13, 7, 30, 22, 24, 33, 8, 43, 62, 3, 71, 45, 48, 6, 99, 82, 76,
            60, 80, 90, 68, 51, 27, 18, 56, 63, 74, 1, 61, 42, 41, 4, 15, 17, 40, 38, 5, 91, 59, 0, 34, 28, 50, 11, 35, 23, 52,
            10, 31, 66, 57, 79, 85, 32, 84, 14, 89, 19, 29, 49, 97, 98, 69, 20, 94, 72, 77, 25, 37, 81, 46, 39, 65, 58, 12, 88, 70,
            87, 36, 21, 83, 9, 96, 67, 64, 47, 44,
        ];
        Assert.Equal(expected0, new NumpyRandomState(0).ShuffledRange(100));

        // Keras IMDB: the same generator shuffles train (25000) then test (25000)
        var rng = new NumpyRandomState(113);
        Assert.Equal([7798, 13226, 18078, 793, 17499], rng.ShuffledRange(25000)[..5]);
        Assert.Equal([22748, 4083, 8015, 13688, 5310], rng.ShuffledRange(25000)[..5]);
    }
}
