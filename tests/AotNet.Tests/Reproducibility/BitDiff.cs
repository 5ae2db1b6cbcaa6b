using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AotNet.Tests.Reproducibility;

/// <summary>What one aotnet run wrote: the <c>--save-weights</c> safetensors file and the <c>--out</c> results.json.</summary>
public sealed record RunFiles(string Weights, string Results)
{
    /// <summary>The layout the bit tests and scripts/compare-bits.sh use: DIR/weights.safetensors and DIR/results.json.</summary>
    public static RunFiles In(string dir) => new(Path.Combine(dir, "weights.safetensors"), Path.Combine(dir, "results.json"));
}

/// <summary>
/// Compares two aotnet runs bit for bit: every element of every tensor of the saved weights, and every value of
/// results.json except the run's measurements (<see cref="MeasurementKeys"/>). Reads both formats itself, without
/// AotNet code, so a bug in the product's readers cannot hide a difference; scripts/CompareBits compiles this file too.
/// </summary>
public static class BitDiff
{
    /// <summary>Keys of results.json that measure or describe the run (time, allocation, when/how/where it ran, the output set's manifest: run id and file hashes), not its result; never compared.</summary>
    public static readonly IReadOnlySet<string> MeasurementKeys = new HashSet<string>(StringComparer.Ordinal) { "seconds", "allocated_bytes_after_first_epoch", "run", "set" };

    /// <summary>Null when both runs wrote the same bits, else a few lines naming the first and the largest difference.</summary>
    public static string? Compare(string expectedLabel, RunFiles expected, string actualLabel, RunFiles actual)
    {
        var lines = new List<string>();
        string? weights = CompareWeights(expected.Weights, actual.Weights);
        if (weights is not null)
        {
            lines.Add("  weights: " + weights);
        }

        string? results = CompareResults(File.ReadAllText(expected.Results), File.ReadAllText(actual.Results));
        if (results is not null)
        {
            lines.Add("  results.json: " + results);
        }

        return lines.Count == 0 ? null : $"{expectedLabel} (first value) and {actualLabel} (second value) differ:\n" + string.Join('\n', lines);
    }

    /// <summary>Null when every tensor has the same name, dtype, shape and bits.</summary>
    public static string? CompareWeights(string expectedPath, string actualPath)
    {
        var a = ReadSafeTensors(expectedPath);
        var b = ReadSafeTensors(actualPath);
        var structural = new List<string>();
        foreach (string name in a.Keys.Except(b.Keys))
        {
            structural.Add($"tensor {name} missing from the second file");
        }

        foreach (string name in b.Keys.Except(a.Keys))
        {
            structural.Add($"tensor {name} only in the second file");
        }

        var diff = new Tally();
        int tensors = 0, differingTensors = 0;
        foreach (var (name, x) in a)
        {
            if (!b.TryGetValue(name, out var y))
            {
                continue;
            }

            tensors++;
            if (x.DType != y.DType || !x.Shape.SequenceEqual(y.Shape))
            {
                structural.Add($"tensor {name}: {x.DType}[{string.Join(", ", x.Shape)}] vs {y.DType}[{string.Join(", ", y.Shape)}]");
                continue;
            }

            if (x.DType != "F32")
            {
                if (!x.Data.AsSpan().SequenceEqual(y.Data))
                {
                    differingTensors++;
                    structural.Add($"tensor {name} ({x.DType}): bytes differ");
                }

                continue;
            }

            int before = diff.Count;
            for (int i = 0; i < x.Data.Length / 4; i++)
            {
                int bx = BinaryPrimitives.ReadInt32LittleEndian(x.Data.AsSpan(4 * i));
                int by = BinaryPrimitives.ReadInt32LittleEndian(y.Data.AsSpan(4 * i));
                diff.Add(() => $"{name}{Index(x.Shape, i)}", BitConverter.Int32BitsToSingle(bx), BitConverter.Int32BitsToSingle(by), bx == by, single: true);
            }

            if (diff.Count > before)
            {
                differingTensors++;
            }
        }

        if (structural.Count == 0 && diff.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        if (diff.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{diff.Count:N0} of {diff.Total:N0} values differ, in {differingTensors} of {tensors} tensors; {diff.Describe()}");
        }

        foreach (string s in structural.Take(5))
        {
            text.Append(text.Length > 0 ? "; " : string.Empty).Append(s);
        }

        return text.ToString();
    }

    /// <summary>Null when both results.json texts have the same structure and the same bits in every value (measurements aside).</summary>
    public static string? CompareResults(string expectedJson, string actualJson)
    {
        using var a = JsonDocument.Parse(expectedJson);
        using var b = JsonDocument.Parse(actualJson);
        var diff = new Tally();
        var structural = new List<string>();
        Walk(a.RootElement, b.RootElement, "results", diff, structural);
        if (structural.Count == 0 && diff.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        if (diff.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{diff.Count:N0} of {diff.Total:N0} values differ; {diff.Describe()}");
        }

        foreach (string s in structural.Take(5))
        {
            text.Append(text.Length > 0 ? "; " : string.Empty).Append(s);
        }

        return text.ToString();
    }

    private static void Walk(JsonElement x, JsonElement y, string path, Tally diff, List<string> structural)
    {
        if (x.ValueKind != y.ValueKind)
        {
            structural.Add($"{path}: {x.ValueKind} {Short(x)} vs {y.ValueKind} {Short(y)}");
            return;
        }

        switch (x.ValueKind)
        {
            case JsonValueKind.Object:
                var yProperties = y.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var p in x.EnumerateObject())
                {
                    if (MeasurementKeys.Contains(p.Name))
                    {
                        yProperties.Remove(p.Name);
                        continue;
                    }

                    if (yProperties.Remove(p.Name, out var q))
                    {
                        Walk(p.Value, q, $"{path}.{p.Name}", diff, structural);
                    }
                    else
                    {
                        structural.Add($"{path}.{p.Name} missing from the second file");
                    }
                }

                foreach (string name in yProperties.Keys.Where(k => !MeasurementKeys.Contains(k)))
                {
                    structural.Add($"{path}.{name} only in the second file");
                }

                break;
            case JsonValueKind.Array:
                if (x.GetArrayLength() != y.GetArrayLength())
                {
                    structural.Add($"{path}: {x.GetArrayLength()} values vs {y.GetArrayLength()}");
                    return;
                }

                for (int i = 0; i < x.GetArrayLength(); i++)
                {
                    Walk(x[i], y[i], $"{path}[{i}]", diff, structural);
                }

                break;
            case JsonValueKind.Number:
                double dx = x.GetDouble(), dy = y.GetDouble();
                diff.Add(() => path, dx, dy, BitConverter.DoubleToInt64Bits(dx) == BitConverter.DoubleToInt64Bits(dy), single: false);
                break;
            default:
                if (x.GetRawText() != y.GetRawText())
                {
                    structural.Add($"{path}: {Short(x)} vs {Short(y)}");
                }

                break;
        }
    }

    private static string Short(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }

    /// <summary>[i] of a flat index as [row, column, …] of <paramref name="shape"/>.</summary>
    private static string Index(long[] shape, int flat)
    {
        var index = new long[shape.Length];
        long rest = flat;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }

        return "[" + string.Join(", ", index) + "]";
    }

