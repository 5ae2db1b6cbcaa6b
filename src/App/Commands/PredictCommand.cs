using System.CommandLine;
using System.Globalization;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Vectorization;
using AotNet.IO;
using AotNet.Training;
using AotNet.Hosting;

namespace AotNet.App.Commands;

/// <summary>
/// <c>aotnet predict imdb|reuters --weights FILE [--data-dir DIR] [--no-verify] ["text" …]</c> and
/// <c>aotnet predict boston --weights FILE [v1 … v13]</c>: scores new inputs with weights saved by
/// <c>aotnet imdb|reuters|boston --save-weights FILE</c>. Text is tokenised as Keras's word index expects
/// (<see cref="KerasTokenizer"/>); Boston features are normalised with the mean and std stored in the weights.
/// Without inputs on the command line, one input per line is read from stdin.
/// An edge machine needs only the binary, the weights and (for text) the dataset's word-index file.
/// </summary>
public static class PredictCommand
{
    /// <summary>The vocabulary the text models were trained with (<c>num_words=10000</c>).</summary>
    public const int NumWords = 10000;

    /// <summary>How many Reuters topics are printed per text.</summary>
    public const int TopTopics = 3;

    /// <summary>The longest text excerpt echoed next to a prediction.</summary>
    public const int ExcerptLength = 60;

