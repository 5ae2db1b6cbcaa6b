namespace AotNet.App.Experiments;

/// <summary>Command-line settings shared by the experiments; null means "the seed's value for this experiment".</summary>
public sealed record RunSettings
{
    public int? Epochs { get; init; }

    public int? BatchSize { get; init; }

    public int Folds { get; init; } = 5;

    /// <summary>Boston only (<c>--fold I</c>): train fold I alone and write its part for <c>aotnet merge</c>; null trains them all.</summary>
    public int? Fold { get; init; }

    public ulong Seed { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;

    public string? DataDir { get; init; }

    public bool NoVerify { get; init; }

    public string OutDir { get; init; } = "aotnet-out";

    public bool Shuffle { get; init; } = true;

    public string? InitialWeights { get; init; }

    public string? SaveWeights { get; init; }

    public Reporting.SmoothingKind Smoothing { get; init; } = Reporting.SmoothingKind.BookEma;

    /// <summary>The IMDB variants to train next to the original (<c>--variant</c>): the book's small, large, l2, dropout, and embedding.</summary>
    public IReadOnlyList<string> ImdbVariants { get; init; } = [];
}
