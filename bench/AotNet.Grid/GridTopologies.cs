using AotNet.Data;
using AotNet.Training;

namespace AotNet.Bench.Grid;

/// <summary>What a topology's synthetic rows are.</summary>
public enum GridInput
{
    /// <summary>Dense features, uniform in [−1, 1].</summary>
    Dense,

    /// <summary>CSR multi-hot rows with <see cref="GridTopology.MinActive"/>–<see cref="GridTopology.MaxActive"/> active columns.</summary>
    MultiHot,

    /// <summary>Token ids (<see cref="TokenMatrix"/>): <see cref="GridTopology.MinTokens"/>–length ids in [1, vocabulary), pre-padded with 0.</summary>
    Tokens,
}

/// <summary>
/// One topology of the grid: its model type, the rows of one epoch, and synthetic training data of the right shape
/// (fixed seed). bench/peers/torch_grid.py declares the same list; the keys join the two tables.
/// </summary>
public abstract class GridTopology
{
    /// <summary>Active columns per multi-hot row: uniform in [80, 160], mean 120 of 10000 (1.2 %), as in IMDB/Reuters.</summary>
    public const int MinActive = 80, MaxActive = 160;

    /// <summary>Real tokens per token row: uniform in [64, length] (IMDB reviews padded or truncated to the length), the rest padding.</summary>
    public const int MinTokens = 64;

    public static readonly IReadOnlyList<GridTopology> All =
    [
        new GridTopology<Mlp784Net>("mlp784", "784→512→512→10 softmax, Adam", 60_000, multiHot: false),
        new GridTopology<Mlp256Net>("mlp256", "256→128→128→10 softmax, RMSprop", 20_000, multiHot: false),
        new GridTopology<Wide2000Net>("wide2000", "2000→256→1 sigmoid, SGD", 10_000, multiHot: false),
        new GridTopology<Tabular30Net>("tab30", "30→32→16→2 softmax, Adam", 455, multiHot: false),
        new GridTopology<GridImdbNet>("imdb", "IMDB 10000 multi-hot→16→16→1 sigmoid, RMSprop", 15_000, multiHot: true),
        new GridTopology<GridReutersNet>("reuters", "Reuters 10000 multi-hot→64→64→46 softmax, RMSprop", 7_982, multiHot: true),
        new GridTopology<GridBostonNet>("boston", "Boston 13→64→64→1 mse, RMSprop", 323, multiHot: false),
        new GridTopology<GridBatchNormNet>("bnmlp", "784→256 BN relu→256 BN relu→10 softmax, Adam", 60_000, GridInput.Dense),
        new GridTopology<GridEmbeddingNet>("embed", "IMDB 256 tokens→Embedding(10000,16, mask)→avg→16→1 sigmoid, RMSprop", 15_000, GridInput.Tokens),
    ];

    protected GridTopology(string key, string title, int epochRows, GridInput input)
    {
        Key = key;
        Title = title;
        EpochRows = epochRows;
        Input = input;
    }

    /// <summary>Short name shared with the PyTorch script's JSON.</summary>
    public string Key { get; }

    public string Title { get; }

    /// <summary>Rows of one epoch (the training set's size); cells time fewer and scale when an epoch would be long.</summary>
    public int EpochRows { get; }

    public GridInput Input { get; }

    public bool MultiHot => Input == GridInput.MultiHot;

    public abstract ModelDescription Description { get; }

    /// <summary>
    /// Training FLOPs per row, forward + backward of the dense layers only (no bias, activation, loss or optimizer):
    /// forward Σ 2·in·out; backward 2·in·out for dW of every layer plus 2·in·out for dX of every layer but the first.
    /// For multi-hot inputs the first layer's <c>in</c> is the mean number of active columns (the work a gather/scatter
    /// needs), not 10000. After an Embedding the first Dense layer has an input gradient too (6·in·out); the embedding's
    /// gather, pooling and scatter-add are not counted. BatchNormalization is not counted.
    /// </summary>
    public double FlopsPerRow
    {
        get
        {
            double flops = 0;
            foreach (var layer in Description.Layers)
            {
                double inputs = layer.Index == 0 && MultiHot ? (MinActive + MaxActive) / 2.0 : layer.Inputs;
                flops += (layer.Index == 0 && Input != GridInput.Tokens ? 4 : 6) * inputs * layer.Units;
            }

            return flops;
        }
    }

