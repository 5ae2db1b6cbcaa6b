using System.CommandLine;
using System.Globalization;
using AotNet.App.Experiments;
using AotNet.App.Terminal;
using AotNet.IO;
using AotNet.Reporting;

namespace AotNet.App.Commands;

/// <summary><c>aotnet all|imdb|reuters|boston [options]</c>: runs experiments and writes results.json, figures and report.html.</summary>
internal static class ExperimentCommand
{
    public static IEnumerable<Command> Create()
    {
        yield return Build("all", "run the tutorial's three experiments, one after the other", Runner.All);
        yield return Build("imdb", "IMDB sentiment: 10000 multi-hot → 16 relu → 16 relu → 1 sigmoid, 20 epochs, batch 512", [Experiment.Imdb]);
        yield return Build("reuters", "Reuters topics: 10000 multi-hot → 64 relu → 64 relu → 46 softmax, 20 epochs, batch 512", [Experiment.Reuters]);
        yield return Build("boston", "Boston housing: 13 → 64 relu → 64 relu → 1, 5-fold cross-validation, 500 epochs, batch 1", [Experiment.Boston]);
    }

    private static Command Build(string name, string description, IReadOnlyList<Experiment> experiments)
    {
        bool boston = experiments.Contains(Experiment.Boston), one = experiments.Count == 1;
        string defaults = name switch { "all" => "20 / 20 / 500 for imdb / reuters / boston", "boston" => "500", _ => "20" };
        var epochs = PositiveInt("--epochs", $"epochs (default: the tutorial's, {defaults})", MaxEpochs);
        var batchSize = PositiveInt("--batch-size", $"batch size, at most {MaxBatchSize}; a batch larger than the training set is the whole set, as in Keras (default: the tutorial's, {(name switch { "all" => "512 / 512 / 1", "boston" => "1", _ => "512" })})", MaxBatchSize);
        var folds = new Option<int>("--folds") { Description = "k of the Boston k-fold cross-validation", DefaultValueFactory = _ => 5, Hidden = !boston, HelpName = "K" };
        folds.Validators.Add(r =>
        {
            if (TokenValue(r) is int k && k < 2)
            {
                r.AddError("--folds must be at least 2");
            }
        });
        var seed = new Option<ulong>("--seed") { Description = "random seed of the weight initialisation and the shuffles", DefaultValueFactory = _ => 0, HelpName = "S" };
        var threads = new Option<int>("--threads") { Description = "worker threads (results are identical for any count)", DefaultValueFactory = _ => Environment.ProcessorCount, HelpName = "N" };
        threads.Validators.Add(r =>
        {
            if (TokenValue(r) is int t && (t < 1 || t > 256))
            {
                r.AddError("--threads must be between 1 and 256");
            }
        });
        var dataDir = DataOptions.DataDir();
        var noVerify = DataOptions.NoVerify();
        var outDir = new Option<string>("--out")
        {
            Description = "folder for results.json, the SVG figures and report.html; results of experiments not run now are kept",
            DefaultValueFactory = _ => "aotnet-out",
            HelpName = "DIR",
        };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "train in data order instead of reshuffling every epoch" };

