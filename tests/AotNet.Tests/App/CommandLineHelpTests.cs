using AotNet.App.Commands;
using AotNet.Tests.Reliability;
using AotNet.Hosting;

namespace AotNet.Tests.App;

/// <summary>
/// What a newcomer meets on the command line: one plain line saying what is wrong and what to do (with a "did you
/// mean" for typos), the usage line naming the right command, `aotnet help`, and help texts that list only the options
/// each command uses.
/// </summary>
public sealed class CommandLineHelpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-help").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("predict boston 1 2", "aotnet predict boston: --weights FILE is required", "usage: aotnet predict boston --help")]
    [InlineData("boston --epochs abc", "aotnet boston: --epochs expects a whole number, got 'abc'", "usage: aotnet boston --help")]
    [InlineData("data imdb --index x", "--index expects a whole number, got 'x'", "usage: aotnet data --help")]
    [InlineData("imbd", "unknown command 'imbd'; did you mean 'imdb'?", "usage: aotnet --help")]
    [InlineData("bostn --epochs 3", "unknown command 'bostn'; did you mean 'boston'?", "usage: aotnet --help")]
    [InlineData("boston --epoch 3", "aotnet boston: unknown option '--epoch'; did you mean '--epochs'?", "usage: aotnet boston --help")]
    [InlineData("reuters --thread 2", "unknown option '--thread'; did you mean '--threads'?", "usage: aotnet reuters --help")]
    [InlineData("predict imbd", "unknown command 'imbd'; did you mean 'imdb'?", "usage: aotnet predict --help")]
    [InlineData("cifar", "unknown command 'cifar' (the commands: all, imdb, reuters, boston, merge, data, predict, export or help)", "usage: aotnet --help")]
    [InlineData("", "aotnet: give a command: all, imdb, reuters, boston, merge, data, predict, export or help", "usage: aotnet --help")]
    [InlineData("help imbd", "unknown command 'imbd'; did you mean 'imdb'?", "usage: aotnet --help")]
    public void Parse_errors_are_one_plain_line_and_the_right_usage(string args, string expected, string usage)
    {
        var result = AppProcess.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected, usage);
        Assert.DoesNotContain("System.", result.Err);
        Assert.Equal(2, result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_missing_data_dir_is_refused_and_not_created()
    {
        string missing = Path.Combine(_dir, "no-such-folder");
        var result = AppProcess.Run(["boston", "--data-dir", missing, "--out", Path.Combine(_dir, "out"), "-q"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, $"--data-dir {missing} does not exist", "create it", "leave --data-dir out");
        Assert.False(Directory.Exists(missing), "the missing --data-dir was created");
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));

        var predict = AppProcess.Run(["predict", "imdb", "--weights", "w.safetensors", "--data-dir", missing, "a review"]);
        AppProcess.AssertCleanFailure(predict.Code, predict.Err, "does not exist");
        var data = AppProcess.Run(["data", "imdb", "--data-dir", missing]);
        AppProcess.AssertCleanFailure(data.Code, data.Err, "does not exist");
    }

    [Theory]
    [InlineData("help", "Commands:", "predict")]
    [InlineData("help imdb", "aotnet imdb [options]", "--save-weights")]
    [InlineData("help predict boston", "aotnet predict boston", "--weights")]
    public void Help_is_a_command(string args, string shown, string option)
    {
        var result = AppProcess.Run(args.Split(' '));
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains(shown, result.Out);
        Assert.Contains(option, result.Out);
    }

    [Theory]
    [InlineData("imdb", new[] { "--epochs", "--save-weights", "--initial-weights" }, new[] { "--folds", "--smoothing" })]
    [InlineData("reuters", new[] { "--epochs", "--save-weights" }, new[] { "--folds", "--smoothing" })]
    [InlineData("boston", new[] { "--folds", "--smoothing", "--save-weights" }, new string[0])]
    [InlineData("all", new[] { "--folds", "--smoothing", "--out" }, new[] { "--save-weights", "--initial-weights" })]
    public void Help_lists_only_the_options_that_apply(string command, string[] listed, string[] absent)
    {
        var result = AppProcess.Run([command, "--help"]);
        Assert.True(result.Code == 0, result.Err);
        Assert.All(listed, o => Assert.Contains(o, result.Out));
        Assert.All(absent, o => Assert.DoesNotContain(o, result.Out));
        Assert.DoesNotContain("the seed", result.Out);
        Assert.DoesNotContain("seed's", result.Out);
    }

    [Theory]
    [InlineData("imdb --folds 3", "--folds belongs to boston's k-fold cross-validation")]
    [InlineData("reuters --smoothing book", "--smoothing applies to boston")]
    [InlineData("all --save-weights w.safetensors", "use them with imdb, reuters or boston, not all")]
    [InlineData("all --initial-weights w.safetensors", "one model's weights")]
    public void Options_of_another_command_are_refused_with_the_reason(string args, string expected)
    {
        var result = AppProcess.Run([.. args.Split(' '), "--out", Path.Combine(_dir, "out")]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, expected);
    }

    [Theory]
    [InlineData("imbd", "imdb")]
    [InlineData("bostn", "boston")]
    [InlineData("--epoch", "--epochs")]
    [InlineData("--ephocs", "--epochs")]
    [InlineData("--batchsize", "--batch-size")]
    [InlineData("xyz", null)]
    [InlineData("--frobnicate", null)]
    public void Suggestions_find_near_misses_only(string typo, string? expected)
    {
        string[] known = ["all", "imdb", "reuters", "boston", "data", "predict", "help", "--epochs", "--batch-size", "--seed", "--threads", "--out"];
        Assert.Equal(expected, ParseErrors.Suggest(typo, known.Where(k => k.StartsWith('-') == typo.StartsWith('-'))));
    }
}
