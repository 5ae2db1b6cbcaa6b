using System.Diagnostics;
using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Data;
using AotNet.Reporting;
using AotNet.Training;

namespace AotNet.App.Experiments;

/// <summary>Boston housing, normalised with the training mean and std, plus what the normaliser was.</summary>
public sealed record BostonData(LabeledData Train, LabeledData Test, float[] Mean, float[] Std, double LoadSeconds);

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
        int foldSize = KFold.FoldSize(data.Train.Count, settings.Folds);
        int requestedBatch = settings.BatchSize ?? BatchSize;

        // a batch larger than the training set is one batch per epoch, as in Keras: the same as a batch of the whole set
        var options = new FitOptions
        {
            Epochs = settings.Epochs ?? Epochs,
            BatchSize = Math.Max(1, Math.Min(requestedBatch, data.Train.Count - foldSize)),
            Shuffle = settings.Shuffle,
        };
        reporter.Heading($"boston: {BostonNet.Description.Topology}, mse, {settings.Folds}-fold cross-validation (folds of {foldSize}), {options.Epochs} epochs, batch {options.BatchSize}, {Math.Min(settings.Threads, settings.Folds)} folds at a time");

        // each fold's own time: from the creation of its model (when its worker starts it) to its end
        var foldStarted = new TimeSpan[settings.Folds];
        var foldProgress = new TrainingProgress?[settings.Folds];
        int foldsDone = 0;
        double foldSeconds = 0;
        FoldResult[] folds;
        using (reporter.Redraw(() => FoldsLine(Volatile.Read(ref foldsDone), settings.Folds, Math.Min(settings.Threads, settings.Folds), clock.Elapsed, Volatile.Read(ref foldSeconds)) + RunningFolds(foldProgress)))
        {
            folds = CrossValidation.Run<BostonNet>(
                data.Train,
                settings.Folds,
                options,
                settings.Seed,
                settings.Threads,
                fold =>
                {
                    var mae = fold.History["val_mae"];
                    int best = fold.History.BestEpoch("val_mae");
                    var took = clock.Elapsed - foldStarted[fold.Fold];
                    Volatile.Write(ref foldSeconds, foldSeconds + took.TotalSeconds); // fold callbacks run one at a time
                    Interlocked.Increment(ref foldsDone);
                    reporter.Line(string.Create(CultureInfo.InvariantCulture,
                        $"fold {fold.Fold + 1}/{settings.Folds}: val_mae {mae[^1]:0.000} after {mae.Count} epochs (lowest {mae[best - 1]:0.000} at epoch {best}), {ConsoleReporter.FormatDuration(took)} ({ConsoleReporter.FormatStep(took / Math.Max(1, mae.Count * StepsPerEpoch(data.Train.Count, settings.Folds, options.BatchSize)))})"));
                },
                cancellation,
                fold =>
                {
                    foldStarted[fold] = clock.Elapsed;
                    return ModelFactory.Create<BostonNet>(settings, (ulong)fold);
                },
                (fold, progress) => Volatile.Write(ref foldProgress[fold], progress));
        }

        double trainSeconds = clock.Elapsed.TotalSeconds;

        var mean = CrossValidation.MeanCurve(folds, "val_mae");
        var smoothed = Smoothing.Apply(settings.Smoothing, mean, SmoothingSkip);
        int bestEpoch = BestEpoch(mean, smoothed, SmoothingSkip, options.Epochs);
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"boston mean val_mae: lowest {mean.Min():0.000} at epoch {Array.IndexOf(mean, mean.Min()) + 1}; smoothed ({Smoothing.KindName(settings.Smoothing)}) lowest at epoch {bestEpoch}"));

        // the final model: all training samples, the best epoch count, scored on the test set
        var final = ModelFactory.Create<BostonNet>(settings, (ulong)settings.Folds);
        var finalOptions = options with { BatchSize = Math.Max(1, Math.Min(requestedBatch, data.Train.Count)) };
        using var trainer = new Trainer<BostonNet>(final, threads: 1);
        var finalHistory = trainer.Fit(data.Train, null, finalOptions with { Epochs = bestEpoch, Seed = Seeds.Derive(settings.Seed, Seeds.Shuffle, (ulong)settings.Folds) }, null, cancellation);
        var test = trainer.Evaluate(data.Test);
        double testSeconds = clock.Elapsed.TotalSeconds - trainSeconds;
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

        long allocated = folds.Sum(f => f.History.AllocatedBytesAfterFirstEpoch) + finalHistory.AllocatedBytesAfterFirstEpoch;
        return new BostonResult(
            folds.Select(f => new FoldCurves(f.History["val_mae"].ToArray(), f.History["val_loss"].ToArray())).ToArray(),
            mean,
            smoothed,
            Smoothing.KindName(settings.Smoothing),
            bestEpoch,
            new Dictionary<string, double>(StringComparer.Ordinal) { ["mae"] = test.Metric, ["loss"] = test.Loss },
            new Seconds(data.LoadSeconds, trainSeconds, testSeconds, data.LoadSeconds + clock.Elapsed.TotalSeconds),
            allocated);
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
