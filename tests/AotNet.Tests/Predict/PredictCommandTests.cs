using System.Globalization;
using AotNet.App;
using AotNet.App.Commands;
using AotNet.App.Experiments;
using AotNet.Data;
using AotNet.Training;

namespace AotNet.Tests.Predict;

public sealed class PredictCommandTests : IDisposable
{
    private const string Positive = "A wonderful, beautiful film. Brilliant acting, a great story and an excellent cast: I loved it, one of the best movies I have seen.";
    private const string Negative = "Awful. The worst movie ever: boring, stupid, terrible acting and a waste of time. Bad script, poor plot, I hated it.";

    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-predict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RealDataFact]
    public void Imdb_weights_saved_by_the_app_score_clear_reviews_on_the_right_side()
    {
        string dataDir = TestData.Require();
        string weights = Path.Combine(_dir, "imdb.safetensors");
        int trained = Program.Main(["imdb", "--epochs", "3", "--data-dir", dataDir, "--out", Path.Combine(_dir, "out"), "--save-weights", weights, "--quiet"]);
        Assert.Equal(0, trained);

        var (code, output, error) = Run(new PredictRequest("imdb", weights, [Positive, Negative], dataDir));
        Assert.True(code == 0, error);
        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.True(Probability(lines[0]) > 0.5, lines[0]);
        Assert.EndsWith("…", lines[0]);
        Assert.Contains("  positive  A wonderful, beautiful film.", lines[0]);
        Assert.True(Probability(lines[1]) < 0.5, lines[1]);
        Assert.Contains("  negative  Awful.", lines[1]);

        // the same texts from stdin, one per line (blank lines skipped), give the same output
        var fromStdin = Run(new PredictRequest("imdb", weights, [], dataDir), $"{Positive}\n\n{Negative}\n");
        Assert.Equal(output, fromStdin.Output);
    }

    [RealDataFact]
    public void Reuters_prints_the_top_three_topics_with_names()
    {
        string weights = Path.Combine(_dir, "reuters.safetensors");
        ModelFactory.Save(ReutersNet.Create(5), weights, new Dictionary<string, string> { ["dataset"] = "reuters" });
        var (code, output, error) = Run(new PredictRequest("reuters", weights, ["Shares rose after the company agreed to acquire its rival."], TestData.Require()));
        Assert.True(code == 0, error);
        var lines = Lines(output);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Shares rose after the company agreed to acquire its rival.", lines[0]);
        var shown = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.All(shown, s => Assert.Contains(s[0], AotNet.Data.Keras.Reuters.LabelNames));
        var p = shown.Select(s => double.Parse(s[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(p[0] >= p[1] && p[1] >= p[2], output);
    }

    [Fact]
    public void Boston_applies_the_normalisation_stored_in_the_weights()
    {
        var model = BostonNet.Create(3);
        float[] mean = [3.6f, 11.4f, 11.1f, 0.07f, 0.55f, 6.3f, 68.6f, 3.8f, 9.5f, 408f, 18.5f, 356.7f, 12.7f];
        float[] std = [8.6f, 23.3f, 6.9f, 0.25f, 0.12f, 0.7f, 28.1f, 2.1f, 8.7f, 168f, 2.2f, 91.3f, 7.1f];
        string weights = Path.Combine(_dir, "boston.safetensors");
        ModelFactory.Save(model, weights, new Dictionary<string, string>
        {
            ["dataset"] = "boston_housing",
            ["normalization_mean"] = string.Join(",", mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            ["normalization_std"] = string.Join(",", std.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        });
        double[] raw = [18.0846, 0, 18.1, 0, 0.679, 6.434, 100, 1.8347, 24, 666, 20.2, 27.25, 29.05];

        // the expected price: the model on (x - mean) / std, computed here by hand
        var normalised = new DenseMatrix(1, 13);
        for (int c = 0; c < 13; c++)
        {
            normalised.Row(0)[c] = (float)((raw[c] - mean[c]) / std[c]);
        }

        using var trainer = new Trainer<BostonNet>(model);
        float expected = trainer.Predict(normalised).Row(0)[0];
        float unnormalised = trainer.Predict(new DenseMatrix(raw.Select(v => (float)v).ToArray(), 1, 13)).Row(0)[0];
        Assert.NotEqual(expected.ToString("0.00", CultureInfo.InvariantCulture), unnormalised.ToString("0.00", CultureInfo.InvariantCulture));

        string[] args = raw.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        var (code, output, error) = Run(new PredictRequest("boston", weights, args));
        Assert.True(code == 0, error);
        Assert.Equal(expected.ToString("0.00", CultureInfo.InvariantCulture) + " k$", output.Trim());

        // stdin: one row per line, spaces or commas
        var rows = Run(new PredictRequest("boston", weights, []), string.Join(' ', args) + "\n" + string.Join(',', args) + "\n");
        Assert.Equal(0, rows.Code);
        Assert.Equal(2, Lines(rows.Output).Length);
        Assert.All(Lines(rows.Output), l => Assert.Equal(output.Trim(), l));

        var wrongCount = Run(new PredictRequest("boston", weights, ["1", "2"]));
        Assert.Equal(1, wrongCount.Code);
        Assert.Contains("boston needs 13 values", wrongCount.Error);
        var notANumber = Run(new PredictRequest("boston", weights, [.. args[..12], "x"]));
        Assert.Equal(1, notANumber.Code);
        Assert.Contains("LSTAT: 'x' is not a number", notANumber.Error);
    }

    [Fact]
    public void Refuses_weights_of_another_model_clearly()
    {
        string imdb = Path.Combine(_dir, "imdb.safetensors");
        ModelFactory.Save(ImdbNet.Create(1), imdb, new Dictionary<string, string> { ["dataset"] = "imdb" });

        var (code, output, error) = Run(new PredictRequest("reuters", imdb, ["some text"], _dir));
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("aotnet predict: ", error);
        Assert.Contains("ImdbNet", error);
        Assert.Contains("not of ReutersNet", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Single(Lines(error));

        var boston = Run(new PredictRequest("boston", imdb, ["1"]));
        Assert.Equal(1, boston.Code);
        Assert.Contains("not of BostonNet", boston.Error);
    }

    [Fact]
    public void Refuses_files_without_the_needed_tensors_or_metadata()
    {
        // no metadata at all: the tensors decide, and Reuters-shaped tensors do not fit ImdbNet
        string bare = Path.Combine(_dir, "bare.safetensors");
        File.WriteAllBytes(bare, AotNet.IO.SafeTensors.Serialize(AotNet.IO.SafeTensors.FromModel(ReutersNet.Description, ReutersNet.Create(2).Parameters)));
        var shapes = Run(new PredictRequest("imdb", bare, ["text"], _dir));
        Assert.Equal(1, shapes.Code);
        Assert.Contains("tensor 'dense_0.kernel' has shape [10000, 64], ImdbNet needs [10000, 16]", shapes.Error);

        // Boston weights without the normalisation cannot be used on raw features
        string noStats = Path.Combine(_dir, "boston.safetensors");
        ModelFactory.Save(BostonNet.Create(2), noStats, new Dictionary<string, string> { ["dataset"] = "boston_housing" });
        var stats = Run(new PredictRequest("boston", noStats, Enumerable.Repeat("1", 13).ToArray()));
        Assert.Equal(1, stats.Code);
        Assert.Contains("no 'normalization_mean' metadata", stats.Error);

        string garbage = Path.Combine(_dir, "garbage.safetensors");
        File.WriteAllText(garbage, "not a safetensors file at all");
        Assert.Contains("not a safetensors file", Run(new PredictRequest("imdb", garbage, ["x"], _dir)).Error);
        Assert.Contains("no such file", Run(new PredictRequest("imdb", Path.Combine(_dir, "missing.safetensors"), ["x"], _dir)).Error);
    }

    [Fact]
    public void Tokenises_with_the_word_index_and_needs_some_text()
    {
        // a tiny word index in the data folder: only the word index is needed, no npz
        File.WriteAllText(Path.Combine(_dir, "imdb_word_index.json"), """{"good": 1, "bad": 2}""");
        string weights = Path.Combine(_dir, "imdb.safetensors");
        var model = ImdbNet.Create(4);
        ModelFactory.Save(model, weights, new Dictionary<string, string> { ["dataset"] = "imdb" });

        var (code, output, error) = Run(new PredictRequest("imdb", weights, ["Good!", "BAD, bad."], _dir, Verify: false)); // not Keras's word index
        Assert.True(code == 0, error);
        var lines = Lines(output);

        // expected: the model on multi-hot rows {1, 4} ("good" = rank 1 + 3) and {1, 5}
        var inputs = new CsrMatrix([0, 2, 4], [1, 4, 1, 5], 10000);
        using var trainer = new Trainer<ImdbNet>(model);
        var p = trainer.Predict(inputs);
        Assert.Equal(p.Row(0)[0], Probability(lines[0]), 4);
        Assert.Equal(p.Row(1)[0], Probability(lines[1]), 4);

        var none = Run(new PredictRequest("imdb", weights, [], _dir, Verify: false), "\n  \n");
        Assert.Equal(1, none.Code);
        Assert.Contains("no text given", none.Error);
    }

    [Fact]
    public void Top_orders_by_value_then_index()
    {
        Assert.Equal([(2, 0.5f), (0, 0.2f), (3, 0.2f)], PredictCommand.Top([0.2f, 0.1f, 0.5f, 0.2f], 3));
        Assert.Single(PredictCommand.Top([1f], 3));
    }

    private static (int Code, string Output, string Error) Run(PredictRequest request, string stdin = "")
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = PredictCommand.Run(request, new StringReader(stdin), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static double Probability(string line) => double.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture);
}
