using System.Globalization;
using AotNet.Hosting;
using AotNet.IO;
using nietras.SeparatedValues;

namespace AotNet.Data.Csv;

/// <summary>
/// Reads a CSV/TSV table with a header row into a float feature matrix and targets, through nietras/Sep.
/// </summary>
/// <remarks>
/// <para>Features and labels are chosen by header name. The file is streamed: each row's fields are parsed straight into
/// blocks of floats, so a large file is never held as strings (peak memory is about twice the float matrix).</para>
/// <para>Class labels: when every label is a whole number ≥ 0 it is the class index (Keras's integer labels; the class
/// names are "0", "1", …); otherwise the distinct labels are the classes, numbered in ordinal sorted order. Either way
/// <see cref="TabularData.ClassNames"/> keeps the names, to be saved with the model's weights.</para>
/// <para>A UTF-8 byte-order mark and CRLF line ends are accepted; fields may be quoted (<c>"a,b"</c>, <c>""</c> for a
/// quote); spaces around a field are ignored. Anything else wrong throws one <see cref="DataFormatException"/> naming
/// the file, the line and the column, and nothing is returned: a missing value, a field that is not a number, a row with
/// another number of fields than the header, a column that does not exist (with a did-you-mean), more classes than the
/// model has outputs, an empty file.</para>
/// </remarks>
public static class CsvFile
{
    /// <summary>The most distinct class labels a file may hold when no limit is given.</summary>
    public const int MaxClasses = 1 << 16;

    /// <summary>Reads <paramref name="path"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="DataFormatException">The file breaks a rule above; the message names the file, line and column.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TabularData Read(string path, CsvOptions options, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        FileKinds.RequireRegularOrMissing(path, "the data file");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var text = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(text, path, options, cancellation);
    }

    /// <summary>Reads a table from <paramref name="text"/>; <paramref name="source"/> names it in errors (and picks the separator by its extension).</summary>
    public static TabularData Read(TextReader text, string source, CsvOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        char separator = options.Separator ?? SeparatorFor(source);
        using var reader = Open(text, source, separator);
        var header = reader.Header.ColNames;
        if (reader.IsEmpty || header.Count == 0 || (header.Count == 1 && header[0].Length == 0))
        {
            throw new DataFormatException($"{source}: the file is empty; give a header row of column names, then one row per sample");
        }

        var columns = Columns(source, separator, header, options);
        var table = new TableBuilder(source, options, columns.Features.Length, columns.Labels.Length);
        foreach (var row in reader)
        {
            if ((table.Rows & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            int line = row.LineNumberFrom;
            if (row.ColCount != header.Count)
            {
                if (row.ColCount == 1 && row.Span.Trim().IsEmpty)
                {
                    continue; // a blank line (e.g. at the end)
                }

                throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: line {line}: {row.ColCount} fields, but the header has {header.Count}{SeparatorHint(row.ColCount, separator)}"));
            }

            Span<float> features = table.NextFeatures();
            for (int i = 0; i < columns.Features.Length; i++)
            {
                int c = columns.Features[i];
                features[i] = Number(row[c].Span, source, line, c, header[c]);
            }

            table.AddLabels(row, columns.Labels, header, line);
        }

        if (table.Rows == 0)
        {
            throw new DataFormatException($"{source}: the file has a header but no data rows");
        }

        return table.Build(columns.Features.Select(c => header[c]).ToArray(), columns.Labels.Select(c => header[c]).ToArray());
    }

    private static SepReader Open(TextReader text, string source, char separator)
    {
        try
        {
            return Sep.New(separator).Reader(o => o with
            {
                HasHeader = true,
                DisableColCountCheck = true,
                Unescape = true,
                Trim = SepTrim.All,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(text);
        }
        catch (ArgumentException e)
        {
            // Sep refuses a header with a column name twice
            throw new DataFormatException($"{source}: line 1: {e.Message.TrimEnd('.')}; column names must be unique", e);
        }
    }

    /// <summary>A tab for <c>.tsv</c> and <c>.tab</c> files, a comma otherwise.</summary>
    public static char SeparatorFor(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".tsv" or ".tab" ? '\t' : ',';

    /// <summary>The float in a field, or the error that names where it is.</summary>
    internal static float Number(ReadOnlySpan<char> field, string source, int line, int column, string name)
    {
        if (field.IsEmpty)
        {
            throw new DataFormatException(Where(source, line, column, name) + ": missing value; every feature needs a number (fill or drop the row)");
        }

        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw new DataFormatException(Where(source, line, column, name) + $": '{Clip(field)}' is not a number");
        }

        if (!float.IsFinite(value))
        {
            throw new DataFormatException(Where(source, line, column, name) + $": '{Clip(field)}' is not a finite number (a missing value?)");
        }

        return value;
    }

    internal static string Where(string source, int line, int column, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}: line {line}, column {column + 1} ('{name}')");

    internal static string Clip(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "…");

    private static void CheckOptions(CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Labels);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Classes);
        if (options.Targets.IsClasses() && options.Labels.Count != 1)
        {
            throw new ArgumentException($"{options.Targets} targets come from one label column; {options.Labels.Count} were given", nameof(options));
        }

        if (options.Targets == TargetKind.Binary && options.Classes is not (0 or 2))
        {
            throw new ArgumentException("binary targets tell 2 classes apart", nameof(options));
        }
    }

    private static string SeparatorHint(int fields, char separator) =>
        fields == 1 ? $" (is the separator '{(separator == '\t' ? "\\t" : separator.ToString())}' right?)" : string.Empty;

    /// <summary>The header indices of the feature and label columns, or the error naming the one that is not there.</summary>
    private static (int[] Features, int[] Labels) Columns(string source, char separator, IReadOnlyList<string> header, CsvOptions options)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Count; c++)
        {
            if (!index.TryAdd(header[c], c))
            {
                throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: line 1: the column name '{Clip(header[c])}' appears twice (columns {index[header[c]] + 1} and {c + 1}); column names must be unique"));
            }
        }

        int Find(string name, string role)
        {
            if (index.TryGetValue(name, out int c))
            {
                return c;
            }

            string? close = DidYouMean.Closest(name, header);
            string hint = close is not null ? $"; did you mean '{close}'?"
                : header.Count == 1 && header[0].Contains(separator == ',' ? ';' : ',') ? $" (the header is one column: is the separator '{separator}' right?)"
                : $" (the columns: {string.Join(", ", header.Take(20))}{(header.Count > 20 ? ", …" : string.Empty)})";
            throw new DataFormatException($"{source}: line 1: no {role} column '{Clip(name)}'{hint}");
        }

        int[] labels = options.Labels.Select(l => Find(l, "label")).ToArray();
        int[] features = options.Features is { } named
            ? named.Select(f => Find(f, "feature")).ToArray()
            : Enumerable.Range(0, header.Count).Where(c => Array.IndexOf(labels, c) < 0).ToArray();
        if (features.Length == 0)
        {
            throw new DataFormatException($"{source}: line 1: no feature columns are left besides the label column(s)");
        }

        foreach (int c in features)
        {
            if (Array.IndexOf(labels, c) >= 0)
            {
                throw new DataFormatException($"{source}: line 1: the column '{Clip(header[c])}' is both a feature and the label");
            }
        }

        if (features.Distinct().Count() != features.Length)
        {
            throw new DataFormatException($"{source}: line 1: a feature column is named twice in the feature list");
        }

        return (features, labels);
    }
}
