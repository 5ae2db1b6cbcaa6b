using AotNet.Data;

namespace AotNet.Training;

/// <summary>The evaluation pass: chunks of <see cref="ChunkRows"/> rows run on the pool, their sums added in chunk order.</summary>
public sealed partial class Trainer<TModel>
{
    // the evaluation pass being run by the pool
    private LabeledData? _jobData;
    private int[]? _jobRows;
    private int _jobStart, _jobCount;

    void IParallelJob.Execute(int jobIndex, int workerIndex)
    {
        int start = _jobStart + (jobIndex * ChunkRows);
        int count = Math.Min(ChunkRows, _jobStart + _jobCount - start);
        var data = _jobData!;
        _chunkStats[jobIndex] = Model.Evaluate(new Batch(data.Inputs, data.Targets, _jobRows.AsSpan(start, count), data.SampleWeights), _workspaces[workerIndex]);
    }

    /// <summary>The mean loss over <paramref name="rows"/>; the metrics' values go to <paramref name="metricValues"/>.</summary>
    private double EvaluateRows(LabeledData data, int[] rows, Span<double> metricValues)
    {
        int chunks = RunChunks(data, rows, 0, rows.Length);
        var sums = default(BatchStats);
        for (int c = 0; c < chunks; c++)
        {
            sums += _chunkStats[c];
        }

        // the AUC buckets the chunks counted in the workers' workspaces (integer sums: any order)
        Array.Clear(_evaluationCounters);
        foreach (var workspace in _workspaces)
        {
            workspace.MoveCounters(_evaluationCounters);
        }

        if (rows.Length == 0)
        {
            metricValues.Fill(double.NaN);
            return double.NaN;
        }

        MetricValues.Compute(TModel.Description.Metrics, sums, rows.Length, _evaluationCounters, metricValues);
        return sums.LossSum / rows.Length;
    }

    private int RunChunks(LabeledData data, int[] rows, int start, int count)
    {
        _jobData = data;
        _jobRows = rows;
        _jobStart = start;
        _jobCount = count;
        int chunks = ChunksFor(count);
        _pool.Run(this, chunks);
        _jobData = null;
        _jobRows = null;
        return chunks;
    }

    private static int ChunksFor(int rows) => TrainingContext.ChunksFor(rows);

    private void EnsureStatsCapacity(int rows)
    {
        if (_chunkStats.Length < ChunksFor(rows))
        {
            _chunkStats = new BatchStats[ChunksFor(rows)];
        }
    }
}
