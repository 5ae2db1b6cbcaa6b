using AotNet.App.Terminal;
using AotNet.Hosting;

namespace AotNet.Tests.App;

/// <summary>The end-of-run table drawn on a terminal, and the parse-error messages taken apart without regular expressions.</summary>
public class SummaryTableTests
{
    [Fact]
    public void TheTableHasATitleBordersABoldExperimentAndRightAlignedValues()
    {
        string table = SummaryTable.Table(
        [
            ("boston", [("best epoch (book smoothed)", "66"), ("final model test mae / mse", "2.471 / 17.1")]),
            ("imdb", [("test loss / accuracy", "0.3 / 0.88")]),
        ]);
        string[] expected =
        [
            "                      \u001b[1mAotNet summary\u001b[0m",
            "┌────────────┬────────────────────────────┬──────────────┐",
            "│ experiment │ measure                    │ value        │",
            "├────────────┼────────────────────────────┼──────────────┤",
            "│ \u001b[1mboston\u001b[0m     │ best epoch (book smoothed) │           66 │",
            "│            │ final model test mae / mse │ 2.471 / 17.1 │",
            "│ \u001b[1mimdb\u001b[0m       │ test loss / accuracy       │   0.3 / 0.88 │",
            "└────────────┴────────────────────────────┴──────────────┘",
            "",
        ];
        Assert.Equal(string.Join('\n', expected), table);
    }

    [Theory]
    [InlineData("Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Int32'.", "abc", "--epochs", "System.Int32")]
    [InlineData("Cannot parse argument '' for option '--seed' as expected type 'System.UInt64'.", "", "--seed", "System.UInt64")]
    [InlineData("Cannot parse argument 'it' for option 'x' for option '--folds' as expected type 'System.Int32'.", "it' for option 'x", "--folds", "System.Int32")]
    public void CannotParseTakesTheValueOptionAndType(string message, string value, string option, string type) =>
        Assert.Equal((value, option, type), ParseErrors.CannotParse(message));

    [Theory]
    [InlineData("Cannot parse argument 'abc' for option '' as expected type 'System.Int32'.")]
    [InlineData("Cannot parse argument 'abc' for option '--epochs' as type 'System.Int32'.")]
    [InlineData("cannot parse argument 'abc' for option '--epochs' as expected type 'System.Int32'.")]
    public void OtherMessagesAreNotCannotParse(string message) => Assert.Null(ParseErrors.CannotParse(message));

    [Fact]
    public void QuotedAfterNeedsTheWholeShape()
    {
        Assert.Equal("--data", ParseErrors.QuotedAfter("Option '--data' is required.", "Option '", "' is required"));
        Assert.Null(ParseErrors.QuotedAfter("Option '' is required.", "Option '", "' is required"));
        Assert.Null(ParseErrors.QuotedAfter("Option '--data' is optional.", "Option '", "' is required"));
        Assert.Equal("--out", ParseErrors.QuotedAfter("Required argument missing for option: '--out'.", "Required argument missing for option: '", "'"));
        Assert.Null(ParseErrors.QuotedAfter("Required argument missing for option: '--out", "Required argument missing for option: '", "'"));
    }
}
