using System.Xml.Linq;
using AotNet.Reporting;

namespace AotNet.Tests.Reporting;

public class HtmlReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static ReportModel Model()
    {
        string loss = SvgLineChart.Render(new LineChart { Title = "Training and validation loss", Series = [Series.Line("v", [1, 2, 3], [3, 2, 1])] });
        string acc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
            SvgLineChart.Render(new LineChart { Title = "accuracy", Series = [Series.Markers("t", [1, 2, 3], [0.5, 0.7, 0.9])] });
        return new ReportModel(
            new DateTimeOffset(2026, 11, 27, 21, 5, 9, TimeSpan.FromHours(2)),
            [
                new ReportSection("IMDB <binary>", [new("Best epoch", "4"), new("Test accuracy", "0.8812"), new("a<b & c", "\"q\"")],
                    [new ReportFigure("Loss & accuracy", loss) { FileName = "imdb-loss.svg" }, new ReportFigure("Accuracy", acc)])
                {
                    Description = "10000 → 16 relu → 16 relu → 1 sigmoid",
                },
                new ReportSection("Boston", [], []),
            ])
        {
            CommandLine = "aotnet run --out \"r<1>\"",
            Version = "aotnet 0.1.0",
        };
    }

    private static XElement Parse(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>\n", html);
        return XDocument.Parse(html["<!DOCTYPE html>\n".Length..]).Root!; // the page is also well-formed XML
    }

    [Fact]
    public void ShowsTitleTimeTablesFiguresAndFooter()
    {
        string html = HtmlReport.Render(Model());
        var root = Parse(html);
        Assert.Equal("AotNet report", root.Descendants("title").Single().Value);
        Assert.Equal("AotNet report", root.Descendants("h1").Single().Value);
        Assert.Contains("Generated 2026-11-27 19:05:09 UTC", html);
        Assert.Equal(["IMDB <binary>", "Boston"], root.Descendants("h2").Select(h => h.Value));
        var rows = root.Descendants("table").Single().Elements("tr").Select(r => (r.Element("th")!.Value, r.Element("td")!.Value)).ToArray();
        Assert.Equal([("Best epoch", "4"), ("Test accuracy", "0.8812"), ("a<b & c", "\"q\"")], rows);
        Assert.Equal(2, root.Descendants(Svg + "svg").Count());
        Assert.DoesNotContain("<?xml", html);
        Assert.Equal(["Loss & accuracy", "Accuracy"], root.Descendants("figcaption").Select(f => f.Value));
        Assert.Equal("imdb-loss.svg", (string?)root.Descendants("figcaption").First().Element("a")!.Attribute("href"));
        Assert.Equal("aotnet run --out \"r<1>\"", root.Descendants("footer").Single().Descendants("code").Single().Value);
        Assert.Contains("aotnet 0.1.0", root.Descendants("footer").Single().Value);
        Assert.Contains("10000 → 16 relu → 16 relu → 1 sigmoid", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void RenderingIsDeterministicAndTitleIsOverridable()
    {
        Assert.Equal(HtmlReport.Render(Model()), HtmlReport.Render(Model()));
        var root = Parse(HtmlReport.Render(Model() with { Title = "Run <1>" }));
        Assert.Equal("Run <1>", root.Descendants("h1").Single().Value);
    }

    [Fact]
    public void RejectsFiguresThatAreNotSvg()
    {
        var model = new ReportModel(DateTimeOffset.UnixEpoch, [new ReportSection("x", [], [new ReportFigure("c", "<p>no</p>")])]);
        Assert.Throws<ArgumentException>(() => HtmlReport.Render(model));
    }
}
