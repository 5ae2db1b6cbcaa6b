using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

public class SmoothingTests
{
    private static void Near(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-12);
        }
    }

    [Fact]
    public void BookEmaFeedsBackItsOwnOutput()
    {
        // s0 = 10; s1 = 10·0.9 + 20·0.1 = 11; s2 = 11·0.9 + 30·0.1 = 12.9; s3 = 12.9·0.9 + 40·0.1 = 15.61
        Near([10, 11, 12.9, 15.61], Smoothing.ExponentialMovingAverage([10, 20, 30, 40], skip: 0));
    }

    [Fact]
    public void SeedMixesThePreviousRawValue()
    {
        // seed code: EMA = arrs[i-1]*0.1 + arrs[i]*0.9 → 10, 19, 29, 39 (no feedback of outputs)
        Near([10, 19, 29, 39], Smoothing.SeedMovingAverage([10, 20, 30, 40], skip: 0));
    }

    [Fact]
    public void SkippedEpochsAreDroppedBeforeSmoothing()
    {
        // like avg[10:]: the first kept value passes unchanged, the dropped ones never leak in
        double[] values = [1000, 500, 10, 20, 30, 40];
        Near([10, 11, 12.9, 15.61], Smoothing.ExponentialMovingAverage(values, skip: 2));
        Near([10, 19, 29, 39], Smoothing.SeedMovingAverage(values, skip: 2));
        Near([10, 19, 29, 39], Smoothing.Apply(SmoothingKind.Seed, values, skip: 2));
        Near([10, 11, 12.9, 15.61], Smoothing.Apply(SmoothingKind.BookEma, values, skip: 2));
    }

    [Fact]
    public void DefaultsMatchTheTutorials()
    {
        var values = Enumerable.Range(0, 500).Select(i => 4.0 / (1 + i) + 0.001 * i).ToArray();
        var book = Smoothing.ExponentialMovingAverage(values);
        var seed = Smoothing.SeedMovingAverage(values);
        Assert.Equal(490, book.Length);
        Assert.Equal(490, seed.Length);
        Assert.Equal(values[10], book[0]);
        Assert.Equal(values[10], seed[0]);
        Assert.Equal(book[99] * 0.9 + values[110] * 0.1, book[100], 1e-12);
        Assert.Equal(values[109] * 0.1 + values[110] * 0.9, seed[100], 1e-12);

        var curve = Smoothing.ApplyPerEpoch(SmoothingKind.Seed, values);
        Assert.Equal(11, curve.X[0]);
        Assert.Equal(500, curve.X[^1]);
        Assert.Equal(seed, curve.Y);
    }

    [Fact]
    public void CustomFactorAndEdgeCases()
    {
        Near([2, 3, 5], Smoothing.Apply(SmoothingKind.BookEma, [2, 4, 7], skip: 0, factor: 0.5)); // 2; 2·.5+4·.5=3; 3·.5+7·.5=5
        Near([2, 3, 5.5], Smoothing.Apply(SmoothingKind.Seed, [2, 4, 7], skip: 0, factor: 0.5));  // 2; 2·.5+4·.5=3; 4·.5+7·.5=5.5
        Assert.Empty(Smoothing.ExponentialMovingAverage([1, 2, 3], skip: 3));
        Assert.Empty(Smoothing.SeedMovingAverage([], skip: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.ExponentialMovingAverage([1, 2], factor: 1.5, skip: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.SeedMovingAverage([1, 2], alpha: double.NaN, skip: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.SeedMovingAverage([1, 2], skip: -1));
    }

    [Theory]
    [InlineData("book", SmoothingKind.BookEma)]
    [InlineData("Book-EMA", SmoothingKind.BookEma)]
    [InlineData(" ema ", SmoothingKind.BookEma)]
    [InlineData("SEED", SmoothingKind.Seed)]
    public void ParsesKindNames(string text, SmoothingKind expected)
    {
        Assert.True(Smoothing.TryParseKind(text, out var kind));
        Assert.Equal(expected, kind);
        Assert.Equal(expected, Smoothing.ParseKind(Smoothing.KindName(expected)));
    }

    [Fact]
    public void RejectsUnknownKindNames()
    {
        Assert.False(Smoothing.TryParseKind("median", out _));
        Assert.False(Smoothing.TryParseKind(null, out _));
        Assert.Throws<FormatException>(() => Smoothing.ParseKind("0"));
    }
}