    public static GridTopology Find(string key) =>
        All.FirstOrDefault(t => t.Key == key) ?? throw new ArgumentException($"unknown topology '{key}'");

    /// <summary>Builds a fresh model and trainer; <see cref="IGridTrainer"/> hides the model type.</summary>
    public abstract IGridTrainer CreateTrainer(int threads, ulong seed);

    /// <summary>The first <paramref name="rows"/> rows of the synthetic training set (a copy).</summary>
    public abstract LabeledData Rows(int rows);

    /// <summary>Frees the cached synthetic data set.</summary>
    public abstract void Release();
}

/// <summary>A trainer over some generated model.</summary>
public interface IGridTrainer : IDisposable
{
    History Fit(LabeledData train, FitOptions options, ITrainingObserver? observer = null);
}

public sealed class GridTopology<TModel>(string key, string title, int epochRows, GridInput input)
    : GridTopology(key, title, epochRows, input)
    where TModel : class, IModel<TModel>
{
    public GridTopology(string key, string title, int epochRows, bool multiHot)
        : this(key, title, epochRows, multiHot ? GridInput.MultiHot : GridInput.Dense)
    {
    }

    private LabeledData? _data;

    public override ModelDescription Description => TModel.Description;

    public override IGridTrainer CreateTrainer(int threads, ulong seed) => new Adapter(new Trainer<TModel>(TModel.Create(seed), threads: threads));

    public override LabeledData Rows(int rows)
    {
        _data ??= Synthesize();
        return rows == EpochRows ? _data : _data.SliceRows(0, rows);
    }

    public override void Release() => _data = null;

    private LabeledData Synthesize()
    {
        var description = TModel.Description;
        int inputs = description.Inputs, outputs = description.Outputs, n = EpochRows;
        var random = new DeterministicRandom(20261201);
        Features features;
        if (Input == GridInput.Tokens)
        {
            int vocabulary = description.Embedding!.InputDim;
            var ids = new int[n * inputs];
            for (int r = 0; r < n; r++)
            {
                int count = MinTokens + random.NextInt(inputs - MinTokens + 1);
                for (int p = inputs - count; p < inputs; p++)
                {
                    ids[(r * inputs) + p] = 1 + random.NextInt(vocabulary - 1);
                }
            }

            features = new TokenMatrix(ids, n, inputs);
        }
        else if (MultiHot)
        {
            var offsets = new int[n + 1];
            var columns = new List<int>(n * (MinActive + MaxActive) / 2);
            var active = new SortedSet<int>();
            for (int r = 0; r < n; r++)
            {
                active.Clear();
                int count = MinActive + random.NextInt(MaxActive - MinActive + 1);
                while (active.Count < count)
                {
                    active.Add(random.NextInt(inputs));
                }

                columns.AddRange(active);
                offsets[r + 1] = columns.Count;
            }

            features = new CsrMatrix(offsets, columns.ToArray(), inputs);
        }
        else
        {
            var x = new DenseMatrix(n, inputs);
            for (int i = 0; i < x.Data.Length; i++)
            {
                x.Data[i] = random.NextSingle(-1f, 1f);
            }

            features = x;
        }

        var y = new DenseMatrix(n, outputs);
        var last = description.Layers[^1];
        for (int r = 0; r < n; r++)
        {
            if (last.Activation == Activation.Softmax)
            {
                y.Data[(r * outputs) + random.NextInt(outputs)] = 1f; // one-hot class
            }
            else if (last.Activation == Activation.Sigmoid)
            {
                y.Data[r] = random.NextInt(2);
            }
            else
            {
                y.Data[r] = random.NextSingle(5f, 50f); // Boston-like prices in k$
            }
        }

        return new LabeledData(features, y);
    }

    private sealed class Adapter(Trainer<TModel> trainer) : IGridTrainer
    {
        public History Fit(LabeledData train, FitOptions options, ITrainingObserver? observer) => trainer.Fit(train, null, options, observer);

        public void Dispose() => trainer.Dispose();
    }
}
