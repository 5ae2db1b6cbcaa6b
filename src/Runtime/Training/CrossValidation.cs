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
                    results[fold] = RunFold(data, folds, fold, options, seed, cancellation, createModel, onFoldStart);
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

    /// <summary>
    /// One fold of <see cref="Run"/>, alone: the same model, seeds and training as that fold gets there, so the folds
    /// of a k-fold run can be trained by separate processes or machines (e.g. the jobs of an indexed array) and give
    /// the same bits.
    /// </summary>
    public static FoldResult RunFold<TModel>(
        LabeledData data,
        int folds,
        int fold,
        FitOptions options,
        ulong seed,
        CancellationToken cancellation = default,
        Func<int, TModel>? createModel = null,
        Action<int, TrainingProgress>? onFoldStart = null)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(fold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fold, folds);
        var (train, validation) = KFold.Split(data, folds, fold);
        var model = createModel?.Invoke(fold) ?? TModel.Create(Seeds.Derive(seed, Seeds.Weights, (ulong)fold));
        using var trainer = new Trainer<TModel>(model, threads: 1);
        onFoldStart?.Invoke(fold, trainer.Progress); // live progress of the fold's epochs (read from another thread)
        var history = trainer.Fit(train, validation, options with { Seed = Seeds.Derive(seed, Seeds.Shuffle, (ulong)fold) }, null, cancellation);
        return new FoldResult(fold, history, trainer.Evaluate(validation));
    }

    /// <summary>Per-epoch mean over folds of history key <paramref name="key"/> (e.g. "val_mae").</summary>
    public static double[] MeanCurve(IReadOnlyList<FoldResult> folds, string key)
    {
        ArgumentNullException.ThrowIfNull(folds);
        return MeanCurve(folds.Select(f => f.History[key]).ToList());
    }

    /// <summary>
    /// Per-epoch mean of the folds' curves, in fold order (the same sums, so the same bits, whether the curves come
    /// from one run or from the parts of separate ones); as long as the shortest curve.
    /// </summary>
    public static double[] MeanCurve(IReadOnlyList<IReadOnlyList<double>> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        int epochs = curves.Min(c => c.Count);
        var mean = new double[epochs];
        foreach (var values in curves)
        {
            for (int e = 0; e < epochs; e++)
            {
                mean[e] += values[e];
            }
        }

        for (int e = 0; e < epochs; e++)
        {
            mean[e] /= curves.Count;
        }

        return mean;
    }
}
