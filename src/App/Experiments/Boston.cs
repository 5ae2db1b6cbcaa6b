using System.Diagnostics;
using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Data;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.App.Experiments;

/// <summary>Boston housing, normalised with the training mean and std, plus what the normaliser was.</summary>
public sealed record BostonData(LabeledData Train, LabeledData Test, float[] Mean, float[] Std, double LoadSeconds)
{
    /// <summary>The file the data was read from (boston_housing.npz), whose SHA-256 a fold's part records.</summary>
    public string File { get; init; } = string.Empty;
}

/// <summary>
/// The seed's regression recipe: k-fold cross-validation (folds of n // k contiguous samples, 500 epochs, batch 1),
/// the per-epoch mean of the folds' validation MAE, its smoothed curve and the best epoch; then what the seed leaves
/// out: a final model trained on all training samples for the best epoch count, scored on the test set.
/// </summary>
public static class Boston
{
    public const int Epochs = 500, BatchSize = 1, SmoothingSkip = 10;

    public static BostonResult Run(BostonData data, RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var options = FoldOptions(data, settings);
        var folds = TrainFolds(data, settings, options, null, reporter, cancellation);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var curves = folds.Select(Curves).ToArray();
        long allocated = folds.Sum(f => f.History.AllocatedBytesAfterFirstEpoch);
        return Finish(data, settings, curves, trainSeconds, allocated, reporter, cancellation);
    }

    /// <summary>One fold alone (<c>--fold I</c>): the same model, seeds and training as that fold of <see cref="Run"/>.</summary>
    public static (FoldCurves Curves, long AllocatedBytes) RunFold(BostonData data, RunSettings settings, int fold, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var result = TrainFolds(data, settings, FoldOptions(data, settings), fold, reporter, cancellation)[0];
        return (Curves(result), result.History.AllocatedBytesAfterFirstEpoch);
    }

    /// <summary>The fit options of every fold (a batch larger than the fold's training rows is one batch per epoch, as in Keras).</summary>
    private static FitOptions FoldOptions(BostonData data, RunSettings settings) => new()
    {
        Epochs = settings.Epochs ?? Epochs,
        BatchSize = Math.Max(1, Math.Min(settings.BatchSize ?? BatchSize, data.Train.Count - KFold.FoldSize(data.Train.Count, settings.Folds))),
        Shuffle = settings.Shuffle,
    };

    private static FoldCurves Curves(FoldResult fold) => new(fold.History["val_mae"].ToArray(), fold.History["val_loss"].ToArray());

    /// <summary>Trains every fold (<paramref name="only"/> null), in parallel, or fold <paramref name="only"/> alone.</summary>
    private static FoldResult[] TrainFolds(BostonData data, RunSettings settings, FitOptions options, int? only, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        int foldSize = KFold.FoldSize(data.Train.Count, settings.Folds);
        int parallel = only is null ? Math.Min(settings.Threads, settings.Folds) : 1;
        string which = only is int f ? $"fold {f + 1} of {settings.Folds}-fold cross-validation (index {f})" : $"{settings.Folds}-fold cross-validation";
        reporter.Heading($"boston: {BostonNet.Description.Topology}, mse, {which} (folds of {foldSize}), {options.Epochs} epochs, batch {options.BatchSize}{(only is null ? $", {parallel} folds at a time" : string.Empty)}");

        // each fold's own time: from the creation of its model (when its worker starts it) to its end
        var foldStarted = new TimeSpan[settings.Folds];
        var foldProgress = new TrainingProgress?[settings.Folds];
        int foldsDone = 0, count = only is null ? settings.Folds : 1;
        double foldSeconds = 0;
        void Done(FoldResult fold)
        {
            var mae = fold.History["val_mae"];
            int best = fold.History.BestEpoch("val_mae");
            var took = clock.Elapsed - foldStarted[fold.Fold];
            Volatile.Write(ref foldSeconds, foldSeconds + took.TotalSeconds); // fold callbacks run one at a time
            Interlocked.Increment(ref foldsDone);
            reporter.Line(string.Create(CultureInfo.InvariantCulture,
                $"fold {fold.Fold + 1}/{settings.Folds}: val_mae {mae[^1]:0.000} after {mae.Count} epochs (lowest {mae[best - 1]:0.000} at epoch {best}), {ConsoleReporter.FormatDuration(took)} ({ConsoleReporter.FormatStep(took / Math.Max(1, mae.Count * StepsPerEpoch(data.Train.Count, settings.Folds, options.BatchSize)))})"));
        }

        BostonNet Create(int fold)
        {
            foldStarted[fold] = clock.Elapsed;
            return ModelFactory.Create<BostonNet>(settings, (ulong)fold);
        }

        using (reporter.Redraw(() => FoldsLine(Volatile.Read(ref foldsDone), count, parallel, clock.Elapsed, Volatile.Read(ref foldSeconds)) + RunningFolds(foldProgress)))
        {
            if (only is int fold)
            {
                var result = CrossValidation.RunFold(data.Train, settings.Folds, fold, options, settings.Seed, cancellation, Create, (i, progress) => Volatile.Write(ref foldProgress[i], progress));
                Done(result);
                return [result];
            }

            return CrossValidation.Run<BostonNet>(data.Train, settings.Folds, options, settings.Seed, settings.Threads, Done, cancellation, Create, (i, progress) => Volatile.Write(ref foldProgress[i], progress));
        }
    }

