namespace AotNet.Reporting;

/// <summary>Which smoothing of the Boston validation-MAE curve to draw.</summary>
public enum SmoothingKind
{
    /// <summary>
    /// The Keras book's <c>smooth_curve</c>: a true exponential moving average,
    /// <c>s[0] = x[0]</c>, <c>s[i] = s[i−1]·factor + x[i]·(1−factor)</c> with factor 0.9, so every earlier point still contributes.
    /// </summary>
    BookEma,

    /// <summary>
    /// The seed tutorial's <c>Exponential_Moving_Average(arrs, alpha=0.1)</c>: despite the name a two-point weighted average
    /// of the raw values, <c>s[0] = x[0]</c>, <c>s[i] = x[i−1]·α + x[i]·(1−α)</c> with α = 0.1; it never uses earlier outputs.
    /// </summary>
    Seed,
}

/// <summary>A smoothed curve together with the x values (epochs) its points belong to.</summary>
public sealed record SmoothedCurve(double[] X, double[] Y);

/// <summary>
/// Smoothing of per-epoch curves before plotting. Both kinds first drop the first <c>skip</c> points
/// (the tutorials drop 10 epochs: the steep start would dominate the y range), then start the output with the first
/// kept value unchanged. They differ in what the "past" is:
/// <list type="bullet">
/// <item><see cref="SmoothingKind.BookEma"/> (Chollet, <c>smooth_curve(points, factor=0.9)</c>) feeds back its own previous
/// <em>output</em>: <c>s[i] = s[i−1]·0.9 + x[i]·0.1</c>. Heavy smoothing, lags the data.</item>
/// <item><see cref="SmoothingKind.Seed"/> (the Korean seed post, <c>Exponential_Moving_Average(arrs, alpha=0.1)</c> applied to
/// <c>avg[10:]</c>) mixes the previous <em>raw</em> value in: <c>s[i] = x[i−1]·0.1 + x[i]·0.9</c>. Light smoothing: a 2-tap filter.</item>
/// </list>
/// In both, the parameter is the weight of the past (0.9 for the book, 0.1 for the seed).
/// The seed plots its result against <c>range(10, 500)</c>, i.e. 0-based epochs 10…499 = 1-based epochs 11…500.
/// </summary>
public static class Smoothing
{
    /// <summary>The book's <c>smooth_curve</c> after dropping the first <paramref name="skip"/> points.</summary>
    /// <param name="values">The raw curve, e.g. the mean validation MAE per epoch.</param>
    /// <param name="factor">Weight of the previous smoothed value, in [0, 1].</param>
    /// <param name="skip">Leading points to drop; more than <c>values.Count</c> gives an empty result.</param>
    public static double[] ExponentialMovingAverage(IReadOnlyList<double> values, double factor = 0.9, int skip = 10)
    {
        var x = Kept(values, factor, skip, nameof(factor));
        var s = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            s[i] = i == 0 ? x[0] : s[i - 1] * factor + x[i] * (1 - factor);
        }

        return s;
    }

    /// <summary>The seed's <c>Exponential_Moving_Average(avg[skip:], alpha)</c>, exactly as its Python code computes it.</summary>
    /// <param name="values">The raw curve, e.g. the mean validation MAE per epoch.</param>
    /// <param name="alpha">Weight of the previous raw value, in [0, 1].</param>
    /// <param name="skip">Leading points to drop; more than <c>values.Count</c> gives an empty result.</param>
    public static double[] SeedMovingAverage(IReadOnlyList<double> values, double alpha = 0.1, int skip = 10)
    {
        var x = Kept(values, alpha, skip, nameof(alpha));
        var s = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            s[i] = i == 0 ? x[0] : x[i - 1] * alpha + x[i] * (1 - alpha);
        }

        return s;
    }

    /// <summary>The default weight of the past for a kind: 0.9 for <see cref="SmoothingKind.BookEma"/>, 0.1 for <see cref="SmoothingKind.Seed"/>.</summary>
    public static double DefaultFactor(SmoothingKind kind) => kind switch
    {
        SmoothingKind.BookEma => 0.9,
        SmoothingKind.Seed => 0.1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Smooths with the chosen kind; <paramref name="factor"/> defaults to <see cref="DefaultFactor"/>.</summary>
    public static double[] Apply(SmoothingKind kind, IReadOnlyList<double> values, int skip = 10, double? factor = null) => kind switch
    {
        SmoothingKind.BookEma => ExponentialMovingAverage(values, factor ?? 0.9, skip),
        SmoothingKind.Seed => SeedMovingAverage(values, factor ?? 0.1, skip),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Smooths a per-epoch curve and pairs each output with its 1-based epoch: point i belongs to epoch
    /// <c>skip + 1 + i</c> (epochs 11…500 for 500 epochs and skip 10).
    /// </summary>
    public static SmoothedCurve ApplyPerEpoch(SmoothingKind kind, IReadOnlyList<double> values, int skip = 10, double? factor = null)
    {
        var y = Apply(kind, values, skip, factor);
        return new SmoothedCurve(Series.Epochs(y.Length, skip + 1), y);
    }

    /// <summary>Parses "book", "book-ema", "bookema", "ema" or "seed" (case-insensitive).</summary>
    public static bool TryParseKind(string? text, out SmoothingKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "book" or "book-ema" or "book_ema" or "bookema" or "ema":
                kind = SmoothingKind.BookEma;
                return true;
            case "seed":
                kind = SmoothingKind.Seed;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary><see cref="TryParseKind"/> that throws <see cref="FormatException"/> on anything else.</summary>
    public static SmoothingKind ParseKind(string text) =>
        TryParseKind(text, out var kind) ? kind : throw new FormatException($"Unknown smoothing '{text}': use 'book' or 'seed'.");

    /// <summary>The names <see cref="TryParseKind"/> documents, for help texts.</summary>
    public static string KindName(SmoothingKind kind) => kind switch
    {
        SmoothingKind.BookEma => "book",
        SmoothingKind.Seed => "seed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static double[] Kept(IReadOnlyList<double> values, double weight, int skip, string weightName)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (!(weight >= 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(weightName, weight, "The weight of the past must be in [0, 1].");
        }

        if (skip >= values.Count)
        {
            return [];
        }

        var kept = new double[values.Count - skip];
        for (int i = 0; i < kept.Length; i++)
        {
            kept[i] = values[skip + i];
        }

        return kept;
    }
}
