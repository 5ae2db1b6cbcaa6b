using AotNet.Data;

namespace AotNet.Training;

/// <summary>One fold of a k-fold run: its validation curves and final validation scores.</summary>
public sealed record FoldResult(int Fold, History History, Evaluation Validation);

/// <summary>
/// The seed's k-fold cross-validation: for each fold a fresh model (own seed), trained on the other folds with the
/// fold as validation data. Folds are independent, so they run in parallel, one thread each; every fold's result
/// depends only on its index and the seed, never on the thread count. <c>createModel(fold)</c>, when given, makes each
/// fold's starting model (e.g. from saved weights); by default it is <c>TModel.Create</c> with a seed derived from the fold.
/// <c>onFoldStart(fold, progress)</c>, when given, receives each fold's live <see cref="TrainingProgress"/> as it starts.
/// </summary>
public static class CrossValidation
{
    public static FoldResult[] Run<TModel>(
        LabeledData data,
        int folds,
        FitOptions options,
        ulong seed,
        int threads = 1,
        Action<FoldResult>? onFoldDone = null,
        CancellationToken cancellation = default,
        Func<int, TModel>? createModel = null,
        Action<int, TrainingProgress>? onFoldStart = null)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        KFold.FoldSize(data.Count, folds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var results = new FoldResult[folds];
        int next = -1;
        Exception? failure = null;
        var gate = new object();

        void Worker()
        {
            int fold;
            while ((fold = Interlocked.Increment(ref next)) < folds && Volatile.Read(ref failure) is null)
            {
                try
                {
                    var (train, validation) = KFold.Split(data, folds, fold);
                    var model = createModel?.Invoke(fold) ?? TModel.Create(Seeds.Derive(seed, Seeds.Weights, (ulong)fold));
                    using var trainer = new Trainer<TModel>(model, threads: 1);
                    onFoldStart?.Invoke(fold, trainer.Progress); // live progress of the fold's epochs (read from another thread)
                    var history = trainer.Fit(train, validation, options with { Seed = Seeds.Derive(seed, Seeds.Shuffle, (ulong)fold) }, null, cancellation);
                    results[fold] = new FoldResult(fold, history, trainer.Evaluate(validation));
                    if (onFoldDone is not null)
                    {
                        lock (gate)
                        {
                            onFoldDone(results[fold]);
                        }
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            }
        }

        var workers = new Thread[Math.Min(threads, folds) - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(Worker) { IsBackground = true, Name = $"aotnet-fold-{i + 1}" };
            workers[i].Start();
        }

        Worker();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return results;
    }

    /// <summary>Per-epoch mean over folds of history key <paramref name="key"/> (e.g. "val_mae").</summary>
    public static double[] MeanCurve(IReadOnlyList<FoldResult> folds, string key)
    {
        ArgumentNullException.ThrowIfNull(folds);
        int epochs = folds.Min(f => f.History[key].Count);
        var mean = new double[epochs];
        foreach (var fold in folds)
        {
            var values = fold.History[key];
            for (int e = 0; e < epochs; e++)
            {
                mean[e] += values[e];
            }
        }

        for (int e = 0; e < epochs; e++)
        {
            mean[e] /= folds.Count;
        }

        return mean;
    }
}
