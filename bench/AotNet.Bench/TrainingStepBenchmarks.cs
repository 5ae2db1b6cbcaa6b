using AotNet.Data;
using AotNet.Reference;
using AotNet.Training;
using BenchmarkDotNet.Attributes;

namespace AotNet.Bench;

/// <summary>
/// One IMDB training step (zero gradients, Backward over a 512-row batch, Step) on synthetic multi-hot rows with
/// about 120 of 10000 columns active, as CSR and as a dense 0/1 matrix; generated model vs scalar reference.
/// </summary>
[MemoryDiagnoser]
public class ImdbStepBenchmarks
{
    private const int BatchSize = 512;
    private ImdbNet _model = null!;
    private Workspace _workspace = null!;
    private ReferenceNetwork _reference = null!;
    private double[] _referenceGradient = null!;
    // Features, not matrices: the implicit matrix → Features conversion would allocate per call
    private Features _sparse = null!;
    private Features _dense = null!;
    private DenseMatrix _targets = null!;
    private int[] _rows = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new DeterministicRandom(2024);
        var offsets = new int[BatchSize + 1];
        var columns = new List<int>();
        _targets = new DenseMatrix(BatchSize, 1);
        for (int r = 0; r < BatchSize; r++)
        {
            var active = new SortedSet<int>();
            int count = 80 + random.NextInt(81); // 80..160, mean 120
            while (active.Count < count)
            {
                active.Add(random.NextInt(10000));
            }

            columns.AddRange(active);
            offsets[r + 1] = columns.Count;
            _targets.Data[r] = random.NextInt(2);
        }

        var sparse = new CsrMatrix(offsets, columns.ToArray(), 10000);
        _sparse = sparse;
        _dense = sparse.ToDense();
        _rows = Enumerable.Range(0, BatchSize).ToArray();
        _model = ImdbNet.Create(1);
        _workspace = _model.CreateWorkspace(BatchSize);
        _reference = new ReferenceNetwork(ImdbNet.Description, _model.Parameters);
        _referenceGradient = new double[ImdbNet.ParameterCount];
    }

    [Benchmark(Baseline = true)]
    public double GeneratedSparse() => Generated(_sparse);

    [Benchmark]
    public double GeneratedDense() => Generated(_dense);

    /// <summary>The Backward part of <see cref="GeneratedSparse"/> alone (gradient zeroing included).</summary>
    [Benchmark]
    public double GeneratedSparseBackwardOnly()
    {
        Array.Clear(_model.Gradients);
        return _model.Backward(new Batch(_sparse, _targets, _rows), _workspace, _model.Gradients).LossSum;
    }

    /// <summary>The RMSprop step over the 160305-float block alone.</summary>
    [Benchmark]
    public void GeneratedStepOnly() => _model.Step(1f / BatchSize);

    [Benchmark]
    public double ReferenceSparse() => Reference(_sparse);

    [Benchmark]
    public double ReferenceDense() => Reference(_dense);

    private double Generated(Features inputs)
    {
        Array.Clear(_model.Gradients);
        var stats = _model.Backward(new Batch(inputs, _targets, _rows), _workspace, _model.Gradients);
        _model.Step(1f / BatchSize);
        return stats.LossSum;
    }

    private double Reference(Features inputs)
    {
        Array.Clear(_referenceGradient);
        var stats = _reference.Backward(inputs, _targets, _rows, _referenceGradient);
        _reference.Step(_referenceGradient, 1.0 / BatchSize);
        return stats.LossSum;
    }
}

/// <summary>One Boston housing training step at batch size 1 (as in the tutorial's 500-epoch runs).</summary>
[MemoryDiagnoser]
public class BostonStepBenchmarks
{
    private BostonNet _model = null!;
    private Workspace _workspace = null!;
    private ReferenceNetwork _reference = null!;
    private double[] _referenceGradient = null!;
    private Features _inputs = null!;
    private DenseMatrix _targets = null!;
    private int[] _row = null!;
    private TrainingContext _context = null!;
    private LabeledData _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new DeterministicRandom(506);
        var inputs = new DenseMatrix(16, 13);
        _targets = new DenseMatrix(16, 1);
        for (int i = 0; i < inputs.Data.Length; i++)
        {
            inputs.Data[i] = random.NextSingle(-2f, 2f);
        }

        _inputs = inputs;

        for (int i = 0; i < _targets.Data.Length; i++)
        {
            _targets.Data[i] = random.NextSingle(5f, 50f);
        }

        _row = [7];
        _data = new LabeledData(_inputs, _targets);
        _context = new TrainingContext(threads: 1);
        _context.SetBatch(_data, _row, 0, 1);
        _model = BostonNet.Create(1);
        _workspace = _model.CreateWorkspace(1);
        _reference = new ReferenceNetwork(BostonNet.Description, _model.Parameters);
        _referenceGradient = new double[BostonNet.ParameterCount];
    }

    [Benchmark(Baseline = true)]
    public double Generated()
    {
        Array.Clear(_model.Gradients);
        var stats = _model.Backward(new Batch(_inputs, _targets, _row), _workspace, _model.Gradients);
        _model.Step(1f);
        return stats.LossSum;
    }

    /// <summary>TrainBatch on one row: the fused one-row step (same floats as <see cref="Generated"/>).</summary>
    [Benchmark]
    public double Fused() => _model.TrainBatch(_context).LossSum;

    [Benchmark]
    public double Reference()
    {
        Array.Clear(_referenceGradient);
        var stats = _reference.Backward(_inputs, _targets, _row, _referenceGradient);
        _reference.Step(_referenceGradient, 1.0);
        return stats.LossSum;
    }
}
