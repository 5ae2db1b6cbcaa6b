using System.Globalization;
using nietras.SeparatedValues;

namespace AotNet.Data.Csv;

/// <summary>
/// Collects a table's rows in blocks of floats while <see cref="CsvFile"/> streams the file, then builds the matrices
/// once. Class labels are kept as small integers (an id per distinct label text) until the classes are known.
/// </summary>
internal sealed class TableBuilder
{
    private const int BlockRows = 1 << 14;

    private readonly string _source;
    private readonly CsvOptions _options;
    private readonly int _featureCount, _labelCount;
    private readonly List<float[]> _featureBlocks = [];
    private readonly List<float[]> _valueBlocks = []; // TargetKind.Values
    private readonly List<int[]> _labelBlocks = []; // classes: label ids
    private readonly Dictionary<string, int> _labelIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<string, int>? _known;
    private bool _allWholeNumbers = true;
    private int _largestWholeNumber = -1;

    public TableBuilder(string source, CsvOptions options, int featureCount, int labelCount)
    {
        _source = source;
        _options = options;
        _featureCount = featureCount;
        _labelCount = labelCount;
        _lookup = _labelIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (options.ClassNames is { } names)
        {
            _known = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++)
            {
                _known.TryAdd(names[i], i);
            }
        }
    }

    public int Rows { get; private set; }

    /// <summary>The next row's feature slots (the row counts once its labels are added).</summary>
    public Span<float> NextFeatures()
    {
        int inBlock = Rows % BlockRows;
        if (inBlock == 0)
        {
            if ((long)(Rows + BlockRows) * Math.Max(_featureCount, 1) > Array.MaxLength)
            {
                throw new DataFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{_source}: more than {Array.MaxLength / Math.Max(_featureCount, 1)} rows of {_featureCount} features do not fit one matrix; split the file"));
            }

            _featureBlocks.Add(new float[BlockRows * _featureCount]);
            if (_options.Targets.IsClasses())
            {
                _labelBlocks.Add(new int[BlockRows]);
            }
            else if (_labelCount > 0)
            {
                _valueBlocks.Add(new float[BlockRows * _labelCount]);
            }
        }

        return _featureBlocks[^1].AsSpan(inBlock * _featureCount, _featureCount);
    }

    /// <summary>Reads the row's labels and counts the row.</summary>
    public void AddLabels(SepReader.Row row, int[] labels, IReadOnlyList<string> header, int line)
    {
        int inBlock = Rows % BlockRows;
        if (_options.Targets.IsClasses())
        {
            _labelBlocks[^1][inBlock] = LabelId(row[labels[0]].Span, line, labels[0], header[labels[0]]);
        }
        else
        {
            var values = _labelCount == 0 ? default : _valueBlocks[^1].AsSpan(inBlock * _labelCount, _labelCount);
            for (int i = 0; i < labels.Length; i++)
            {
                values[i] = CsvFile.Number(row[labels[i]].Span, _source, line, labels[i], header[labels[i]]);
            }
        }

        Rows++;
    }

    public TabularData Build(string[] featureNames, string[] labelNames)
    {
        var features = new DenseMatrix(Concat(_featureBlocks, Rows * _featureCount), Rows, _featureCount);
        _featureBlocks.Clear();
        DenseMatrix? targets = null;
        string[]? classNames = null;
        if (_options.Targets.IsClasses())
        {
            (int[] classOf, classNames) = Classes();
            int width = _options.Targets == TargetKind.OneHot ? (_options.Classes > 0 ? _options.Classes : classNames.Length) : 1;
            targets = new DenseMatrix(Rows, width);
            for (int r = 0; r < Rows; r++)
            {
                int cls = classOf[_labelBlocks[r / BlockRows][r % BlockRows]];
                if (_options.Targets == TargetKind.OneHot)
                {
                    targets.Data[(r * width) + cls] = 1f;
                }
                else
                {
                    targets.Data[r] = cls;
                }
            }
        }
        else if (_labelCount > 0)
        {
            targets = new DenseMatrix(Concat(_valueBlocks, Rows * _labelCount), Rows, _labelCount);
        }

        return new TabularData(_source, features, featureNames, targets, labelNames, _labelCount == 0 ? TargetKind.Values : _options.Targets, classNames);
    }

    private int LabelId(ReadOnlySpan<char> text, int line, int column, string name)
    {
        if (text.IsEmpty)
        {
            throw new DataFormatException(CsvFile.Where(_source, line, column, name) + ": missing label");
        }

        if (_lookup.TryGetValue(text, out int id))
        {
            return id;
        }

        string label = text.ToString();
        int limit = _options.Classes > 0 ? _options.Classes : CsvFile.MaxClasses;
        if (_known is not null)
        {
            if (!_known.ContainsKey(label))
            {
                string? close = Hosting.DidYouMean.Closest(label, _known.Keys);
                throw new DataFormatException(CsvFile.Where(_source, line, column, name)
                    + $": the label '{CsvFile.Clip(label)}' is not one of the model's classes ({string.Join(", ", _options.ClassNames!.Take(20))}){(close is null ? string.Empty : $"; did you mean '{close}'?")}");
            }
        }
        else if (int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out int whole))
        {
            if (whole >= limit)
            {
                throw new DataFormatException(CsvFile.Where(_source, line, column, name) + string.Create(CultureInfo.InvariantCulture,
                    $": the class label {whole} is outside the model's {limit} classes (integer labels are class indices 0 to {limit - 1})"));
            }

            _largestWholeNumber = Math.Max(_largestWholeNumber, whole);
        }
        else
        {
            _allWholeNumbers = false;
        }

        if (_labelIds.Count >= limit && _known is null)
        {
            throw new DataFormatException(CsvFile.Where(_source, line, column, name) + string.Create(CultureInfo.InvariantCulture,
                $": '{CsvFile.Clip(label)}' is class number {_labelIds.Count + 1}, but the model tells {limit} classes apart ({string.Join(", ", _labelIds.Keys.Take(20))} so far); give a model with more output units or fewer classes"));
        }

        _labelIds.Add(label, _labelIds.Count);
        return _labelIds.Count - 1;
    }

    /// <summary>Each label id's class index, and the class names in index order.</summary>
    private (int[] ClassOf, string[] Names) Classes()
    {
        var classOf = new int[_labelIds.Count];
        if (_known is not null)
        {
            foreach (var (label, id) in _labelIds)
            {
                classOf[id] = _known[label];
            }

            return (classOf, _options.ClassNames!.ToArray());
        }

        if (_allWholeNumbers)
        {
            // integer labels are class indices, as in Keras; the classes run from 0 to the largest seen (at least the model's)
            int count = Math.Max(_largestWholeNumber + 1, _options.Classes);
            foreach (var (label, id) in _labelIds)
            {
                classOf[id] = int.Parse(label, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            return (classOf, Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        }

        string[] names = _labelIds.Keys.Order(StringComparer.Ordinal).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            classOf[_labelIds[names[i]]] = i;
        }

        return (classOf, names);
    }

    private static float[] Concat(List<float[]> blocks, int length)
    {
        var all = new float[length];
        int at = 0;
        for (int b = 0; b < blocks.Count && at < length; b++)
        {
            int n = Math.Min(blocks[b].Length, length - at);
            blocks[b].AsSpan(0, n).CopyTo(all.AsSpan(at));
            blocks[b] = [];
            at += n;
        }

        return all;
    }
}