        // one model's weights: not for `all` (hidden there, and refused with the reason when given)
        var initialWeights = new Option<string?>("--initial-weights") { Description = "start from the weights of this safetensors file instead of random ones", Hidden = !one, HelpName = "FILE" };
        var saveWeights = new Option<string?>("--save-weights") { Description = "write the trained weights to this safetensors file (for aotnet predict)", Hidden = !one, HelpName = "FILE" };
        var smoothing = new Option<string>("--smoothing")
        {
            Description = "Boston curve smoothing: book (Chollet's exponential moving average, default) or tutorial (the Keras tutorial's own two-point formula; 'seed' is the same)",
            DefaultValueFactory = _ => "book",
            Hidden = !boston,
        };
        smoothing.HelpName = "book|tutorial";
        smoothing.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && token.Value is not ("book" or "seed" or "tutorial"))
            {
                r.AddError($"--smoothing must be book or tutorial (got '{token.Value}')"); // one line, unlike AcceptOnlyFromAmong's list
            }
        });
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print errors only" };
        var variant = new Option<string[]>("--variant")
        {
            Description = "also train variants of the IMDB model and overlay their validation losses: the book's over-fitting variants small (4-4), large (512-512), l2 (0.002), dropout (0.5), and embedding (padded word ids, Embedding(10000, 16) with mask_zero, average pooling), or all; comma-separated for several",
            AllowMultipleArgumentsPerToken = false,
        };
        variant.HelpName = "small|large|l2|dropout|embedding|all";
        bool imdbOnly = experiments is [Experiment.Imdb];
        var fold = new Option<string?>("--fold")
        {
            Description = "train fold I alone (0 to K-1) and write its part, DIR/boston-fold-I.json, for aotnet merge; env takes I from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX (docs/scale-out.md)",
            HelpName = "I|env",
        };

        var command = new Command(name, description)
        {
            epochs, batchSize, folds, seed, threads, dataDir, noVerify, outDir, noShuffle, initialWeights, saveWeights, smoothing, quiet,
        };
        if (imdbOnly)
        {
            command.Options.Add(variant);
        }

        if (experiments is [Experiment.Boston])
        {
            command.Options.Add(fold);
        }

        command.SetAction(parse =>
        {
            string[] variants = [];
            if (imdbOnly && parse.GetValue(variant) is { Length: > 0 } given)
            {
                var (parsed, variantProblem) = ImdbVariants.Parse(given);
                if (variantProblem is not null)
                {
                    return Cli.Fail(variantProblem, prefix: $"aotnet {name}");
                }

                variants = parsed!;
            }

            if (experiments.Count > 1 && (parse.GetValue(initialWeights) is not null || parse.GetValue(saveWeights) is not null))
            {
                return Cli.Fail("--initial-weights and --save-weights name one model's weights: use them with imdb, reuters or boston, not all");
            }

            // options of Boston's recipe only: refused with the reason rather than silently ignored
            if (!boston && (parse.GetResult(folds) is { Implicit: false } || parse.GetResult(smoothing) is { Implicit: false }))
            {
                return Cli.Fail(parse.GetResult(folds) is { Implicit: false }
                    ? $"--folds belongs to boston's k-fold cross-validation; {name} validates on its first {(name == "imdb" ? 10000 : 1000)} training samples instead"
                    : $"--smoothing applies to boston's validation-MAE curve; {name} draws its curves unsmoothed");
            }

            if (SaveWeightsProblem(parse.GetValue(saveWeights)) is { } problem)
            {
                return Cli.Fail(problem);
            }

            int? foldIndex = null;
            if (parse.GetValue(fold) is { } foldText)
            {
                var (index, foldProblem) = AotNet.Hosting.JobIndex.Parse(foldText, parse.GetValue(folds), "--fold", "folds");
                if (foldProblem is not null)
                {
                    return Cli.Fail(foldProblem, prefix: $"aotnet {name}");
                }

                if (parse.GetValue(saveWeights) is not null)
                {
                    return Cli.Fail("--save-weights names the final model, which aotnet merge trains from the folds' parts: give it to merge", prefix: $"aotnet {name}");
                }

                foldIndex = index;
            }

            var settings = new RunSettings
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Folds = parse.GetValue(folds),
                Fold = foldIndex,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                DataDir = parse.GetValue(dataDir),
                NoVerify = parse.GetValue(noVerify),
                OutDir = parse.GetValue(outDir)!,
                Shuffle = !parse.GetValue(noShuffle),
                InitialWeights = parse.GetValue(initialWeights),
                SaveWeights = parse.GetValue(saveWeights),
                Smoothing = parse.GetValue(smoothing) == "tutorial" ? SmoothingKind.Seed : Smoothing.ParseKind(parse.GetValue(smoothing)!),
                ImdbVariants = variants,
            };
            var reporter = new ConsoleReporter(ConsoleReporter.Detect(parse.GetValue(quiet)));
            return Cli.Run(cancellation => Runner.Run(experiments, settings, reporter, parse.Tokens.Count > 0 ? string.Join(' ', ["aotnet", .. Environment.GetCommandLineArgs().Skip(1)]) : "aotnet", cancellation));
        });
        return command;
    }

    /// <summary>Largest --epochs accepted: the histories hold one value per epoch, so 2^31 epochs cannot even be recorded.</summary>
    public const int MaxEpochs = 1_000_000;

    /// <summary>Largest --batch-size accepted: far above every training set here (a larger batch is the whole set anyway).</summary>
    public const int MaxBatchSize = 1_000_000;

    private static Option<int?> PositiveInt(string name, string description, int max)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(r =>
        {
            if (TokenValue(r) is int v && v <= 0)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a positive whole number (got {v})"));
            }
            else if (TokenValue(r) is int big && big > max)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be at most {max} (got {big})"));
            }
        });
        return option;
    }

    /// <summary>
    /// Refuses a --save-weights target that cannot be written before hours of training, not after: a folder, a missing
    /// folder, a device node, pipe or socket (never replaced), a folder aotnet cannot create files in.
    /// </summary>
    private static string? SaveWeightsProblem(string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (path.Length == 0 || Directory.Exists(path))
        {
            return $"--save-weights '{path}' is not a file name; give the file to write, e.g. weights.safetensors";
        }

        try
        {
            AtomicFile.CheckWritable(path);
            return null;
        }
        catch (IOException e)
        {
            return $"--save-weights {e.Message}";
        }
    }

    /// <summary>
    /// The option's value when its token is a whole number; null otherwise (the parser then reports
    /// "Cannot parse argument" itself). Validators must not call GetValueOrDefault: on a token like "abc" it throws.
    /// </summary>
    private static int? TokenValue(System.CommandLine.Parsing.OptionResult result) =>
        result.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
}
