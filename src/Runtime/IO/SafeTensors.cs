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

    /// <summary>Parses a safetensors file; every inconsistency is a <see cref="SafeTensorsException"/>.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Deserialize(ReadOnlySpan<byte> file, string source = "safetensors file")
    {
        if (file.Length < 8)
        {
            throw new SafeTensorsException($"{source}: too short to be a safetensors file ({file.Length} bytes)");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(file.Length - 8))
        {
            throw new SafeTensorsException($"{source}: header length {headerLength} does not fit the file ({file.Length} bytes)");
        }

        var data = file[(8 + (int)headerLength)..];
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(file.Slice(8, (int)headerLength).ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsException($"{source}: the header is not a JSON object");
            }

            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new SafeTensorsException($"{source}: metadata value '{m.Name}' is not a string");
                    }

                    continue;
                }

                tensors[entry.Name] = ReadTensor(entry, data, source);
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException($"{source}: the header is not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new SafeTensorsException($"{source}: the header has an unexpected form ({e.Message})");
        }

        return (tensors, metadata);
    }

    /// <summary>The model's weights as named tensors (<c>dense_{i}.kernel</c> [in, out], <c>dense_{i}.bias</c> [out]).</summary>
    public static List<Tensor> FromModel(ModelDescription description, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(description);
        var tensors = new List<Tensor>();
        foreach (var layer in description.Layers)
        {
            tensors.Add(new Tensor(layer.KernelName, [layer.Inputs, layer.Units], parameters.Slice(layer.KernelOffset, layer.KernelLength).ToArray()));
            tensors.Add(new Tensor(layer.BiasName, [layer.Units], parameters.Slice(layer.BiasOffset, layer.Units).ToArray()));
        }

        return tensors;
    }

    /// <summary>Copies tensors into a model's parameter block, refusing missing or extra names and wrong shapes.</summary>
    public static void ToModel(ModelDescription description, IReadOnlyDictionary<string, Tensor> tensors, float[] parameters, string source = "weights")
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(parameters);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in description.Layers)
        {
            Copy(layer.KernelName, [layer.Inputs, layer.Units], layer.KernelOffset);
            Copy(layer.BiasName, [layer.Units], layer.BiasOffset);
        }

        foreach (string name in tensors.Keys)
        {
            if (!expected.Contains(name))
            {
                throw new SafeTensorsException($"{source}: unexpected tensor '{name}' for {description.Name} ({description.Topology})");
            }
        }

        void Copy(string name, int[] shape, int offset)
        {
            expected.Add(name);
            if (!tensors.TryGetValue(name, out var tensor))
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' is missing; {description.Name} needs {string.Join(", ", description.Layers.SelectMany(l => new[] { l.KernelName, l.BiasName }))}");
            }

            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new SafeTensorsException($"{source}: tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], {description.Name} needs [{string.Join(", ", shape)}]");
            }

            tensor.Data.CopyTo(parameters, offset);
        }
    }

    private static Tensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string source)
    {
        var value = entry.Value;
        string dtype = value.GetProperty("dtype").GetString() ?? string.Empty;
        if (dtype != "F32")
        {
            throw new SafeTensorsException($"{source}: tensor '{entry.Name}' has dtype {dtype}; only F32 is supported");
        }

        var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0 || (count *= d) > int.MaxValue)
            {
                throw new SafeTensorsException($"{source}: tensor '{entry.Name}' has an invalid shape");
            }
        }

        var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length || offsets[1] - offsets[0] != count * sizeof(float))
        {
            throw new SafeTensorsException($"{source}: tensor '{entry.Name}' has data offsets that do not match its shape or the file");
        }

        var values = new float[count];
        var bytes = data[(int)offsets[0]..(int)offsets[1]];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return new Tensor(entry.Name, shape, values);
    }
}
