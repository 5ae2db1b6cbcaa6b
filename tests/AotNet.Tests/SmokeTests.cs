using AotNet.Training;

namespace AotNet.Tests;

public class DeterministicRandomTests
{
    [Fact]
    public void SameSeedSameStream()
    {
        var a = new DeterministicRandom(42);
        var b = new DeterministicRandom(42);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void NextIntIsInRangeAndCoversIt()
    {
        var r = new DeterministicRandom(7);
        var seen = new bool[7];
        for (int i = 0; i < 1000; i++)
        {
            int x = r.NextInt(7);
            Assert.InRange(x, 0, 6);
            seen[x] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void ShuffleIsAPermutation()
    {
        var r = new DeterministicRandom(1);
        int[] items = Enumerable.Range(0, 100).ToArray();
        r.Shuffle<int>(items);
        Assert.NotEqual(Enumerable.Range(0, 100), items);
        Assert.Equal(Enumerable.Range(0, 100), items.Order());
    }
}
