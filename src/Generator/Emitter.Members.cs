namespace AotNet.Generator
{
    /// <summary>The members every model has: fields, Description, accessors, Create, workspaces and the argument checks.</summary>
    internal static partial class Emitter
    {
        private static void EmitFields(CodeWriter w, Layout m)
        {
            const string Allocate = " = global::System.GC.AllocateArray<float>(ParameterCount, pinned: true);";
            w.Line("private readonly float[] _parameters" + Allocate);
            w.Line("private readonly float[] _gradients" + Allocate);
            foreach (var (field, comment) in OptimizerState(m.Model))
            {
                w.Line("private readonly float[] " + field + Allocate + " // " + comment);
            }

            w.Line("private long _iterations;");
            w.Line("private " + UpdateType(m.Model) + " _update; // the current step's update (Adam: with its bias-corrected step size)");
            w.Line("private float _learningRate = LearningRate; // the rate without a schedule (TrainBatch takes it from its context: TrainingContext.LearningRate)");
            w.Line("private " + Training + "LearningRateSchedule? _schedule; // TrainingContext.LearningRateSchedule, evaluated once per step in BeginStep");

            w.Line("private " + Training + "ChunkScheduler<Passes>? _training; // the training buffers of the current context and its jobs");
            if (!m.Model.HasNorm)
            {
                w.Line("private float[]? _sparseScratch;"); // the chunk backward's multi-hot kernel gradient (models with batch statistics take dense inputs)
            }
            if (m.HasClipping)
            {
                w.Line("private float _clipScale; // the current step's gradient scale (1 / rows)");
                w.Line("private readonly float[] _clipFactors = new float[" + I(2 * m.Layers.Length) + "]; // per kernel and bias: the norm clipping factor of the current step");
            }

            if (m.HasDropout)
            {
                w.Line("private ulong _dropoutKey; // the dropout key of the current training step (DropoutKernels.Key)");
            }
            w.Line();
            w.Line("/// <summary>Topology, loss, optimizer and parameter layout.</summary>");
            w.Line("public static " + Training + "ModelDescription Description { get; } = new(");
            w.Line("    \"" + m.Model.ClassName + "\",");
            w.Line("    InputCount,");
            w.Line("    new " + Training + "LayerDescription[]");
            w.Line("    {");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                string p = "Dense" + I(i);
                w.Line("        new(" + I(i) + ", " + p + "Inputs, " + p + "Units, global::AotNet.Activation." + m.Layers[i].Activation + ", " + p + "KernelOffset, " + p + "BiasOffset)" + LayerOptions(m.Layers[i], NormOptions(m, i)) + ",");
            }

            w.Line("    },");
            w.Line("    global::AotNet.Loss." + m.Model.Loss + ",");
            w.Line("    global::AotNet.Optimizer." + m.Model.Optimizer + ",");
            w.Line("    " + D(m.Model.LearningRate) + ",");
            w.Line("    " + MetricExpression(m.Model.Metrics) + ",");
            var initializers = new System.Collections.Generic.List<string>();
            if (m.Model.WeightDecay > 0)
            {
                initializers.Add("WeightDecay = " + D(m.Model.WeightDecay));
            }

            initializers.AddRange(NormalizationDescription(m));
            w.Line("    ParameterCount)" + (initializers.Count > 0 ? " { " + string.Join(", ", initializers) + " };" : ";"));
            w.Line();
        }

        private static void EmitAccessors(CodeWriter w, Layout m)
        {
            w.Line("/// <summary>All kernels and biases in one block: dense_0.kernel, dense_0.bias, dense_1.kernel, …</summary>");
            w.Line("public float[] Parameters => _parameters;");
            w.Line();
            w.Line("/// <summary>The gradient block consumed by <see cref=\"Step\"/> (same layout as <see cref=\"Parameters\"/>).</summary>");
            w.Line("public float[] Gradients => _gradients;");
            w.Line();
            w.Line("/// <summary>Optimizer steps taken since creation or <see cref=\"ResetOptimizer\"/>.</summary>");
            w.Line("public long Iterations => _iterations;");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                string p = "Dense" + I(i);
                w.Line();
                w.Line("/// <summary>dense_" + I(i) + ".kernel [" + I(m.FanIn[i]) + ", " + I(m.Layers[i].Units) + "], row-major.</summary>");
                w.Line("public " + Span + " " + p + "Kernel => new(_parameters, " + p + "KernelOffset, " + p + "KernelLength);");
                w.Line("/// <summary>dense_" + I(i) + ".bias [" + I(m.Layers[i].Units) + "].</summary>");
                w.Line("public " + Span + " " + p + "Bias => new(_parameters, " + p + "BiasOffset, " + p + "Units);");
            }

            w.Line();
            w.Line("/// <summary>A tensor of the parameter block by its Keras-style name (<c>dense_0.kernel</c>, <c>dense_0.bias</c>, …).</summary>");
            w.Open("public " + Span + " GetWeights(string name) => name switch");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                w.Line("\"dense_" + I(i) + ".kernel\" => Dense" + I(i) + "Kernel,");
                w.Line("\"dense_" + I(i) + ".bias\" => Dense" + I(i) + "Bias,");
            }

            EmitNormalizationWeightNames(w, m);
            w.Line("_ => throw new global::System.ArgumentException(\"no weight tensor named '\" + name + \"'\", nameof(name)),");
            w.Close(";");
            w.Line();
        }

        private static void EmitCreate(CodeWriter w, Layout m)
        {
            string name = m.Type;
            w.Line("/// <summary>A model with glorot_uniform kernels drawn from <paramref name=\"seed\"/> in parameter-block order and zero biases.</summary>");
            w.Open("public static " + name + " Create(ulong seed)");
            w.Line("var model = new " + name + "();");
            w.Line("var random = new " + Training + "DeterministicRandom(seed);");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                string p = "Dense" + I(i);
                w.Line(Kernels + "Initializers.GlorotUniform(random, model." + p + "Kernel, " + p + "Inputs, " + p + "Units);");
            }

            EmitNormalizationCreate(w, m);
            w.Line("return model;");
            w.Close();
            w.Line();
            w.Line("/// <summary>Scratch blocks for one thread: the activations and deltas of up to <paramref name=\"maxRows\"/> rows.</summary>");
            w.Line("public " + Training + "Workspace CreateWorkspace(int maxRows) => new(maxRows, WorkspaceFloatsPerRow" + (m.HasAuc ? ", " + Training + "MetricValues.AucCounterCount" : string.Empty) + ");");
            w.Line();
            w.Line("/// <summary>Zeroes the optimizer state and the step count.</summary>");
            w.Open("public void ResetOptimizer()");
            w.Line("_iterations = 0;");
            foreach (var (field, _) in OptimizerState(m.Model))
            {
                w.Line("global::System.Array.Clear(" + field + ");");
            }

            w.Close();
            w.Line();
            if (m.HasDropout)
            {
                w.Line("/// <summary>The dropout masks of the training passes that follow (Backward, TrainBatch sets it from its context): a step's key.</summary>");
                w.Open("public void SetDropoutKey(ulong seed, long epoch, long step)");
                w.Line("_dropoutKey = " + Kernels + "DropoutKernels.Key(seed, epoch, step);");
                w.Close();
                w.Line();
            }

            w.Line("/// <summary>Block <paramref name=\"offset\"/> of the workspace: MaxRows rows of <paramref name=\"width\"/> floats.</summary>");
            w.Line("private static " + Span + " Block(" + Training + "Workspace workspace, int offset, int width) =>");
            w.Line("    new(workspace.Buffer, workspace.MaxRows * offset, workspace.MaxRows * width);");
            w.Line();
        }

        /// <summary>The LayerDescription's init properties beyond the positional ones.</summary>
        private static string LayerOptions(LayerSpec layer, System.Collections.Generic.IEnumerable<string> more)
        {
            var options = new System.Collections.Generic.List<string>();
            if (layer.Activation == Activation.LeakyRelu)
            {
                options.Add("NegativeSlope = " + D(layer.NegativeSlope));
            }

            if (layer.Dropout > 0)
            {
                options.Add("DropoutRate = " + D(layer.Dropout));
            }

            if (layer.KernelL1 != 0)
            {
                options.Add("KernelL1 = " + D(layer.KernelL1));
            }

            if (layer.KernelL2 != 0)
            {
                options.Add("KernelL2 = " + D(layer.KernelL2));
            }

            if (layer.BiasL1 != 0)
            {
                options.Add("BiasL1 = " + D(layer.BiasL1));
            }

            if (layer.BiasL2 != 0)
            {
                options.Add("BiasL2 = " + D(layer.BiasL2));
            }

            options.AddRange(more);
            return options.Count == 0 ? string.Empty : " { " + string.Join(", ", options) + " }";
        }

        private static void EmitChecks(CodeWriter w, Layout m)
        {
            w.Open("private static global::AotNet.Data.DenseMatrix? CheckBatch(in " + Training + "Batch batch, " + Training + "Workspace workspace, bool needsTargets)");
            w.Open("if (workspace is null || workspace.FloatsPerRow < WorkspaceFloatsPerRow)");
            w.Line("throw new global::System.ArgumentException(\"use a workspace from CreateWorkspace of this model\", nameof(workspace));");
            w.Close();
            w.Line();
            w.Line("CheckData(batch.Inputs, batch.Targets, needsTargets, needsTargets ? batch.SampleWeights : null);");
            w.Line("return batch.Targets;");
            w.Close();
            w.Line();
            w.Open("private static void CheckData(" + Features + "? inputs, global::AotNet.Data.DenseMatrix? targets, bool needsTargets, float[]? weights)");
            w.Open("if (inputs is null || inputs.Cols != InputCount)");
            w.Line("throw new global::System.ArgumentException(\"" + m.Model.ClassName + " needs inputs with \" + InputCount + \" columns\", nameof(inputs));");
            w.Close();
            w.Line();
            if (m.Model.Normalization || m.Model.HasNorm)
            {
                w.Open("if (inputs.Sparse is not null)");
                w.Line("throw new global::System.ArgumentException(\"" + m.Model.ClassName + " needs dense inputs (its " + (m.Model.Normalization ? "Normalization" : "normalisation") + " layer works on dense features), not a multi-hot matrix\", nameof(inputs));");
                w.Close();
                w.Line();
            }

            if (m.Model.Loss == Loss.SparseCategoricalCrossentropy)
            {
                w.Open("if (needsTargets && (targets is null || targets.Cols != 1))");
                w.Line("throw new global::System.ArgumentException(\"" + m.Model.ClassName + " needs sparse targets: one column holding the class index\", nameof(targets));");
            }
            else
            {
                w.Open("if (needsTargets && (targets is null || targets.Cols != OutputCount))");
                w.Line("throw new global::System.ArgumentException(\"" + m.Model.ClassName + " needs targets with \" + OutputCount + \" columns\", nameof(targets));");
            }

            w.Close();
            w.Line();
            w.Open("if (weights is not null && targets is not null && weights.Length != targets.Rows)");
            w.Line("throw new global::System.ArgumentException(\"one sample weight per data-set row: \" + weights.Length + \" weights for \" + targets.Rows + \" rows\", nameof(weights));");
            w.Close();
            w.Close();
        }

        private static (string Field, string Comment)[] OptimizerState(ModelSpec model) => model.Optimizer switch
        {
            Optimizer.RmsProp => new[] { ("_velocity", "running average of g²") },
            Optimizer.Adam or Optimizer.AdamW => new[] { ("_momentum", "first moment m"), ("_velocity", "second moment v") },
            _ when model.Momentum > 0 => new[] { ("_momentum", "momentum velocity") },
            _ => new (string, string)[0],
        };
    }
}
