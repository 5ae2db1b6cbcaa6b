namespace AotNet.Generator
{
    /// <summary>TrainBatch and the training state: chunks over the workers, tiles of one chunk, the step over parameter ranges.</summary>
    internal static partial class Emitter
    {
        /// <summary>
        /// TrainBatch and its strategies: the fused one-row step, chunks over the workers (a multi-hot first layer kept
        /// row-wise), or one chunk split into tiles over the workers; then the optimizer step over parameter ranges.
        /// </summary>
        private static void EmitTrainBatch(CodeWriter w, Layout m)
        {
            bool rowWise = m.FirstKernelRowWise, fusedRow = m.RowFusable; // every optimizer has both fast paths (the kernels are generic over the update) unless a feature rules them out
            string name = m.Model.ClassName;
            w.Line("/// <summary>");
            w.Line("/// One training step on the context's batch. Chosen from the shapes: " + (fusedRow ? "a one-row batch of dense inputs takes the fused step; " : string.Empty));
            w.Line("/// " + (rowWise ? "multi-hot inputs keep the first kernel's gradient row-wise (FirstKernelGradient); " : string.Empty) + "a batch of one chunk large enough is split into");
            w.Line("/// tiles over the workers, larger batches run their chunks on the workers, a round at a time; the step runs over parameter ranges.");
            w.Line("/// Every path follows the summation contract of TrainingContext: the same floats for any thread count.");
            w.Line("/// </summary>");
            w.Open("public " + Training + "BatchStats TrainBatch(" + Training + "TrainingContext context)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
            w.Line("CheckData(context.Inputs, context.Targets, needsTargets: true, null); // the weights' length: checked by context.SetBatch, once per batch");
            if (m.HasDropout)
            {
                w.Line("SetDropoutKey(context.Seed, context.Epoch, context.Step);");
            }

            w.Line("_schedule = context.LearningRateSchedule;");
            w.Line("_learningRate = context.LearningRate ?? LearningRate;");
            w.Line("var state = _training is { } existing && global::System.Object.ReferenceEquals(existing.Context, context) ? existing : (_training = new TrainingState(this, context));");
            if (fusedRow)
            {
                w.Open("if (context.Count == 1 && context.Inputs.Dense is { } dense)");
                w.Line("var rowStats = TrainRow(dense, context.Targets, context.RowIndex[context.Start], state.Workspaces[0], context.SampleWeights);");
                EmitMoveCounters(w, m);
                w.Line("return rowStats;");
                w.Close();
                w.Line();
            }

            if (m.HasClipping)
            {
                w.Line("_clipScale = 1f / context.Count; // the scale of this step's update, for the clipping norms in BeginStep");
            }

            if (m.HasRegularizer)
            {
                w.Line("double penalty = RegularizationLoss(); // of the weights the batch sees, before the step (as Keras's loss)");
            }

            w.Line("var stats = state.Train();");
            EmitMoveCounters(w, m);
            w.Line(m.HasRegularizer ? "return stats.WithLoss(stats.LossSum + (penalty * context.Count));" : "return stats;");
            w.Close();
            w.Line();

            // the state: per-worker workspaces, per-slot chunk gradients, the job dispatch
            w.Line("/// <summary>The training buffers for one context (allocated on the first batch) and the jobs the workers run.</summary>");
            w.Open("private sealed class TrainingState : " + Training + "IParallelJob");
            w.Line("private const int ChunkJobs = 0, ReduceJobs = 1, StepJobs = 2, FirstKernelJobs = 3, ForwardJobs = 10, BackwardJobs = 100;");
            w.Line("private readonly " + name + " _model;");
            w.Line("private readonly float[]?[] _chunkGradients;");
            w.Line("private readonly " + Training + "BatchStats[] _stats;");
            if (rowWise)
            {
                w.Line("private " + Training + "FirstKernelGradient? _firstKernel;");
                w.Line("private global::AotNet.Data.CsrMatrix? _reserved;");
            }

            w.Line("private int _phase, _round, _chunks, _from, _to, _jobs, _reduceFrom, _reduceTo;");
            w.Line(rowWise ? "private bool _rowWise;" : "private bool _rowWise => false; // no multi-hot row-wise step for this optimizer");
            w.Line("private float _scale;");
            w.Line("private bool _inputBlocks; // every worker's dense input block allocated (a worker first used in a later epoch must not allocate then)");
            w.Line();
            w.Open("public TrainingState(" + name + " model, " + Training + "TrainingContext context)");
            w.Line("_model = model;");
            w.Line("Context = context;");
            w.Line("Workspaces = new " + Training + "Workspace[context.Threads];");
            w.Open("for (int i = 0; i < Workspaces.Length; i++)");
            w.Line("Workspaces[i] = model.CreateWorkspace(" + Training + "TrainingContext.ChunkRows);");
            w.Close();
            w.Line();
            w.Line("_chunkGradients = new float[]?[context.Threads];");
            w.Line("_stats = new " + Training + "BatchStats[context.Threads];");
            w.Close();
            w.Line();
            w.Line("public " + Training + "TrainingContext Context { get; }");
            w.Line();
            if (m.HasAuc)
            {
                w.Line("/// <summary>Adds the workers' AUC bucket counts to the context's (the trainer's epoch counts) and clears them.</summary>");
                w.Open("public void MoveCounters()");
                w.Line("long[] total = Context.Counters(" + Training + "MetricValues.AucCounterCount);");
                w.Open("foreach (var workspace in Workspaces)");
                w.Line("workspace.MoveCounters(total);");
                w.Close();
                w.Close();
                w.Line();
            }

            w.Line("/// <summary>One workspace per worker.</summary>");
            w.Line("public " + Training + "Workspace[] Workspaces { get; }");
            w.Line();

            w.Open("public " + Training + "BatchStats Train()");
            w.Line("var context = Context;");
            w.Line("int count = context.Count, threads = context.Threads;");
            w.Line("_chunks = " + Training + "TrainingContext.ChunksFor(count);");
            w.Open("if (!_inputBlocks && context.Inputs.Dense is not null)");
            w.Open("foreach (var workspace in Workspaces)");
            w.Line("workspace.InputBlock(InputCount);");
            w.Close();
            w.Line();
            w.Line("_inputBlocks = true;");
            w.Close();
            w.Line();
            if (rowWise)
            {
                w.Line("_rowWise = context.Inputs.Sparse is not null;");
                w.Open("if (_rowWise)");
                w.Line("PrepareFirstKernel(context.Inputs.Sparse!);");
                w.Close();
                w.Line();
            }

            w.Line("var sums = default(" + Training + "BatchStats);");
            string tiles = "!_rowWise && _chunks == 1 && threads > 1 && context.Inputs.Dense is not null && (long)count * ParameterCount >= TileThreshold";
            if (!m.TilesSupported)
            {
                tiles = "false";
            }

            w.Open("if (" + tiles + ")");
            w.Line("sums = TrainTiles(count, threads);");
            w.Close();
            w.Open("else");
            w.Open("for (_round = 0; _round * threads < _chunks; _round++)");
            w.Line("int jobs = global::System.Math.Min(threads, _chunks - (_round * threads));");
            w.Line("_phase = ChunkJobs;");
            w.Line("context.Pool.Run(this, jobs);");
            w.Open("for (int j = 0; j < jobs; j++)");
            w.Line("sums += _stats[j];");
            w.Close();
            w.Line();
            w.Line("// the chunk sums added to the gradient block in chunk order (chunk 0 is in it already)");
            w.Line("_reduceFrom = _round == 0 ? 1 : 0;");
            w.Line("_reduceTo = jobs;");
            w.Open("if (_reduceTo > _reduceFrom)");
            w.Line("RunRanges(ReduceJobs, _rowWise ? Dense0KernelLength : 0, ParameterCount);");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
            w.Line("_scale = 1f / count;");
            w.Line("_model.BeginStep();");
            if (rowWise)
            {
                w.Open("if (_rowWise)");
                w.Line("_phase = FirstKernelJobs;");
                w.Line("context.Pool.Run(this, " + Training + "FirstKernelGradient.RowJobs);");
                w.Line("RunRanges(StepJobs, Dense0KernelLength, ParameterCount);");
                w.Close();
                w.Open("else");
                w.Line("RunRanges(StepJobs, 0, ParameterCount);");
                w.Close();
            }
            else
            {
                w.Line("RunRanges(StepJobs, 0, ParameterCount);");
            }

            w.Line();
            w.Line("return sums;");
            w.Close();
            w.Line();

            if (rowWise)
            {
                w.Open("private void PrepareFirstKernel(global::AotNet.Data.CsrMatrix sparse)");
                w.Open("if (_firstKernel is null || _firstKernel.MaxChunks < _chunks)");
                w.Line("_firstKernel = new " + Training + "FirstKernelGradient(Dense0Inputs, Dense0Units, " + Training + "TrainingContext.ChunkRows, _chunks);");
                w.Line("_reserved = null;");
                w.Close();
                w.Line();
                w.Open("if (!global::System.Object.ReferenceEquals(_reserved, sparse))");
                w.Line("_firstKernel.Reserve(sparse);");
                w.Line("_reserved = sparse;");
                w.Close();
                w.Line();
                w.Line("_firstKernel.Begin(_chunks);");
                w.Close();
                w.Line();
            }

            // tiles
            w.Line("/// <summary>One chunk on all workers: each layer's outputs split into tiles, a barrier between layers.</summary>");
            w.Open("private " + Training + "BatchStats TrainTiles(int count, int threads)");
            w.Line("var workspace = Workspaces[0];");
            w.Line("LoadInputs(Context.Inputs, Context.Rows, workspace);");
            w.Line("_jobs = threads;");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                w.Line("_phase = ForwardJobs + " + I(i) + ";");
                w.Line("Context.Pool.Run(this, threads);");
            }

            w.Line("var sums = Sums(workspace, count, default);");
            for (int i = m.Last; i >= 0; i--)
            {
                w.Line("_phase = BackwardJobs + " + I(i) + ";");
                w.Line("Context.Pool.Run(this, threads);");
            }

            w.Line("return sums;");
            w.Close();
            w.Line();

            w.Open("private void RunRanges(int phase, int start, int end)");
            w.Line("_phase = phase;");
            w.Line("_from = start;");
            w.Line("_to = end;");
            w.Line("_jobs = Context.Threads > 1 && end - start >= 1 << 18 ? Context.Threads : 1; // a smaller step is faster on one thread than the wake-up of another");
            w.Line("Context.Pool.Run(this, _jobs);");
            w.Close();
            w.Line();
            w.Line("/// <summary>Part <paramref name=\"job\"/> of <paramref name=\"jobs\"/> of [0, total), inner bounds rounded down to <paramref name=\"align\"/>.</summary>");
            w.Open("private static (int From, int To) Split(int total, int job, int jobs, int align)");
            w.Line("int from = job == 0 ? 0 : (int)((long)total * job / jobs / align * align);");
            w.Line("int to = job == jobs - 1 ? total : (int)((long)total * (job + 1) / jobs / align * align);");
            w.Line("return (from, to);");
            w.Close();
            w.Line();

            // dispatch
            w.Open("public void Execute(int job, int worker)");
            w.Line("var context = Context;");
            w.Line("var model = _model;");
            w.Open("switch (_phase)");
            w.Line("case ChunkJobs:");
            w.Open();
            w.Line("int chunk = (_round * context.Threads) + job;");
            w.Line("int start = chunk * " + Training + "TrainingContext.ChunkRows;");
            w.Line("var rows = context.Rows.Slice(start, global::System.Math.Min(" + Training + "TrainingContext.ChunkRows, context.Count - start));");
            w.Line("float[] gradient = chunk == 0 ? model._gradients : (_chunkGradients[job] ??= global::System.GC.AllocateArray<float>(ParameterCount, pinned: true));");
            if (rowWise)
            {
                w.Line(Span + " deltas = _rowWise ? _firstKernel!.ChunkDeltas(chunk, rows.Length) : default;");
                w.Line("_stats[job] = model.ChunkPass(context.Inputs, context.Targets, rows, Workspaces[worker], gradient, accumulate: false, deltas, context.SampleWeights);");
                w.Open("if (_rowWise)");
                w.Line("_firstKernel!.IndexChunk(chunk, context.Inputs.Sparse!, rows);");
                w.Close();
            }
            else
            {
                w.Line("_stats[job] = model.ChunkPass(context.Inputs, context.Targets, rows, Workspaces[worker], gradient, accumulate: false, default, context.SampleWeights);");
            }

            w.Line("return;");
            w.Close();
            w.Line("case ReduceJobs:");
            w.Open();
            w.Line("var (from, to) = Split(_to - _from, job, _jobs, 16);");
            w.Line(Span + " target = new(model._gradients, _from + from, to - from);");
            w.Open("for (int s = _reduceFrom; s < _reduceTo; s++)");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Add(target, new " + ReadOnlySpan + "(_chunkGradients[s], _from + from, to - from), target);");
            w.Close();
            w.Line();
            w.Line("return;");
            w.Close();
            w.Line("case StepJobs:");
            w.Open();
            w.Line("var (from, to) = Split(_to - _from, job, _jobs, 16);");
            w.Line("model.StepRange(_from + from, _from + to, _scale);");
            w.Line("return;");
            w.Close();
            if (rowWise)
            {
                w.Line("case FirstKernelJobs:");
                w.Line("    _firstKernel!.Step(job, model._update, model.Dense0Kernel, " + StateSpans(m.Model, "Dense0KernelOffset", "Dense0KernelLength").Replace("_velocity", "model._velocity").Replace("_momentum", "model._momentum") + ", _scale);");
                w.Line("    return;");
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                string total = m.SplitRows[i] ? "context.Count" : "Dense" + I(i) + "Units";
                w.Line("case ForwardJobs + " + I(i) + ":");
                w.Open();
                w.Line("var (from, to) = Split(" + total + ", job, _jobs, " + (m.SplitRows[i] ? "1" : "16") + ");");
                w.Line("model.Forward" + I(i) + "(context.Inputs, context.Rows, Workspaces[0], context.Count, from, to);");
                if (i == m.Last)
                {
                    w.Line("LossRows(context.Targets, context.Rows, Workspaces[0], from, to, gradient: true, context.SampleWeights);");
                }

                w.Line("return;");
                w.Close();
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                w.Line("case BackwardJobs + " + I(i) + ":");
                w.Open();
                w.Line("var (from, to) = Split(Dense" + I(i) + "Inputs, job, _jobs, 16);");
                w.Line("model.Backward" + I(i) + "(context.Inputs, context.Rows, Workspaces[0], context.Count, model._gradients, accumulate: false, from, to, bias: job == 0" + (i == 0 ? ", default" : string.Empty) + ");");
                w.Line("return;");
                w.Close();
            }

            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>TrainBatch, after the step: the workers' AUC bucket counts go to the context (models with AUC only).</summary>
        private static void EmitMoveCounters(CodeWriter w, Layout m)
        {
            if (m.HasAuc)
            {
                w.Line("state.MoveCounters();");
            }
        }
    }
}