    private sealed class Tally
    {
        private string? _firstWhere, _largestWhere;
        private double _firstX, _firstY, _largestX, _largestY, _largest = -1;
        private bool _single;

        public int Count { get; private set; }

        public long Total { get; private set; }

        public void Add(Func<string> where, double x, double y, bool same, bool single)
        {
            Total++;
            if (same)
            {
                return;
            }

            Count++;
            _single = single;
            double relative = Relative(x, y);
            if (_firstWhere is null)
            {
                (_firstWhere, _firstX, _firstY) = (where(), x, y);
            }

            if (relative > _largest)
            {
                (_largestWhere, _largestX, _largestY, _largest) = (where(), x, y, relative);
            }
        }

        public string Describe() =>
            $"first {_firstWhere} = {Value(_firstX)} vs {Value(_firstY)} (relative difference {Relative(_firstX, _firstY):G3}); " +
            $"largest relative difference {_largest:G3} at {_largestWhere} = {Value(_largestX)} vs {Value(_largestY)}";

        private string Value(double v) => _single
            ? ((float)v).ToString("R", CultureInfo.InvariantCulture) + $" (0x{BitConverter.SingleToInt32Bits((float)v):X8})"
            : v.ToString("R", CultureInfo.InvariantCulture);

        private static double Relative(double x, double y)
        {
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return double.PositiveInfinity;
            }

            double scale = Math.Max(Math.Abs(x), Math.Abs(y));
            return scale == 0 ? 0 : Math.Abs(x - y) / scale;
        }
    }

    private sealed record RawTensor(string DType, long[] Shape, byte[] Data);

    /// <summary>safetensors: an 8-byte little-endian header length, a JSON header, then the tensors' bytes.</summary>
    private static Dictionary<string, RawTensor> ReadSafeTensors(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (shorter than its header length)");
        }

        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        if (headerLength < 2 || headerLength > file.Length - 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength})");
        }

        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        int start = 8 + (int)headerLength;
        var tensors = new Dictionary<string, RawTensor>(StringComparer.Ordinal);
        foreach (var p in header.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                continue;
            }

            long[] offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            tensors[p.Name] = new RawTensor(p.Value.GetProperty("dtype").GetString()!, shape, file[(start + (int)offsets[0])..(start + (int)offsets[1])]);
        }

        return tensors;
    }
}
