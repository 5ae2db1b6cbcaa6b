using System.Globalization;
using System.Xml.Linq;
using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

public class SvgLineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly double[] Epochs = Series.Epochs(20);
    private static readonly double[] TrainLoss = [.. Epochs.Select(e => 0.5 * Math.Pow(0.02, (e - 1) / 19))];
    private static readonly double[] ValLoss = [.. Epochs.Select(e => e <= 4 ? 0.38 - (e - 1) * 0.027 : 0.30 + (e - 4) * 0.025)];

    private static LineChart LossChart() => new()
    {
        Title = "Training and validation loss",
        XLabel = "Epochs",
        YLabel = "Loss",
        Series = [Series.Markers("Training loss", Epochs, TrainLoss), Series.Line("Validation loss", Epochs, ValLoss)],
    };

    private static XElement Parse(string svg)
    {
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        return root;
    }

    private static IEnumerable<XElement> SeriesGroup(XElement root, string name) =>
        root.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series" && (string?)g.Attribute("data-name") == name);

    private static string[] Texts(XElement root, string groupClass) =>
        [.. root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == groupClass).Elements(Svg + "text").Select(t => t.Value)];

    [Fact]
    public void IsStandaloneSvgWithTitleLabelsAndLegend()
    {
        string svg = SvgLineChart.Render(LossChart());
        var root = Parse(svg);
        Assert.Equal("1.1", (string?)root.Attribute("version"));
        Assert.Equal("0 0 1000 800", (string?)root.Attribute("viewBox"));
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("Training and validation loss", texts);
        Assert.Contains("Epochs", texts);
        Assert.Contains("Loss", texts);
        var legend = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["Training loss", "Validation loss"], legend.Elements(Svg + "text").Select(t => t.Value));
        Assert.DoesNotContain("NaN", svg);
        Assert.DoesNotContain("Infinity", svg);
        Assert.DoesNotContain("<?xml", svg); // inlinable into HTML
    }

    [Fact]
    public void TickLabelsAreMatplotlibsNiceNumbers()
    {
        var root = Parse(SvgLineChart.Render(LossChart()));
        // x view [0.05, 20.95] → 2.5 steps; y view [-0.0145, 0.7045] → 0.1 steps
        Assert.Equal(["2.5", "5.0", "7.5", "10.0", "12.5", "15.0", "17.5", "20.0"], Texts(root, "xticks"));
        Assert.Equal(["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"], Texts(root, "yticks"));
    }

    [Fact]
    public void OneMarkerPerFinitePointAndLinesBreakAtGaps()
    {
        double[] y = [.. TrainLoss];
        y[3] = double.NaN;
        y[7] = double.PositiveInfinity;
        double[] x = [.. Epochs];
        x[12] = double.NegativeInfinity;
        var chart = new LineChart
        {
            Series =
            [
                Series.Markers("dots", x, y),
                new Series("both", Epochs, [.. ValLoss.Select((v, i) => i == 10 ? double.NaN : v)], SeriesStyle.LineWithMarkers, MatplotlibColors.Blue),
            ],
        };
        var root = Parse(SvgLineChart.Render(chart));
        var dots = SeriesGroup(root, "dots").Single();
        Assert.Equal(17, dots.Descendants(Svg + "circle").Count());
        Assert.Empty(dots.Descendants(Svg + "polyline"));
        var both = SeriesGroup(root, "both").Single();
        Assert.Equal(19, both.Descendants(Svg + "circle").Count());
        var lines = both.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(2, lines.Length); // points 1–10 and 12–20
        Assert.Equal(10, ((string)lines[0].Attribute("points")!).Split(' ').Length);
        Assert.Equal(9, ((string)lines[1].Attribute("points")!).Split(' ').Length);
    }

    [Fact]
    public void TextIsEscaped()
    {
        const string title = "Loss <b> & \"accuracy\" 'x' \u0001";
        var chart = new LineChart
        {
            Title = title, XLabel = "a<b", YLabel = "c&d",
            Series = [Series.Line("val </text><script>", [1, 2], [3, 4])],
        };
        string svg = SvgLineChart.Render(chart);
        var root = Parse(svg);
        Assert.DoesNotContain("<script", svg);
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("Loss <b> & \"accuracy\" 'x' ", texts); // U+0001 is not allowed in XML and is dropped
        Assert.Contains("a<b", texts);
        Assert.Contains("c&d", texts);
        Assert.Contains("val </text><script>", texts);
    }

    [Fact]
    public void EmptyConstantAndSinglePointChartsAreValid()
    {
        var empty = Parse(SvgLineChart.Render(new LineChart { Title = "nothing" }));
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], Texts(empty, "xticks"));
        Assert.Empty(empty.Descendants(Svg + "circle"));

        var allNaN = Parse(SvgLineChart.Render(new LineChart { Series = [Series.Line("nan", [1, 2], [double.NaN, double.NaN])] }));
        Assert.Empty(allNaN.Descendants(Svg + "polyline"));

        var flat = Parse(SvgLineChart.Render(new LineChart { Series = [Series.Line("flat", [1, 2, 3], [0.3, 0.3, 0.3])] }));
        var labels = Texts(flat, "yticks").Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains(0.3, labels);
        Assert.True(labels.Length >= 3);

        var single = Parse(SvgLineChart.Render(new LineChart { Series = [Series.Markers("one", [5], [2])] }));
        Assert.Single(SeriesGroup(single, "one").Single().Descendants(Svg + "circle"));
        Assert.Equal(["4.8", "4.9", "5.0", "5.1", "5.2"], Texts(single, "xticks")); // 5 ± 5 %
    }

    [Fact]
    public void BestLegendCoversNoData()
    {
        var root = Parse(SvgLineChart.Render(LossChart()));
        var box = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Element(Svg + "rect")!;
        double Attr(XElement e, string n) => double.Parse((string)e.Attribute(n)!, CultureInfo.InvariantCulture);
        double bx = Attr(box, "x"), by = Attr(box, "y"), bw = Attr(box, "width"), bh = Attr(box, "height");
        var dots = SeriesGroup(root, "Training loss").Single().Descendants(Svg + "circle").ToArray();
        Assert.Equal(20, dots.Length);
        Assert.All(dots, c => Assert.False(
            Attr(c, "cx") >= bx && Attr(c, "cx") <= bx + bw && Attr(c, "cy") >= by && Attr(c, "cy") <= by + bh));
        var points = ((string)SeriesGroup(root, "Validation loss").Single().Element(Svg + "polyline")!.Attribute("points")!).Split(' ')
            .Select(p => p.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        Assert.All(points, p => Assert.False(p[0] >= bx && p[0] <= bx + bw && p[1] >= by && p[1] <= by + bh));
    }

    [Fact]
    public void VerticalMarkerIsDrawnWithItsLabel()
    {
        var chart = new LineChart
        {
            Series = [Series.Line("mae", Series.Epochs(500), [.. Series.Epochs(500).Select(e => 2 + Math.Abs(e - 38) / 100)])],
            Markers = [new VerticalMarker(38, "best epoch 38")],
        };
        var root = Parse(SvgLineChart.Render(chart));
        var markers = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "markers");
        Assert.Single(markers.Elements(Svg + "line"));
        Assert.All(markers.Elements(Svg + "text"), t => Assert.Equal("best epoch 38", t.Value)); // halo + label
        Assert.Equal(2, markers.Elements(Svg + "text").Count());
    }

    [Fact]
    public void RenderingIsDeterministicAndClipIdsDifferBetweenCharts()
    {
        string a = SvgLineChart.Render(LossChart());
        Assert.Equal(a, SvgLineChart.Render(LossChart()));
        string b = SvgLineChart.Render(new LineChart { Title = "other", Series = [Series.Line("x", [1, 2], [1, 2])] });
        string IdOf(string svg) => (string)Parse(svg).Descendants(Svg + "clipPath").Single().Attribute("id")!;
        Assert.NotEqual(IdOf(a), IdOf(b));
        Assert.Contains($"url(#{IdOf(a)})", a);
    }

    [Fact]
    public void RejectsMismatchedSeriesAndTinyCharts()
    {
        Assert.Throws<ArgumentException>(() => Series.Line("bad", [1, 2, 3], [1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SvgLineChart.Render(new LineChart { Width = 10, Height = 10 }));
    }
}
