using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>Keras 3's ExponentialDecay, CosineDecay and PiecewiseConstantDecay at hand-picked steps, and their math.</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void ExponentialDecayIsInitialTimesRateToTheStepFraction()
    {
        var smooth = new ExponentialDecay(0.1, 10, 0.5);
        Assert.Equal(0.1, smooth.At(0));
        Assert.Equal(0.05, smooth.At(10), 1e-17);
        Assert.Equal(0.025, smooth.At(20), 1e-17);
        Assert.Equal(0.1 * Math.Sqrt(0.5), smooth.At(5), 1e-16);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.3), smooth.At(3), 1e-16);
        Assert.Equal(0.1 * Math.Pow(0.5, 123.4), smooth.At(1234), 1e-13 * 0.1 * Math.Pow(0.5, 123.4));

        var staircase = new ExponentialDecay(0.1, 10, 0.5, staircase: true);
        Assert.Equal(0.1, staircase.At(9));
        Assert.Equal(0.05, staircase.At(10));
        Assert.Equal(0.05, staircase.At(19));
        Assert.Equal(0.025, staircase.At(20));
        Assert.Equal(0.1 * Math.Pow(0.96, 7), new ExponentialDecay(0.1, 100, 0.96, staircase: true).At(750), 1e-16);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(double.NaN, 10, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => smooth.At(-1));
    }

    [Fact]
    public void CosineDecayFollowsKerasWithAndWithoutWarmup()
    {
        var cosine = new CosineDecay(0.1, 100, alpha: 0.1);
        Assert.Equal(0.1, cosine.At(0), 1e-17);
        Assert.Equal(0.1 * ((0.9 * 0.5) + 0.1), cosine.At(50), 1e-16);
        Assert.Equal(0.1 * ((0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.25))) + 0.1), cosine.At(25), 1e-16);
        Assert.Equal(0.1 * ((0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.83))) + 0.1), cosine.At(83), 1e-16);
        Assert.Equal(0.01, cosine.At(100), 1e-17);
        Assert.Equal(0.01, cosine.At(1000), 1e-17); // clamped at decay_steps

        // warm-up from 0 to 0.2 over 10 steps, then the decay from 0.2 over 100 steps (alpha 0)
        var warm = new CosineDecay(0.0, 100, warmupTarget: 0.2, warmupSteps: 10);
        Assert.Equal(0.0, warm.At(0));
        Assert.Equal(0.1, warm.At(5), 1e-17);
        Assert.Equal(0.18, warm.At(9), 1e-16);
        Assert.Equal(0.2, warm.At(10), 1e-17);
        Assert.Equal(0.1, warm.At(60), 1e-16);
        Assert.Equal(0.2 * 0.5 * (1 + Math.Cos(Math.PI * 0.9)), warm.At(100), 1e-16);
        Assert.Equal(0.0, warm.At(110), 1e-17);
        Assert.Equal(0.0, warm.At(5000), 1e-17);

        // a warm-up target without warm-up steps: the decay from the target at once
        Assert.Equal(0.3, new CosineDecay(0.1, 10, warmupTarget: 0.3).At(0), 1e-17);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1, 0));
    }

    [Fact]
    public void PiecewiseConstantDecayChangesAfterEachBoundary()
    {
        var piecewise = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal(1.0, piecewise.At(0));
        Assert.Equal(1.0, piecewise.At(10));
        Assert.Equal(0.5, piecewise.At(11));
        Assert.Equal(0.5, piecewise.At(20));
        Assert.Equal(0.1, piecewise.At(21));
        Assert.Equal(0.1, piecewise.At(1_000_000));
        Assert.Equal(0.3, new PiecewiseConstantDecay([0], [0.2, 0.3]).At(1));
        Assert.Equal(0.2, new PiecewiseConstantDecay([0], [0.2, 0.3]).At(0));

        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 20], [1.0, 0.5]));
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]));
    }

    [Fact]
    public void TheScheduleMathIsCloseToLibm()
    {
        var random = new DeterministicRandom(11);
        for (int i = 0; i < 20_000; i++)
        {
            double b = 0.01 + Next(random), p = Next(random) * 50, f = Next(random);
            AssertRelative(Math.Pow(b, p), ScheduleMath.Pow(b, p), 1e-13); // exp(p log b) carries log's error times |p log b|
            AssertUlps(Math.Log(b * 1000), ScheduleMath.Log(b * 1000), 4);
            AssertUlps(Math.Exp((p * 2) - 50), ScheduleMath.Exp((p * 2) - 50), 4);
            Assert.Equal(Math.Cos(Math.PI * f), ScheduleMath.CosPi(f), 1e-15);
        }

        Assert.Equal(1.0, ScheduleMath.CosPi(0));
        Assert.Equal(-1.0, ScheduleMath.CosPi(1));
        Assert.Equal(0.0, ScheduleMath.CosPi(0.5), 1e-17);
        Assert.Equal(0.0, ScheduleMath.Log(1));
        Assert.Equal(1.0, ScheduleMath.Exp(0));
        Assert.Equal(Math.Pow(0.9, 37), ScheduleMath.Pow(0.9, 37), 1e-16);
    }

    private static double Next(DeterministicRandom random) => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static void AssertRelative(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    private static void AssertUlps(double expected, double actual, long ulps)
    {
        long distance = Math.Abs(BitConverter.DoubleToInt64Bits(expected) - BitConverter.DoubleToInt64Bits(actual));
        Assert.True(distance <= ulps, $"expected {expected:R}, got {actual:R} ({distance} ulps apart)");
    }
}
