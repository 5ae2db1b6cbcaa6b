using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AotNet.Training;

namespace AotNet.IO;

/// <summary>One F32 tensor of a safetensors file.</summary>
public sealed record Tensor(string Name, int[] Shape, float[] Data);

/// <summary>The safetensors file did not have the expected form.</summary>
public sealed class SafeTensorsException(string message) : IOException(message);

/// <summary>
/// The safetensors format (as Hugging Face's library writes it): an 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype, shape and data offsets (plus optional string <c>__metadata__</c>), then the raw
/// little-endian data. Only F32 tensors are read and written.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100 << 20;

    public static byte[] Serialize(IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            foreach (var tensor in tensors)
            {
                long bytes = (long)tensor.Data.Length * sizeof(float);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
        while (header.Length % 8 != 0)
        {
            header.WriteByte((byte)' ');
        }

        var result = new byte[8 + header.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.GetBuffer().AsSpan(0, (int)header.Length).CopyTo(result.AsSpan(8));
        var data = result.AsSpan(8 + (int)header.Length);
        foreach (var tensor in tensors)
        {
            foreach (float value in tensor.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data, value);
                data = data[sizeof(float)..];
            }
        }

        return result;
    }

    /// <summary>
    /// Parses a safetensors image held in memory; every inconsistency is a <see cref="SafeTensorsException"/>. The
    /// format's rules are enforced: names are unique, and the tensors' data ranges are contiguous, do not overlap and
    /// cover the data section exactly.
    /// </summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Deserialize(ReadOnlySpan<byte> file, string source = "safetensors file")
    {
        if (file.Length < 8)
        {
            throw new SafeTensorsException($"{source}: too short to be a safetensors file ({file.Length} bytes); {WhatToDo}");
        }

        long headerLength = CheckHeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(file), file.Length, source);
        var (entries, metadata) = ParseHeader(file.Slice(8, (int)headerLength), file.Length - 8 - headerLength, source);
        var data = file[(8 + (int)headerLength)..];
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var values = new float[entry.Count];
            var bytes = data[(int)entry.Begin..(int)entry.End];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
            }

            tensors[entry.Name] = new Tensor(entry.Name, entry.Shape, values);
        }

        return (tensors, metadata);
    }

    /// <summary>
    /// Reads the safetensors file at <paramref name="path"/> for <paramref name="model"/>: the header first (the file
    /// must be a regular file, and its names, dtypes, shapes and data layout are checked against the format and against
    /// the model before any tensor data is read), then the data, once. Every problem is a <see cref="SafeTensorsException"/>
    /// whose one-line message names the file and says what to do; values must be finite (no NaN or infinity).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The model the weights are for (names and shapes as <c>FromModel</c> writes them).</param>
    /// <param name="parameters">The model's parameter block, filled from the file.</param>
    /// <param name="checkMetadata">Called with the metadata before the tensors are checked against the model (it may throw, e.g. for weights of another model).</param>
    /// <returns>The file's <c>__metadata__</c>.</returns>
    public static Dictionary<string, string> ReadFile(string path, ModelDescription model, float[] parameters, Action<Dictionary<string, string>>? checkMetadata = null) =>
        ReadFile(path, model, parameters, [], checkMetadata);

    /// <summary>
    /// <see cref="ReadFile(string, ModelDescription, float[], Action{Dictionary{string, string}}?)"/> for a model with
    /// non-trainable state (<see cref="ModelDescription.StateCount"/> &gt; 0): its tensors go into <paramref name="state"/>.
    /// </summary>
    public static Dictionary<string, string> ReadFile(string path, ModelDescription model, float[] parameters, float[] state, Action<Dictionary<string, string>>? checkMetadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        CheckStateBlock(model, state);
        FileKind kind = FileKinds.Of(path);
        if (kind == FileKind.Missing)
        {
            throw new SafeTensorsException($"{path}: no such file; {WhatToDo}");
        }

        if (kind != FileKind.Regular)
        {
            throw new SafeTensorsException($"{path} is {FileKinds.Describe(kind)}, not a safetensors file; {WhatToDo}");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long length = stream.Length;
            if (length < 8)
            {
                throw new SafeTensorsException($"{path}: too short to be a safetensors file ({length} bytes); {WhatToDo}");
            }

            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            long headerLength = CheckHeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(prefix), length, path);
            if (headerLength > MaxModelHeaderBytes)
            {
                throw new SafeTensorsException(
                    $"{path}: a header of {headerLength} bytes is far more than a model's weights need (at most {MaxModelHeaderBytes}); {WhatToDo}");
            }

            var header = new byte[headerLength];
            stream.ReadExactly(header);
            long dataLength = length - 8 - headerLength;
            var (entries, metadata) = ParseHeader(header, dataLength, path);
            checkMetadata?.Invoke(metadata);
            var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            CheckAgainstModel(model, byName.ToDictionary(e => e.Key, e => e.Value.Shape, StringComparer.Ordinal), path);

            // the layout is contiguous and the names and shapes are the model's, so the data section is exactly the
            // model's parameters: read them in file order straight into the block
            foreach (var entry in entries)
            {
                var tensor = TensorOf(model, entry.Name);
                Span<float> target = (tensor.IsState ? state : parameters).AsSpan(tensor.Offset, (int)entry.Count);
                stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(target));
                if (!BitConverter.IsLittleEndian)
                {
                    for (int i = 0; i < target.Length; i++)
                    {
                        target[i] = BinaryPrimitives.ReadSingleLittleEndian(System.Runtime.InteropServices.MemoryMarshal.AsBytes(target.Slice(i, 1)));
                    }
                }

                CheckFinite(entry.Name, target, path);
            }

            return metadata;
        }
        catch (EndOfStreamException)
        {
            throw new SafeTensorsException($"{path}: the file ended early (it changed while being read?); {WhatToDo}");
        }
        catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException && e is not SafeTensorsException))
        {
            throw new SafeTensorsException($"{path}: cannot read the file ({e.Message}); {WhatToDo}");
        }
    }

    /// <summary>The largest header <c>ReadFile</c> accepts: a model's names, shapes and metadata need a few KB.</summary>
    public const long MaxModelHeaderBytes = 16 << 20;

    private const string WhatToDo = "pass a safetensors file saved for this model with --save-weights";

    private sealed record Entry(string Name, int[] Shape, long Count, long Begin, long End);

    private static long CheckHeaderLength(ulong headerLength, long fileLength, string source)
    {
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(fileLength - 8))
        {
            throw new SafeTensorsException(
                $"{source} is not a safetensors file: its first 8 bytes give a header of {headerLength} bytes, the file has {fileLength}; {WhatToDo}");
        }

        return (long)headerLength;
    }

    /// <summary>The header's tensors in data order, after checking the format's rules; and the metadata.</summary>
    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header, long dataLength, string source)
    {
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsException($"{source}: the header is not a JSON object; {WhatToDo}");
            }

            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(entry.Name))
                {
                    throw new SafeTensorsException($"{source}: the header names '{Clip(entry.Name)}' twice; {WhatToDo}");
                }

                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject())
                    {
                        if (metadata.ContainsKey(m.Name))
                        {
                            throw new SafeTensorsException($"{source}: metadata key '{Clip(m.Name)}' appears twice; {WhatToDo}");
                        }

                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new SafeTensorsException($"{source}: metadata value '{Clip(m.Name)}' is not a string; {WhatToDo}");
                    }

                    continue;
                }

                entries.Add(ReadEntry(entry, source));
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException($"{source}: the header is not valid JSON ({e.Message}); {WhatToDo}");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new SafeTensorsException($"{source}: the header has an unexpected form ({e.Message}); {WhatToDo}");
        }

        // the format's layout rule: sorted by offset, the ranges follow each other from 0 to the end of the data
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin != expected)
            {
                throw new SafeTensorsException(entry.Begin < expected
                    ? $"{source}: tensor '{Clip(entry.Name)}' overlaps the data of another tensor (offset {entry.Begin}, previous data ends at {expected}); {WhatToDo}"
                    : $"{source}: {entry.Begin - expected} bytes before tensor '{Clip(entry.Name)}' belong to no tensor; {WhatToDo}");
            }

            expected = entry.End;
        }

        if (expected != dataLength)
        {
            throw new SafeTensorsException(expected < dataLength
                ? $"{source}: the last {dataLength - expected} bytes of the file belong to no tensor; {WhatToDo}"
                : $"{source}: the tensors need {expected} bytes of data, the file holds {dataLength}; {WhatToDo}");
        }

        return (entries, metadata);
    }

    private static Entry ReadEntry(JsonProperty entry, string source)
    {
        var value = entry.Value;
        string name = Clip(entry.Name);
        string dtype = value.GetProperty("dtype").GetString() ?? string.Empty;
        if (dtype != "F32")
        {
            throw new SafeTensorsException($"{source}: tensor '{name}' has dtype {Clip(dtype)}; only F32 is supported; {WhatToDo}");
        }

        var shapeElement = value.GetProperty("shape");
        if (shapeElement.GetArrayLength() > 8)
        {
            throw new SafeTensorsException($"{source}: tensor '{name}' has {shapeElement.GetArrayLength()} dimensions; {WhatToDo}");
        }

        var shape = shapeElement.EnumerateArray().Select(d => d.GetInt32()).ToArray();
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0 || (count *= d) > int.MaxValue)
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' has an invalid shape [{string.Join(", ", shape)}]; {WhatToDo}");
            }
        }

        var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] - offsets[0] != count * sizeof(float))
        {
            throw new SafeTensorsException($"{source}: tensor '{name}' has data offsets that do not match its shape; {WhatToDo}");
        }

        return new Entry(entry.Name, shape, count, offsets[0], offsets[1]);
    }

    private static void CheckAgainstModel(ModelDescription description, IReadOnlyDictionary<string, int[]> shapes, string source)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in description.Tensors)
        {
            Check(tensor.Name, tensor.Shape);
        }

        foreach (string name in shapes.Keys)
        {
            if (!expected.Contains(name))
            {
                throw new SafeTensorsException($"{source}: unexpected tensor '{Clip(name)}' for {description.Name} ({description.Topology}); {WhatToDo}");
            }
        }

        void Check(string name, int[] shape)
        {
            expected.Add(name);
            if (!shapes.TryGetValue(name, out var actual))
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' is missing; {description.Name} needs {string.Join(", ", description.Tensors.Select(t => t.Name))}; {WhatToDo}");
            }

            if (!actual.AsSpan().SequenceEqual(shape))
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' has shape [{string.Join(", ", actual)}], {description.Name} needs [{string.Join(", ", shape)}]; {WhatToDo}");
            }
        }
    }

    private static WeightTensor TensorOf(ModelDescription description, string name)
    {
        foreach (var tensor in description.Tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        throw new InvalidOperationException($"no tensor {name}");
    }

    private static void CheckStateBlock(ModelDescription description, float[] state)
    {
        if (state.Length < description.StateCount)
        {
            throw new ArgumentException($"{description.Name} keeps {description.StateCount} floats of non-trainable state: pass its State block", nameof(state));
        }
    }

    private static void CheckFinite(string name, ReadOnlySpan<float> values, string source)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new SafeTensorsException(
                    $"{source}: tensor '{name}' holds {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at index {i}; weights must be finite numbers, so train and save them again");
            }
        }
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>The model's weights as named tensors (<c>dense_{i}.kernel</c> [in, out], <c>dense_{i}.bias</c> [out]).</summary>
    public static List<Tensor> FromModel(ModelDescription description, ReadOnlySpan<float> parameters) => FromModel(description, parameters, []);

    /// <summary>
    /// The model's weights as named tensors in <see cref="ModelDescription.Tensors"/>' order (Keras's): the trainable ones
    /// from <paramref name="parameters"/>, the non-trainable ones (e.g. <c>normalization.mean</c>) from <paramref name="state"/>.
    /// </summary>
    public static List<Tensor> FromModel(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (state.Length < description.StateCount)
        {
            throw new ArgumentException($"{description.Name} keeps {description.StateCount} floats of non-trainable state: pass its State block", nameof(state));
        }

        var tensors = new List<Tensor>();
        foreach (var tensor in description.Tensors)
        {
            var block = tensor.IsState ? state : parameters;
            tensors.Add(new Tensor(tensor.Name, tensor.Shape, block.Slice(tensor.Offset, tensor.Length).ToArray()));
        }

        return tensors;
    }

    /// <summary>Copies tensors into a model's parameter block, refusing missing or extra names and wrong shapes.</summary>
    public static void ToModel(ModelDescription description, IReadOnlyDictionary<string, Tensor> tensors, float[] parameters, string source = "weights") =>
        ToModel(description, tensors, parameters, [], source);

    /// <summary>Copies tensors into a model's parameter and state blocks, refusing missing or extra names and wrong shapes.</summary>
    public static void ToModel(ModelDescription description, IReadOnlyDictionary<string, Tensor> tensors, float[] parameters, float[] state, string source = "weights")
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        CheckStateBlock(description, state);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"parameters holds {parameters.Length} values; {description.Name} has {description.ParameterCount}", nameof(parameters));
        }

        // everything is checked before anything is copied: bad weights leave the model's parameters and state as they were
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var copies = new List<(float[] Data, float[] Block, int Offset)>();
        foreach (var tensor in description.Tensors)
        {
            Check(tensor.Name, tensor.Shape, tensor.IsState ? state : parameters, tensor.Offset);
        }

        foreach (string name in tensors.Keys)
        {
            if (!expected.Contains(name))
            {
                throw new SafeTensorsException($"{source}: unexpected tensor '{Clip(name)}' for {description.Name} ({description.Topology}); {WhatToDo}");
            }
        }

        foreach (var (data, block, offset) in copies)
        {
            data.CopyTo(block, offset);
        }

        void Check(string name, int[] shape, float[] block, int offset)
        {
            expected.Add(name);
            if (!tensors.TryGetValue(name, out var tensor) || tensor is null)
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' is missing; {description.Name} needs {string.Join(", ", description.Tensors.Select(t => t.Name))}; {WhatToDo}");
            }

            if (tensor.Shape is null || !tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' has shape [{string.Join(", ", tensor.Shape ?? [])}], {description.Name} needs [{string.Join(", ", shape)}]; {WhatToDo}");
            }

            long count = (long)shape[0] * (shape.Length > 1 ? shape[1] : 1);
            if (tensor.Data is null || tensor.Data.Length != count)
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' holds {tensor.Data?.Length ?? 0} values for shape [{string.Join(", ", shape)}], which needs {count}; {WhatToDo}");
            }

            CheckFinite(name, tensor.Data, source);
            copies.Add((tensor.Data, block, offset));
        }
    }
}