    /// <summary>
    /// What follows the folds, from their curves alone (so one run and a merge of separate folds' parts give the same
    /// bits): the mean and smoothed validation-MAE curves, the best epoch, the final model trained on all training
    /// samples for that many epochs (saved with --save-weights) and its test scores.
    /// </summary>
    public static BostonResult Finish(BostonData data, RunSettings settings, FoldCurves[] folds, double trainSeconds, long allocated, ConsoleReporter reporter, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        int epochs = settings.Epochs ?? Epochs;
        var mean = CrossValidation.MeanCurve(folds.Select(f => (IReadOnlyList<double>)f.ValMae).ToList());
        var smoothed = Smoothing.Apply(settings.Smoothing, mean, SmoothingSkip);
        int bestEpoch = BestEpoch(mean, smoothed, SmoothingSkip, epochs);
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"boston mean val_mae: lowest {mean.Min():0.000} at epoch {Array.IndexOf(mean, mean.Min()) + 1}; smoothed ({Smoothing.KindName(settings.Smoothing)}) lowest at epoch {bestEpoch}"));

        // the final model: all training samples, the best epoch count, scored on the test set
        var final = ModelFactory.Create<BostonNet>(settings, (ulong)settings.Folds);
        var finalOptions = new FitOptions
        {
            Epochs = bestEpoch,
            BatchSize = Math.Max(1, Math.Min(settings.BatchSize ?? BatchSize, data.Train.Count)),
            Shuffle = settings.Shuffle,
            Seed = Seeds.Derive(settings.Seed, Seeds.Shuffle, (ulong)settings.Folds),
        };
        using var trainer = new Trainer<BostonNet>(final, threads: 1);
        var finalHistory = trainer.Fit(data.Train, null, finalOptions, null, cancellation);
        var test = trainer.Evaluate(data.Test);
        double testSeconds = clock.Elapsed.TotalSeconds;
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"boston final model ({bestEpoch} epochs on all {data.Train.Count} samples) test: mae {test.Metric:0.000}, mse {test.Loss:0.000}"));

        if (settings.SaveWeights is { } path)
        {
            ModelFactory.Save(final, path, new Dictionary<string, string>
            {
                ["dataset"] = "boston_housing",
                ["preprocessing"] = "(x - mean) / std per feature, with the training set's mean and population std",
                ["normalization_mean"] = string.Join(",", data.Mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                ["normalization_std"] = string.Join(",", data.Std.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            });
        }

        return new BostonResult(
            folds,
            mean,
            smoothed,
            Smoothing.KindName(settings.Smoothing),
            bestEpoch,
            new Dictionary<string, double>(StringComparer.Ordinal) { ["mae"] = test.Metric, ["loss"] = test.Loss },
            new Seconds(data.LoadSeconds, trainSeconds, testSeconds, data.LoadSeconds + trainSeconds + testSeconds),
            allocated + finalHistory.AllocatedBytesAfterFirstEpoch);
    }

    /// <summary>Training steps (batches) of one fold's epoch: the other folds' samples in batches.</summary>
    private static int StepsPerEpoch(int samples, int folds, int batchSize)
    {
        int train = samples - KFold.FoldSize(samples, folds);
        return (train + batchSize - 1) / batchSize;
    }

    /// <summary>The live line while the folds train: how many are done, the time so far and, once one is done, the time left.</summary>
    /// <summary>" - fold 2: epoch 123/500, fold 3: epoch 98/500" for the folds still training (their live progress).</summary>
    internal static string RunningFolds(TrainingProgress?[] progress)
    {
        var line = new System.Text.StringBuilder();
        for (int fold = 0; fold < progress.Length; fold++)
        {
            if (Volatile.Read(ref progress[fold]) is { } p && p.Epochs > 0 && !(p.Epoch == p.Epochs && p.Batch == p.Batches))
            {
                line.Append(CultureInfo.InvariantCulture, $" - fold {fold + 1}: epoch {p.Epoch}/{p.Epochs}");
            }
        }

        return line.ToString();
    }

    internal static string FoldsLine(int done, int folds, int parallel, TimeSpan elapsed, double finishedFoldSeconds)
    {
        string eta = string.Empty;
        if (done > 0 && done < folds)
        {
            // the folds left, `parallel` at a time, at the mean time of those done
            double left = (folds - done) * (finishedFoldSeconds / done) / parallel;
            eta = " - ETA " + ConsoleReporter.FormatDuration(TimeSpan.FromSeconds(left));
        }

        return string.Create(CultureInfo.InvariantCulture, $"k-fold: {done}/{folds} folds done, {parallel} at a time - {ConsoleReporter.FormatDuration(elapsed)}{eta}");
    }

    /// <summary>
    /// The epoch (1-based) where the smoothed mean validation MAE is lowest — the curve the seed reads the best epoch
    /// from; with fewer epochs than the smoothing skips, the raw mean curve's minimum.
    /// </summary>
    public static int BestEpoch(double[] mean, double[] smoothed, int skip, int epochs)
    {
        if (smoothed.Length == 0)
        {
            return Array.IndexOf(mean, mean.Min()) + 1;
        }

        int best = Array.IndexOf(smoothed, smoothed.Min());
        return Math.Min(epochs, best + skip + 1);
    }
}
