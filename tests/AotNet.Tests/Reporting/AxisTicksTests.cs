using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0.27, 0.69, new[] { 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65 })]
    [InlineData(0.5, 1.0, new[] { 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 })]
    [InlineData(2.2, 4.1, new[] { 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0 })]
    [InlineData(1, 20, new[] { 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20 })]
    [InlineData(1, 500, new[] { 100.0, 200, 300, 400, 500 })]
    [InlineData(0, 0.9, new[] { 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 })]
    [InlineData(-0.0245, 0.7345, new[] { 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7 })]
    public void MatplotlibAutoLocatorTicks(double min, double max, double[] expected)
    {
        var ticks = AxisTicks.Locate(min, max);
        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], ticks[i]); // exact: 0.3 must be 0.3, not 0.30000000000000004
        }
    }

    [Theory]
    [InlineData(0.27, 0.69, "0.30|0.35|0.40|0.45|0.50|0.55|0.60|0.65")]
    [InlineData(0.5, 1.0, "0.5|0.6|0.7|0.8|0.9|1.0")]
    [InlineData(2.2, 4.1, "2.25|2.50|2.75|3.00|3.25|3.50|3.75|4.00")]
    [InlineData(1, 20, "2.5|5.0|7.5|10.0|12.5|15.0|17.5|20.0")]
    [InlineData(1, 500, "100|200|300|400|500")]
    [InlineData(-1.2, 1.2, "\u22121.0|\u22120.5|0.0|0.5|1.0")]
    public void LabelsShareDecimalsLikeScalarFormatter(double min, double max, string expected)
    {
        Assert.Equal(expected, string.Join('|', AxisTicks.Format(AxisTicks.Locate(min, max))));
    }

    [Fact]
    public void IntegerTicksAvoidHalfSteps()
    {
        Assert.Equal([5.0, 10, 15, 20], AxisTicks.Locate(1, 20, integer: true));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], AxisTicks.Locate(0.75, 6.25, integer: true));
        Assert.Equal([1.0], AxisTicks.Locate(0.9, 1.1, integer: true));
    }

    [Fact]
    public void StepsDownWhenFewerThanTwoTicksWouldShow()
    {
        // one bin: step 0.5 shows only 0.5, 0.25 only 0.5, 0.2 only 0.4; 0.1 shows 0.3, 0.4, 0.5 (matplotlib does the same)
        Assert.Equal([0.3, 0.4, 0.5], AxisTicks.Locate(0.26, 0.56, maxBins: 1));
    }

    [Fact]
    public void FlatRangeIsWidened()
    {
        var ticks = AxisTicks.Locate(0.3, 0.3);
        Assert.Contains(0.3, ticks);
        Assert.True(ticks.Length >= 3);
        Assert.Equal([-0.04, -0.02, 0, 0.02, 0.04], AxisTicks.Locate(0, 0, maxBins: 5));
    }

    [Fact]
    public void ExtremeMagnitudesUseExponents()
    {
        Assert.Equal(["0", "1e6", "2e6"], AxisTicks.Format([0, 1e6, 2e6]));
        Assert.Equal(["1e\u22125", "2e\u22125"], AxisTicks.Format([1e-5, 2e-5]));
    }

    [Fact]
    public void RandomRangesGiveFewEvenlySpacedNiceTicksInside()
    {
        var random = new Random(12345);
        for (int n = 0; n < 2000; n++)
        {
            // ranges from 1e-6 to 1e6 wide, placed anywhere within ten widths of zero (no offset notation needed)
            double width = Math.Pow(10, random.Next(-6, 7)) * (0.1 + 0.9 * random.NextDouble());
            double a = (random.NextDouble() - 0.5) * 20 * width;
            double b = a + width;
            int bins = random.Next(1, 10);
            var ticks = AxisTicks.Locate(a, b, bins);
            var (lo, hi) = AxisTicks.NonSingular(a, b);
            Assert.True(ticks.Length >= 2, $"[{a}, {b}] / {bins}: {ticks.Length} ticks");
            if (bins >= 4)
            {
                Assert.True(ticks.Length <= bins + 1, $"[{a}, {b}] / {bins}: {ticks.Length} ticks");
            }

            double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 0;
            for (int i = 0; i < ticks.Length; i++)
            {
                Assert.InRange(ticks[i], lo - 1e-9 * (hi - lo), hi + 1e-9 * (hi - lo));
                if (i > 0)
                {
                    Assert.Equal(step, ticks[i] - ticks[i - 1], step * 1e-6);
                }
            }

            if (ticks.Length > 1)
            {
                double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
                Assert.Contains([1, 2, 2.5, 5, 10], m => Math.Abs(m - mantissa) < 1e-6);
                Assert.All(AxisTicks.Format(ticks), label => Assert.DoesNotContain("000000", label));
            }
        }
    }
}
