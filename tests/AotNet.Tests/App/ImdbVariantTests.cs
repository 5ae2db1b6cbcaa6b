namespace AotNet.Tests.App;

/// <summary><c>aotnet imdb --variant …</c>: the book's over-fitting comparison end to end on the real files.</summary>
[Collection(AllocationMeasurements.Name)]
public class ImdbVariantTests
{
    [RealDataFact]
    public void VariantsAreTrainedRecordedAndOverlaidInTheReport()
    {
        string outDir = AppRun.TempDir();
        var (code, error) = AppRun.Cli("imdb", "--variant", "small,dropout", "--variant", "l2", "--epochs", "2", "--data-dir", TestData.Require(), "--out", outDir, "--quiet");
        Assert.True(code == 0, error);
        Assert.Equal(string.Empty, error);

        var results = AppRun.Results(outDir);
        var original = AppRun.Doubles(results.GetProperty("imdb").GetProperty("history").GetProperty("val_loss"));
        var variants = results.GetProperty("imdb_variants");
        Assert.Equal(["small", "l2", "dropout"], variants.EnumerateObject().Select(p => p.Name)); // the book's order
        foreach (var variant in variants.EnumerateObject())
        {
            var history = variant.Value.GetProperty("history");
            Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.EnumerateObject().Select(p => p.Name));
            var valLoss = AppRun.Doubles(history.GetProperty("val_loss"));
            Assert.Equal(2, valLoss.Length);
            Assert.NotEqual(original, valLoss);
            Assert.Equal(0, variant.Value.GetProperty("allocated_bytes_after_first_epoch").GetInt64());
        }

        foreach (string figure in new[] { "imdb_small_val_loss.svg", "imdb_l2_val_loss.svg", "imdb_dropout_val_loss.svg", "imdb_variants_val_loss.svg" })
        {
            Assert.Equal("svg", System.Xml.Linq.XDocument.Load(Path.Combine(outDir, figure)).Root!.Name.LocalName);
        }

        string report = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("imdb-variants", report);
        Assert.Contains("dropout 0.5 after each hidden layer", report);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(report, "<svg").Count);
    }

    [Fact]
    public void AnUnknownVariantIsRefusedInOneLine()
    {
        var (code, error) = AppRun.Cli("imdb", "--variant", "tiny", "--out", AppRun.TempDir());
        Assert.NotEqual(0, code);
        Assert.Contains("--variant 'tiny' is not an IMDB variant", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
