namespace AotNet.Training;

/// <summary>One epoch of <see cref="Fit"/>: shuffle, the batches in order, the epoch's means, the validation pass.</summary>
public sealed partial class Trainer<TModel>
{
    /// <summary>Trains one epoch and adds its loss, metrics and validation values to <paramref name="history"/>.</summary>
    private void RunEpoch(FitRun run, int epoch, History history, CancellationToken cancellation)
    {
        var description = TModel.Description;
        var options = run.Options;
        var train = run.Train;
        int[] rows = run.Rows;
        long[] trainCounters = run.TrainCounters;
        int n = train.Count;
        int batchSize = run.BatchSize;
        int batches = (n + batchSize - 1) / batchSize;
        var firstMetric = description.Metrics & (Metric)(-(int)description.Metrics); // the lowest flag: the first in MetricNames' order
        _context.Epoch = epoch;
        if (options.Shuffle)
        {
            run.Shuffler.Shuffle<int>(rows);
        }

        Array.Clear(trainCounters);
        var sums = default(BatchStats);
        for (int b = 0; b < batches; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            int start = b * batchSize;
            int count = Math.Min(batchSize, n - start);
            _context.SetBatch(train, rows, start, count);
            sums += Model.TrainBatch(_context);
            int seen = start + count;
            Progress.Update(epoch, options.Epochs, b + 1, batches, sums.LossSum / seen, MetricValues.Value(firstMetric, sums, seen, trainCounters));
        }

        double loss = sums.LossSum / n;
        MetricValues.Compute(description.Metrics, sums, n, trainCounters.AsSpan(0, description.MetricCounterCount), run.EpochMetrics);
        if (options.TerminateOnNaN && !double.IsFinite(loss))
        {
            throw new TrainingDivergedException($"epoch {epoch}: the training loss is {loss}; training stopped (lower the learning rate or check the data for extreme values)");
        }

        double valLoss = run.Validation is null ? double.NaN : EvaluateRows(run.Validation, run.ValidationRows!, run.ValidationMetrics);
        history.Add(loss, run.EpochMetrics, valLoss, run.ValidationMetrics);
    }
}
