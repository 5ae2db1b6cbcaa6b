using AotNet.Data;
using AotNet.Export;
using AotNet.Training;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace AotNet.Bench;

/// <summary>An MNIST-sized classifier: 784 → 512 relu → 512 relu → 10 softmax.</summary>
[Sequential(784, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
[Dense(512, Activation.Relu)]
[Dense(512, Activation.Relu)]
[Dense(10, Activation.Softmax)]
public partial class MnistNet;

/// <summary>
/// In-process inference on one thread against ONNX Runtime with the same weights (exported by
/// <see cref="OnnxExport"/>): AotNet's <see cref="Predictor{TModel}"/> (dense rows) or the model's own
/// <c>Predict</c> over a multi-hot <see cref="CsrMatrix"/> row (IMDB's sparse input), against ORT's
/// <c>RunWithBinding</c> and <c>Run</c> with every <see cref="OrtValue"/> created once (ORT takes the IMDB row dense,
/// 10,000 floats). <c>dotnet run -c Release --project bench/AotNet.Bench -- --filter '*Inference*' --inProcess</c>
/// (add <c>--warmupCount 2 --iterationCount 8</c> for a short run).
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private ICell _cell = null!;

    /// <summary>13-64-64-1 (Boston's model), 784-512-512-10, imdb-sparse (10000-16-16-1, 120 active words).</summary>
    [Params("13-64-64-1", "784-512-512-10", "imdb-sparse")]
    public string Model { get; set; } = "13-64-64-1";

    [Params(1, 64)]
    public int Rows { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _cell = Model switch
        {
            "13-64-64-1" => new DenseCell<BostonNet>(BostonNet.Create(7), Rows),
            "784-512-512-10" => new DenseCell<MnistNet>(MnistNet.Create(7), Rows),
            _ => new SparseCell(ImdbNet.Create(7), Rows, active: 120),
        };
        _cell.Check();
    }

    [GlobalCleanup]
    public void Cleanup() => _cell.Dispose();

    [Benchmark(Baseline = true)]
    public void AotNet() => _cell.AotNet();

    [Benchmark]
    public void OrtRunWithBinding() => _cell.OrtBinding();

    [Benchmark]
    public void OrtRun() => _cell.OrtRun();

    private interface ICell : IDisposable
    {
        void AotNet();

        void OrtBinding();

        void OrtRun();

        /// <summary>Throws unless AotNet and both ORT calls give the same outputs (within float rounding of the sums' order).</summary>
        void Check();
    }

    /// <summary>ORT's side of a cell: the session on one thread, the input and output tensors over arrays made once.</summary>
    private abstract class OrtCell : ICell
    {
        private readonly InferenceSession _session;
        private readonly OrtValue _input;
        private readonly OrtValue _output;
        private readonly OrtIoBinding _binding;
        private readonly RunOptions _run = new();
        private readonly string[] _inputNames = ["input"];
        private readonly string[] _outputNames = ["output"];
        private readonly OrtValue[] _inputValues;
        private readonly OrtValue[] _outputValues;

        protected OrtCell(byte[] onnx, float[] x, int rows, int inputs, int outputs)
        {
            X = x;
            Y = new float[rows * outputs];
            OrtY = new float[rows * outputs];
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session = new InferenceSession(onnx, options);
            _input = OrtValue.CreateTensorValueFromMemory(x, [rows, inputs]);
            _output = OrtValue.CreateTensorValueFromMemory(OrtY, [rows, outputs]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput("input", _input);
            _binding.BindOutput("output", _output);
            _inputValues = [_input];
            _outputValues = [_output];
        }

        protected float[] X { get; }

        protected float[] Y { get; }

        private float[] OrtY { get; }

        public abstract void AotNet();

        public void OrtBinding() => _session.RunWithBinding(_run, _binding);

        public void OrtRun() => _session.Run(_run, _inputNames, _inputValues, _outputNames, _outputValues);

        public void Check()
        {
            AotNet();
            Array.Clear(OrtY);
            OrtBinding();
            Compare("RunWithBinding");
            Array.Clear(OrtY);
            OrtRun();
            Compare("Run");
        }

        private void Compare(string call)
        {
            double worst = 0;
            for (int i = 0; i < Y.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(Y[i] - OrtY[i]) / Math.Max(1.0, Math.Abs(Y[i])));
            }

            if (!(worst <= 1e-5))
            {
                throw new InvalidOperationException($"AotNet and ORT {call} differ by {worst:G3}");
            }

            Console.WriteLine($"// outputs: AotNet vs ORT {call}: largest difference {worst:G3} over {Y.Length} values");
        }

        public virtual void Dispose()
        {
            _binding.Dispose();
            _input.Dispose();
            _output.Dispose();
            _run.Dispose();
            _session.Dispose();
        }

        protected static byte[] Onnx<TModel>(TModel model)
            where TModel : class, IModel<TModel>
        {
            var stream = new MemoryStream();
            OnnxExport.Write(model, stream);
            return stream.ToArray();
        }

        protected static float[] Random(int count, int seed)
        {
            var random = new Random(seed);
            var x = new float[count];
            for (int i = 0; i < count; i++)
            {
                x[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return x;
        }
    }

    /// <summary>Dense rows through <see cref="Predictor{TModel}"/>.</summary>
    private sealed class DenseCell<TModel>(TModel model, int rows) : OrtCell(Onnx(model), Random(rows * TModel.Description.Inputs, 11), rows, TModel.Description.Inputs, TModel.Description.Outputs)
        where TModel : class, IModel<TModel>
    {
        private readonly Predictor<TModel> _predictor = new(model, maxRows: rows);
        private readonly int _rows = rows;

        public override void AotNet() => _predictor.Predict(X, _rows, Y);
    }

    /// <summary>Multi-hot rows as active columns (AotNet's sparse input), the same rows dense for ORT.</summary>
    private sealed class SparseCell : OrtCell
    {
        private readonly ImdbNet _model;
        private readonly Features _features;
        private readonly int[] _rows;
        private readonly Workspace _workspace;

        public SparseCell(ImdbNet model, int rows, int active)
            : this(model, MultiHot(rows, active))
        {
        }

        private SparseCell(ImdbNet model, CsrMatrix csr)
            : base(Onnx(model), csr.ToDense().Data.ToArray(), csr.Rows, ImdbNet.Description.Inputs, ImdbNet.Description.Outputs)
        {
            _model = model;
            _features = new Features(csr);
            _rows = Enumerable.Range(0, csr.Rows).ToArray();
            _workspace = model.CreateWorkspace(csr.Rows);
        }

        public override void AotNet() => _model.Predict(new Batch(_features, null, _rows), _workspace, Y);

        // rows of `active` distinct word indices in [1, 10000), ascending, from a fixed seed
        private static CsrMatrix MultiHot(int rows, int active)
        {
            var random = new Random(5);
            var offsets = new int[rows + 1];
            var columns = new int[rows * active];
            for (int r = 0; r < rows; r++)
            {
                var words = new SortedSet<int>();
                while (words.Count < active)
                {
                    words.Add(random.Next(1, 10000));
                }

                words.CopyTo(columns, r * active);
                offsets[r + 1] = (r + 1) * active;
            }

            return new CsrMatrix(offsets, columns, 10000);
        }
    }
}
