namespace AotNet.Reporting;

/// <summary>How a series is drawn (matplotlib format strings: 'o' = markers, '-' = line, 'o-' = both).</summary>
public enum SeriesStyle
{
    /// <summary>Filled circles only, like matplotlib's <c>'bo'</c>.</summary>
    Markers,

    /// <summary>A solid line only, like matplotlib's <c>'b'</c>; non-finite points break the line.</summary>
    Line,

    /// <summary>A solid line with a filled circle on every point, like matplotlib's <c>'o-'</c>.</summary>
    LineWithMarkers,
}

/// <summary>Where the legend goes; <see cref="Best"/> picks the location that covers the fewest data points and segments (matplotlib's <c>loc='best'</c>).</summary>
public enum LegendLocation
{
    Best,
    UpperRight,
    UpperLeft,
    LowerLeft,
    LowerRight,
    Right,
    CenterLeft,
    CenterRight,
    LowerCenter,
    UpperCenter,
    Center,

    /// <summary>No legend at all.</summary>
    None,
}

/// <summary>matplotlib's single-letter colours as CSS colours.</summary>
public static class MatplotlibColors
{
    /// <summary>'r' = (1, 0, 0).</summary>
    public const string Red = "#ff0000";

    /// <summary>'c' = (0, 0.75, 0.75).</summary>
    public const string Cyan = "#00bfbf";

    /// <summary>'b' = (0, 0, 1).</summary>
    public const string Blue = "#0000ff";

    /// <summary>'g' = (0, 0.5, 0).</summary>
    public const string Green = "#008000";

    /// <summary>'m' = (0.75, 0, 0.75).</summary>
    public const string Magenta = "#bf00bf";

    /// <summary>'k' = black.</summary>
    public const string Black = "#000000";

    /// <summary>'C0', the first colour of matplotlib's default cycle.</summary>
    public const string Tab10Blue = "#1f77b4";

    /// <summary>'C1', the second colour of matplotlib's default cycle.</summary>
    public const string Tab10Orange = "#ff7f0e";
}

/// <summary>One named data series of a <see cref="LineChart"/>. Points whose X or Y is NaN or infinite are skipped.</summary>
public sealed class Series
{
    public Series(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, SeriesStyle style, string color)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentException.ThrowIfNullOrWhiteSpace(color);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"X has {x.Count} values but Y has {y.Count}.", nameof(y));
        }

        Name = name;
        X = [.. x];
        Y = [.. y];
        Style = style;
        Color = color;
    }

    /// <summary>Legend label; an empty name keeps the series out of the legend.</summary>
    public string Name { get; }

    public IReadOnlyList<double> X { get; }

    public IReadOnlyList<double> Y { get; }

    public SeriesStyle Style { get; }

    /// <summary>Any CSS colour, e.g. <see cref="MatplotlibColors.Red"/>.</summary>
    public string Color { get; }

    /// <summary>Line width in points (matplotlib default 1.5).</summary>
    public double LineWidth { get; init; } = 1.5;

    /// <summary>Marker diameter in points (matplotlib default 6).</summary>
    public double MarkerSize { get; init; } = 6;

    /// <summary>matplotlib <c>plot(x, y, 'bo', color=color)</c>: dots only.</summary>
    public static Series Markers(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string color = MatplotlibColors.Red) =>
        new(name, x, y, SeriesStyle.Markers, color);

    /// <summary>matplotlib <c>plot(x, y, 'b', color=color)</c>: a solid line.</summary>
    public static Series Line(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string color = MatplotlibColors.Cyan) =>
        new(name, x, y, SeriesStyle.Line, color);

    /// <summary>The x values <c>first, first+1, …</c> for <paramref name="count"/> points, e.g. Keras' <c>range(1, len(loss) + 1)</c>.</summary>
    public static double[] Epochs(int count, int first = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var x = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = first + i;
        }

        return x;
    }
}

/// <summary>A dashed vertical line across the plot with a short label, e.g. "best epoch 38".</summary>
public sealed record VerticalMarker(double X, string Label)
{
    /// <summary>CSS colour of the line and its label.</summary>
    public string Color { get; init; } = "#555555";
}

/// <summary>
/// A matplotlib-style 2-D line chart: one axes with a box frame, ticks out on the left and bottom,
/// 5 % data margins, an optional grid and a legend. Sizes are in pixels at 100 dpi
/// (the default 1000×800 is matplotlib's <c>figsize=(10, 8)</c>); font sizes are in points like matplotlib's.
/// </summary>
public sealed class LineChart
{
    public string Title { get; init; } = "";

    public string XLabel { get; init; } = "";

    public string YLabel { get; init; } = "";

    public int Width { get; init; } = 1000;

    public int Height { get; init; } = 800;

    public IReadOnlyList<Series> Series { get; init; } = [];

    public IReadOnlyList<VerticalMarker> Markers { get; init; } = [];

    public LegendLocation Legend { get; init; } = LegendLocation.Best;

    /// <summary>Light grid lines at the major ticks (off by default, as in matplotlib).</summary>
    public bool Grid { get; init; }

    /// <summary>Only whole numbers as x ticks (matplotlib's <c>MaxNLocator(integer=True)</c>), handy for epochs.</summary>
    public bool IntegerXTicks { get; init; }

    /// <summary>Title size in points (the tutorial uses 14; matplotlib's default is 12).</summary>
    public double TitleFontSize { get; init; } = 14;

    /// <summary>Tick label, axis label and legend size in points (matplotlib default 10).</summary>
    public double FontSize { get; init; } = 10;

    /// <summary>Fixed axis limits; null means automatic (data range plus 5 % margins).</summary>
    public double? XMin { get; init; }

    public double? XMax { get; init; }

    public double? YMin { get; init; }

    public double? YMax { get; init; }
}