    /// <summary>Builds the System.CommandLine command with its three subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("predict", "score new inputs with saved weights (aotnet imdb|reuters|boston --save-weights FILE)");
        command.Subcommands.Add(Build("imdb", "probability that each review is positive", "text", "reviews (default: one per line from stdin)", withWordIndex: true));
        command.Subcommands.Add(Build("reuters", $"the top {TopTopics} topics of each newswire", "text", "newswires (default: one per line from stdin)", withWordIndex: true));
        command.Subcommands.Add(Build("boston", "the price (k$) of a house from its 13 raw features", "values", "CRIM ZN INDUS CHAS NOX RM AGE DIS RAD TAX PTRATIO B LSTAT (default: one row per line from stdin)", withWordIndex: false));
        return command;
    }

    private static Command Build(string model, string description, string argumentName, string argumentDescription, bool withWordIndex)
    {
        var weights = new Option<string>("--weights") { Description = $"safetensors file written by aotnet {model} --save-weights", Required = true, HelpName = "FILE" };
        var inputs = new Argument<string[]>(argumentName) { Description = argumentDescription, Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(model, description) { weights, inputs };
        Option<string?>? dataDir = null;
        Option<bool>? noVerify = null;
        if (withWordIndex)
        {
            dataDir = DataOptions.MustBeAFolder(new Option<string?>("--data-dir")
            {
                Description = $"folder holding {model}_word_index.json (default: $KERAS_HOME/datasets, else ~/.keras/datasets; downloaded when missing)",
                HelpName = "DIR",
            });
            noVerify = DataOptions.NoVerify();
            command.Options.Add(dataDir);
            command.Options.Add(noVerify);
        }

        command.SetAction(parse =>
        {
            var request = new PredictRequest(
                model,
                parse.GetValue(weights)!,
                parse.GetValue(inputs) ?? [],
                dataDir is null ? null : parse.GetValue(dataDir),
                noVerify is null || !parse.GetValue(noVerify));
            if (request.Inputs.Count == 0 && !Console.IsInputRedirected)
            {
                // on a terminal, say what the silence is waiting for
                Console.Error.WriteLine($"aotnet predict {model}: reading one {(model == "boston" ? "row of 13 values" : "text")} per line until Ctrl+D (or pass {(model == "boston" ? "the values" : "texts")} as arguments)");
            }

            return Cli.Run(cancellation => Run(request, Console.In, Console.Out, Console.Error, cancellation), "aotnet predict");
        });
        return command;
    }

    /// <summary>
    /// Runs one prediction request: inputs from <see cref="PredictRequest.Inputs"/>, or one per line from
    /// <paramref name="input"/> when there are none; results to <paramref name="output"/>; one clear line to
    /// <paramref name="error"/> and exit code 1 for anything the user can fix.
    /// </summary>
    public static int Run(PredictRequest request, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            switch (request.Model)
            {
                case "imdb":
                    PredictImdb(request, input, output, error, cancellation);
                    break;
                case "reuters":
                    PredictReuters(request, input, output, error, cancellation);
                    break;
                case "boston":
                    PredictBoston(request, input, output, cancellation);
                    break;
                default:
                    throw new ArgumentException($"unknown model '{request.Model}' (expected imdb, reuters or boston)");
            }

            return Cli.Ok;
        }
        catch (Exception e) when (e is not OperationCanceledException && cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("interrupted", e, cancellation); // the caller reports the signal
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidDataException)
        {
            error.WriteLine($"aotnet predict: {e.Message}");
            return Cli.Failed;
        }
    }

    /// <summary>The most texts (or Boston rows) scored at once: stdin is read and answered in batches of this many lines.</summary>
    public const int LinesPerBatch = 256;

    /// <summary>The longest line accepted on stdin (characters); the longest IMDB review has about 14,000.</summary>
    public const int MaxLineLength = 1 << 20;

    private static void PredictImdb(PredictRequest request, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var model = LoadWeights<ImdbNet>(request.Weights, "imdb", out _);
        var tokenizer = Tokenizer(request, Imdb.WordIndexFileName, error, cancellation);
        foreach (var (texts, first) in Batches(request, input, "text", cancellation))
        {
            var probabilities = Score(model, tokenizer, texts);
            for (int i = 0; i < texts.Count; i++)
            {
                float p = Finite(probabilities.Row(i)[0], request.Weights, first + i);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p:0.0000}  {(p > 0.5f ? "positive" : "negative")}  {Excerpt(texts[i])}"));
            }
        }
    }

    private static void PredictReuters(PredictRequest request, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var model = LoadWeights<ReutersNet>(request.Weights, "reuters", out _);
        var tokenizer = Tokenizer(request, Reuters.WordIndexFileName, error, cancellation);
        foreach (var (texts, first) in Batches(request, input, "text", cancellation))
        {
            var probabilities = Score(model, tokenizer, texts);
            for (int i = 0; i < texts.Count; i++)
            {
                foreach (float p in probabilities.Row(i))
                {
                    Finite(p, request.Weights, first + i);
                }

                output.WriteLine(Excerpt(texts[i]));
                foreach (var (topic, p) in Top(probabilities.Row(i), TopTopics))
                {
                    string name = topic < Reuters.LabelNames.Count ? Reuters.LabelNames[topic] : "?";
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-16} {p:0.0000}  (topic {topic})"));
                }
            }
        }
    }

    private static void PredictBoston(PredictRequest request, TextReader input, TextWriter output, CancellationToken cancellation)
    {
        var model = LoadWeights<BostonNet>(request.Weights, "boston_housing", out var metadata);
        float[] mean = Floats(metadata, "normalization_mean", request.Weights);
        float[] std = Floats(metadata, "normalization_std", request.Weights);
        if (std.Any(s => !(s > 0)))
        {
            throw new InvalidDataException($"{request.Weights}: normalization_std must be positive; save Boston weights again with aotnet boston --save-weights");
        }

        using var trainer = new Trainer<BostonNet>(model, threads: 1);
        foreach (var (lines, first) in Batches(request, input, "features", cancellation, oneRow: true))
        {
            var features = new DenseMatrix(lines.Count, BostonHousing.FeatureCount);
            for (int r = 0; r < lines.Count; r++)
            {
                IReadOnlyList<string> row = request.Inputs.Count > 0 ? request.Inputs : lines[r].Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
                string where = request.Inputs.Count > 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"line {first + r + 1}: ");
                if (row.Count != BostonHousing.FeatureCount)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{where}boston needs {BostonHousing.FeatureCount} values ({string.Join(' ', BostonHousing.ColumnNames)}), got {row.Count}"));
                }

                for (int c = 0; c < row.Count; c++)
                {
                    string column = BostonHousing.ColumnNames[c];
                    if (!double.TryParse(row[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                    {
                        throw new ArgumentException($"{where}{column}: '{Clip(row[c])}' is not a number");
                    }

                    // checked after narrowing: a double far outside float's range (1e300) or a tiny std gives infinity
                    float normalised = (float)((value - mean[c]) / std[c]);
                    if (!float.IsFinite((float)value) || !float.IsFinite(normalised))
                    {
                        throw new ArgumentException($"{where}{column}: {Clip(row[c])} is far outside the range of the training data (it does not fit a float once normalised); give a realistic value");
                    }

                    features.Row(r)[c] = normalised;
                }
            }

            var prices = trainer.Predict(features);
            for (int r = 0; r < lines.Count; r++)
            {
                float price = Finite(prices.Row(r)[0], request.Weights, first + r);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{price:0.00} k$"));
            }
        }
    }

    /// <summary>A prediction must be a number: weights that overflow (3e38) give NaN or infinity, which is never printed.</summary>
    private static float Finite(float value, string weights, int index) =>
        float.IsFinite(value)
            ? value
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{weights}: these weights give {value} for input {index + 1} instead of a number (they overflow); train and save them again"));

    /// <summary>
    /// The inputs in batches of at most <see cref="LinesPerBatch"/> with the index of each batch's first input: the
    /// command-line inputs (one batch; Boston: one row), or stdin read line by line (blank lines skipped), each line at
    /// most <see cref="MaxLineLength"/> characters, so memory stays bounded however much is piped in.
    /// </summary>
    private static IEnumerable<(List<string> Inputs, int First)> Batches(PredictRequest request, TextReader input, string what, CancellationToken cancellation, bool oneRow = false)
    {
        if (request.Inputs.Count > 0)
        {
            yield return (oneRow ? [string.Join(' ', request.Inputs)] : [.. request.Inputs], 0);
            yield break;
        }

        var reader = new BoundedLineReader(input, MaxLineLength);
        var batch = new List<string>(LinesPerBatch);
        int first = 0, count = 0;
        while (reader.ReadLine(cancellation) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            batch.Add(line);

            // a full batch, or all that has arrived so far: a line typed or sent on its own is answered at once
            if (batch.Count == LinesPerBatch || !reader.HasBufferedInput)
            {
                yield return (batch, first);
                first += batch.Count;
                count += batch.Count;
                batch = new List<string>(LinesPerBatch);
            }
        }

        if (batch.Count > 0 || count == 0)
        {
            if (batch.Count == 0)
            {
                throw new ArgumentException(what == "features"
                    ? $"no features given: pass the {BostonHousing.FeatureCount} values as arguments or one row per line on stdin"
                    : "no text given: pass texts as arguments or one per line on stdin");
            }

            yield return (batch, first);
        }
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>
    /// Reads a model's weights, refusing a file saved for another model (its <c>dataset</c>/<c>model</c> metadata)
    /// and, through <see cref="SafeTensors.ToModel"/>, missing, extra or misshapen tensors.
    /// </summary>
    internal static TModel LoadWeights<TModel>(string path, string dataset, out Dictionary<string, string> metadata)
        where TModel : class, IModel<TModel>
    {
        var model = TModel.Create(0);
        metadata = ModelWeights.Load(path, TModel.Description, model.Parameters, dataset, model.State);
        return model;
    }

    private static KerasTokenizer Tokenizer(PredictRequest request, string wordIndexFile, TextWriter error, CancellationToken cancellation)
    {
        var cache = DatasetCache.FromEnvironment(request.DataDirectory, request.Verify);
        string path = cache.EnsureAsync(wordIndexFile, p =>
        {
            if (p.BytesReceived == 0)
            {
                error.WriteLine($"downloading {p.FileName} ...");
            }
        }, cancellation).GetAwaiter().GetResult();
        // only ranks below num_words - index_from become ids: the rest of the file is checked but not kept (issue 21 item 9)
        return new KerasTokenizer(WordIndex.Load(path, maxIndex: NumWords - 3 - 1), NumWords, indexFrom: 3);
    }

    private static DenseMatrix Score<TModel>(TModel model, KerasTokenizer tokenizer, IReadOnlyList<string> texts)
        where TModel : class, IModel<TModel>
    {
        CsrMatrix inputs = MultiHot.Encode(tokenizer.EncodeAll(texts), TModel.Description.Inputs);
        using var trainer = new Trainer<TModel>(model, threads: 1);
        return trainer.Predict(inputs);
    }

    /// <summary>The <paramref name="count"/> largest entries of <paramref name="values"/>, largest first (ties: lower index first).</summary>
    internal static List<(int Index, float Value)> Top(ReadOnlySpan<float> values, int count)
    {
        var all = new List<(int Index, float Value)>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            all.Add((i, values[i]));
        }

        all.Sort((a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : a.Index.CompareTo(b.Index));
        return all.GetRange(0, Math.Min(count, all.Count));
    }

    internal static float[] Floats(Dictionary<string, string> metadata, string key, string path)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            throw new InvalidDataException($"{path}: no '{key}' metadata; save Boston weights with aotnet boston --save-weights");
        }

        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new InvalidDataException($"{path}: metadata '{key}' has a value that is not a number ('{parts[i]}')");
            }
        }

        return values.Length == BostonHousing.FeatureCount
            ? values
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: metadata '{key}' has {values.Length} values, expected {BostonHousing.FeatureCount}"));
    }

    private static string Excerpt(string text)
    {
        string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= ExcerptLength ? flat : flat[..(ExcerptLength - 1)] + "…";
    }
}

/// <summary>What <c>aotnet predict</c> was asked for.</summary>
/// <param name="Model">imdb, reuters or boston.</param>
/// <param name="Weights">The safetensors file.</param>
/// <param name="Inputs">Texts (imdb, reuters) or the 13 feature values (boston); empty: read stdin.</param>
/// <param name="DataDirectory">Folder of the word-index file, or null for Keras's default.</param>
/// <param name="Verify">Passed to the dataset cache (word-index files are always checked for structure).</param>
public sealed record PredictRequest(string Model, string Weights, IReadOnlyList<string> Inputs, string? DataDirectory = null, bool Verify = true);
