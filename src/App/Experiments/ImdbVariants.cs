using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Reporting;

namespace AotNet.App
{
    // The book's fight against over-fitting on IMDB (Deep Learning with Python, "Reducing overfitting"): the original
    // 16-16 model against a smaller one, a larger one, L2 weight regularisation and dropout.

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
}

namespace AotNet.App.Experiments
{
    /// <summary>The book's IMDB over-fitting comparison: each variant trained with the original's recipe on the same data.</summary>
    public static class ImdbVariants
    {
        /// <summary>Variant names in the order of the book.</summary>
        public static readonly string[] Names = ["small", "large", "l2", "dropout"];

        public static string Describe(string variant) => variant switch
        {
            "small" => "smaller network (4-4 units)",
            "large" => "larger network (512-512 units)",
            "l2" => "L2 regularisation (0.002 on both hidden kernels)",
            "dropout" => "dropout 0.5 after each hidden layer",
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
                        return (null, $"--variant '{part}' is not an IMDB variant; {hint}use small, large, l2, dropout or all (comma-separated for several)");
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
                _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown IMDB variant"),
            };
        }
    }
}
