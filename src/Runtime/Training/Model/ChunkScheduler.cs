using System.Numerics.Tensors;
using AotNet.Data;

namespace AotNet.Training;

/// <summary>
/// A generated model's training buffers for one <see cref="TrainingContext"/> (allocated on the first batch) and the jobs
/// its workers run: a batch's chunks over the workers a round at a time (their gradients added in chunk order), or one
/// chunk split into tiles over the workers layer by layer (or, for a model with batch statistics, the whole batch on one
/// workspace), then the optimizer step over parameter ranges (a multi-hot
/// first kernel row-wise). Every path follows the summation contract of <see cref="TrainingContext"/>: the same floats for
/// any thread count. Nothing is allocated per batch once the buffers exist.
/// </summary>
/// <typeparam name="TPasses">The model's passes: a struct, so this code is specialised per model.</typeparam>
public sealed class ChunkScheduler<TPasses> : IParallelJob
    where TPasses : struct, IChunkPasses
{
    /// <summary>A one-chunk batch is split into tiles over the workers when rows × parameters reaches this (smaller ones run on one thread).</summary>
    public const long TileThreshold = 1L << 23;

    private const int ChunkJobs = 0, ReduceJobs = 1, StepJobs = 2, FirstKernelJobs = 3, ForwardJobs = 4, BackwardJobs = 5, WholeBatchJobs = 6;
    private TPasses _passes; // not readonly: no defensive copies around its calls
    private readonly float[]?[] _chunkGradients;
    private readonly BatchStats[] _stats;
    private FirstKernelGradient? _firstKernel;
    private CsrMatrix? _reserved;
    private int _phase, _layer, _round, _chunks, _from, _to, _jobs, _reduceFrom, _reduceTo;
    private bool _rowWise;
    private float _scale;
    private bool _inputBlocks; // every worker's dense input block allocated (a worker first used in a later epoch must not allocate then)

    public ChunkScheduler(TPasses passes, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _passes = passes;
        Context = context;
        Workspaces = new Workspace[context.Threads];
        for (int i = 0; i < Workspaces.Length; i++)
        {
            Workspaces[i] = passes.CreateWorkspace(TrainingContext.ChunkRows);
        }

        _chunkGradients = new float[]?[context.Threads];
        _stats = new BatchStats[context.Threads];
    }

    public TrainingContext Context { get; }

    /// <summary>One workspace per worker.</summary>
    public Workspace[] Workspaces { get; }

    /// <summary>Adds the workers' counters (AUC's buckets) to the context's (the trainer's epoch counts) and clears them.</summary>
    public void MoveCounters()
    {
        long[] total = Context.Counters(_passes.CounterCount);
        foreach (var workspace in Workspaces)
        {
            workspace.MoveCounters(total);
        }
    }

    /// <summary>Forward and backward over the context's batch, then the optimizer step with scale 1 / rows: the loss and metric sums.</summary>
    public BatchStats Train()
    {
        var context = Context;
        ChunkPasses.CheckInputs<TPasses>(context.Inputs);
        int count = context.Count, threads = context.Threads;
        int parameters = _passes.ParameterCount;
        _chunks = TrainingContext.ChunksFor(count);
        if (!_inputBlocks && context.Inputs.Dense is not null)
        {
            foreach (var workspace in Workspaces)
            {
                workspace.InputBlock(_passes.InputCount);
            }

            _inputBlocks = true;
        }

        _rowWise = _passes.FirstKernelRowWise && context.Inputs.Sparse is not null;
        if (_rowWise)
        {
            PrepareFirstKernel(context.Inputs.Sparse!);
        }

        int firstKernelLength = _rowWise ? _passes.LayerInputs(0) * _passes.LayerUnits(0) : 0;
        var sums = default(BatchStats);
        if (TPasses.WholeBatch)
        {
            sums = TrainWholeBatch(count);
        }
        else if (_passes.TilesSupported && !_rowWise && _chunks == 1 && threads > 1 && context.Inputs.Dense is not null && (long)count * parameters >= TileThreshold)
        {
            sums = TrainTiles(count, threads);
        }
        else
        {
            for (_round = 0; _round * threads < _chunks; _round++)
            {
                int jobs = Math.Min(threads, _chunks - (_round * threads));
                _phase = ChunkJobs;
                context.Pool.Run(this, jobs);
                for (int j = 0; j < jobs; j++)
                {
                    sums += _stats[j];
                }

                // the chunk sums added to the gradient block in chunk order (chunk 0 is in it already)
                _reduceFrom = _round == 0 ? 1 : 0;
                _reduceTo = jobs;
                if (_reduceTo > _reduceFrom)
                {
                    RunRanges(ReduceJobs, firstKernelLength, parameters);
                }
            }
        }

        _scale = 1f / count;
        _passes.BeginStep();
        if (_rowWise)
        {
            _phase = FirstKernelJobs;
            context.Pool.Run(this, FirstKernelGradient.RowJobs);
        }

        RunRanges(StepJobs, firstKernelLength, parameters);
        return sums;
    }

    public void Execute(int job, int worker)
    {
        var context = Context;
        switch (_phase)
        {
            case ChunkJobs:
            {
                int chunk = (_round * context.Threads) + job;
                int start = chunk * TrainingContext.ChunkRows;
                var rows = context.Rows.Slice(start, Math.Min(TrainingContext.ChunkRows, context.Count - start));
                float[] gradient = chunk == 0 ? _passes.Gradients : (_chunkGradients[job] ??= GC.AllocateArray<float>(_passes.ParameterCount, pinned: true));
                Span<float> deltas = _rowWise ? _firstKernel!.ChunkDeltas(chunk, rows.Length) : default;
                _stats[job] = _passes.ChunkPass(context.Inputs, context.Targets, rows, Workspaces[worker], gradient, accumulate: false, deltas, context.SampleWeights);
                if (_rowWise)
                {
                    _firstKernel!.IndexChunk(chunk, context.Inputs.Sparse!, rows);
                }

                return;
            }

            case ReduceJobs:
            {
                var (from, to) = TileSplit.Part(_to - _from, job, _jobs, 16);
                Span<float> target = new(_passes.Gradients, _from + from, to - from);
                for (int s = _reduceFrom; s < _reduceTo; s++)
                {
                    TensorPrimitives.Add(target, new ReadOnlySpan<float>(_chunkGradients[s], _from + from, to - from), target);
                }

                return;
            }

            case StepJobs:
            {
                var (from, to) = TileSplit.Part(_to - _from, job, _jobs, 16);
                _passes.StepRange(_from + from, _from + to, _scale);
                return;
            }

            case FirstKernelJobs:
                _passes.FirstKernelStep(_firstKernel!, job, _scale);
                return;
            case ForwardJobs:
            {
                bool byRows = _passes.TilesByRows(_layer);
                var (from, to) = TileSplit.Part(byRows ? context.Count : _passes.LayerUnits(_layer), job, _jobs, byRows ? 1 : 16);
                _passes.Forward(_layer, context, Workspaces[0], from, to);
                if (_layer == _passes.LayerCount - 1)
                {
                    _passes.LossRows(context.Targets, context.Rows, Workspaces[0], from, to, gradient: true, context.SampleWeights);
                }

                return;
            }

            case BackwardJobs:
            {
                var (from, to) = TileSplit.Part(_passes.LayerInputs(_layer), job, _jobs, 16);
                _passes.Backward(_layer, context, Workspaces[0], from, to, bias: job == 0);
                return;
            }

            case WholeBatchJobs:
                _passes.WholeBatchPhase(_layer, context.Inputs, context.Targets, context.Rows, Workspaces[0], _passes.Gradients, accumulate: false, context.SampleWeights, job, _jobs);
                return;
        }
    }

    private void PrepareFirstKernel(CsrMatrix sparse)
    {
        if (_firstKernel is null || _firstKernel.MaxChunks < _chunks)
        {
            _firstKernel = new FirstKernelGradient(_passes.LayerInputs(0), _passes.LayerUnits(0), TrainingContext.ChunkRows, _chunks);
            _reserved = null;
        }

        if (!ReferenceEquals(_reserved, sparse))
        {
            _firstKernel.Reserve(sparse);
            _reserved = sparse;
        }

        _firstKernel.Begin(_chunks);
    }

    /// <summary>
    /// The whole batch on worker 0's workspace (a batch statistic needs every row before the next layer; each sum over rows
    /// still runs in the contract's chunk order): its phases over all workers, a barrier between phases, when the model has
    /// phases and the batch is worth it (rows × parameters ≥ <see cref="TileThreshold"/>, as the tiles), else on one thread.
    /// The jobs of a phase compute disjoint values, each in the order of one pass: the same bits either way. The workspace
    /// grows to the batch once: a fit's first batch is its largest.
    /// </summary>
    private BatchStats TrainWholeBatch(int count)
    {
        var workspace = Workspaces[0];
        if (workspace.MaxRows < count)
        {
            workspace = Workspaces[0] = _passes.CreateWorkspace(count);
            workspace.InputBlock(_passes.InputCount);
        }

        var context = Context;
        int phases = TPasses.WholeBatchPhases;
        if (phases == 0 || context.Threads == 1 || (long)count * _passes.ParameterCount < TileThreshold)
        {
            return _passes.WholeBatchPass(context.Inputs, context.Targets, context.Rows, workspace, _passes.Gradients, accumulate: false, context.SampleWeights);
        }

        _jobs = context.Threads;
        _phase = WholeBatchJobs;
        for (_layer = 0; _layer < phases; _layer++)
        {
            context.Pool.Run(this, _jobs);
        }

        return _passes.Sums(workspace, count, default);
    }

    /// <summary>One chunk on all workers: each layer's outputs split into tiles, a barrier between layers.</summary>
    private BatchStats TrainTiles(int count, int threads)
    {
        var workspace = Workspaces[0];
        _passes.LoadInputs(Context.Inputs, Context.Rows, workspace);
        _jobs = threads;
        _phase = ForwardJobs;
        for (_layer = 0; _layer < _passes.LayerCount; _layer++)
        {
            Context.Pool.Run(this, threads);
        }

        var sums = _passes.Sums(workspace, count, default);
        _phase = BackwardJobs;
        for (_layer = _passes.LayerCount - 1; _layer >= 0; _layer--)
        {
            Context.Pool.Run(this, threads);
        }

        return sums;
    }

    private void RunRanges(int phase, int start, int end)
    {
        _phase = phase;
        _from = start;
        _to = end;
        _jobs = Context.Threads > 1 && end - start >= 1 << 18 ? Context.Threads : 1; // a smaller step is faster on one thread than the wake-up of another
        Context.Pool.Run(this, _jobs);
    }
}

/// <summary>How a range of work (rows, units, inputs, parameters) is cut among the jobs of a parallel run.</summary>
internal static class TileSplit
{
    /// <summary>Part <paramref name="job"/> of <paramref name="jobs"/> of [0, total), inner bounds rounded down to <paramref name="align"/>.</summary>
    public static (int From, int To) Part(int total, int job, int jobs, int align)
    {
        int from = job == 0 ? 0 : (int)((long)total * job / jobs / align * align);
        int to = job == jobs - 1 ? total : (int)((long)total * (job + 1) / jobs / align * align);
        return (from, to);
    }
}
