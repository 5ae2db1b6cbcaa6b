using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Reporting;

namespace AotNet.App
{
    // The book's fight against over-fitting on IMDB (Deep Learning with Python, "Reducing overfitting"): the original
    // 16-16 model against a smaller one, a larger one, L2 weight regularisation and dropout; and the seed's model with an
    // Embedding over the padded word ids instead of the multi-hot vector.

    /// <summary>IMDB, smaller network: 10000 → Dense(4, relu) → Dense(4, relu) → Dense(1, sigmoid).</summary>
    [Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(4, Activation.Relu)]
    [Dense(4, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class ImdbSmallNet;

    /// <summary>IMDB, larger network: 10000 → Dense(512, relu) → Dense(512, relu) → Dense(1, sigmoid).</summary>
    [Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(512, Activation.Relu)]
    [Dense(512, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class ImdbLargeNet;

    /// <summary>IMDB with L2 weight regularisation: the 16-16 model, kernel_regularizer=l2(0.002) on both hidden layers.</summary>
    [Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu, KernelL2 = 0.002)]
    [Dense(16, Activation.Relu, KernelL2 = 0.002)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class ImdbL2Net;

    /// <summary>IMDB with dropout: the 16-16 model with Dropout(0.5) after each hidden layer.</summary>
    [Sequential(10000, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu)]
    [Dropout(0.5)]
    [Dense(16, Activation.Relu)]
    [Dropout(0.5)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class ImdbDropoutNet;

    /// <summary>
    /// IMDB with an Embedding, the seed's "first layer becomes an Embedding": reviews padded to 256 word ids →
    /// Embedding(10000, 16, mask_zero) → GlobalAveragePooling1D → Dense(16, relu) → Dense(1, sigmoid). MaskZero: id 0 is
    /// pad_sequences' padding, so the average is over each review's own words only (Keras's mask_zero=True); without the
    /// mask a short review's mean would be diluted by up to 255 copies of the padding vector.
    /// </summary>
    [Sequential(Experiments.DataSources.SequenceLength, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Embedding(Experiments.DataSources.NumWords, 16, MaskZero = true)]
    [GlobalAveragePooling1D]
    [Dense(16, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class ImdbEmbeddingNet;
}

namespace AotNet.App.Experiments
{
    /// <summary>
    /// The book's IMDB over-fitting comparison, and the Embedding model: each variant trained with the original's recipe
    /// (RMSprop, binary cross-entropy, 20 epochs of batch 512, the first 10000 training reviews for validation) on the same
    /// reviews; the Embedding model reads them as padded word ids instead of multi-hot vectors.
    /// </summary>
    public static class ImdbVariants
    {
        /// <summary>Variant names in the order of the book.</summary>
        public static readonly string[] Names = ["small", "large", "l2", "dropout", "embedding"];

        public static string Describe(string variant) => variant switch
        {
            "small" => "smaller network (4-4 units)",
            "large" => "larger network (512-512 units)",
            "l2" => "L2 regularisation (0.002 on both hidden kernels)",
            "dropout" => "dropout 0.5 after each hidden layer",
            "embedding" => "embedding (padded word ids → Embedding 16, masked average → 16)",
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown IMDB variant"),
        };

        /// <summary>Parses <c>--variant</c>: names separated by commas (or repeated), or <c>all</c>; null with a message when invalid.</summary>
        public static (string[]? Variants, string? Problem) Parse(IReadOnlyList<string> values)
        {
            var chosen = new List<string>();
            foreach (string value in values)
            {
                foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    string name = part.ToLowerInvariant();
                    if (name == "all")
                    {
                        chosen.AddRange(Names);
                    }
                    else if (Array.IndexOf(Names, name) >= 0)
                    {
                        chosen.Add(name);
                    }
                    else
                    {
                        string hint = AotNet.Hosting.DidYouMean.Closest(name, Names.Append("all")) is { } close ? $"did you mean '{close}'? " : string.Empty;
                        return (null, $"--variant '{part}' is not an IMDB variant; {hint}use small, large, l2, dropout, embedding or all (comma-separated for several)");
                    }
                }
            }

            return ([.. Names.Where(chosen.Contains)], null);
        }

        public static TextResult Run(string variant, TextData data, RunSettings settings, ConsoleReporter reporter, CancellationToken cancellation)
        {
            var named = data with { Name = "imdb " + variant };
            settings = settings with { InitialWeights = null, SaveWeights = null }; // those name the original model's weights
            return variant switch
            {
                "small" => TextClassification.Run<ImdbSmallNet>(named, settings, reporter, cancellation),
                "large" => TextClassification.Run<ImdbLargeNet>(named, settings, reporter, cancellation),
                "l2" => TextClassification.Run<ImdbL2Net>(named, settings, reporter, cancellation),
                "dropout" => TextClassification.Run<ImdbDropoutNet>(named, settings, reporter, cancellation),
                "embedding" => TextClassification.Run<ImdbEmbeddingNet>(DataSources.ImdbTokens(settings, reporter, cancellation) with { Name = named.Name }, settings, reporter, cancellation),
                _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown IMDB variant"),
            };
        }
    }
}
