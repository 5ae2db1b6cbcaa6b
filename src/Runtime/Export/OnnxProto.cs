using Google.Protobuf;

namespace AotNet.Export;

/// <summary>
/// The few messages of onnx.proto an exported model needs, written with Google.Protobuf's wire-format encoder
/// (<see cref="CodedOutputStream"/>: tags, varints, floats, length-delimited fields). The field numbers are those of
/// onnx.proto (IR version 8), written down here instead of generated: generating needs onnx.proto in the repository
/// and brings its descriptor and reflection code (thousands of lines) into the native binary for ten messages we
/// only ever write.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoMessage Bytes(int field, ReadOnlySpan<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public ProtoMessage Message(int field, ProtoMessage message)
    {
        message._output.Flush();
        return Bytes(field, message._buffer.GetBuffer().AsSpan(0, (int)message._buffer.Length));
    }

    public void WriteTo(Stream stream)
    {
        _output.Flush();
        stream.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
    }
}

/// <summary>Builders for the onnx.proto messages (field numbers from onnx.proto; see <see cref="ProtoMessage"/>).</summary>
internal static class Onnx
{
    /// <summary>IR version 8 (ONNX 1.10+), which opset 17 requires at least.</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain opset: 17 (ONNX 1.12) has every op used here (LayerNormalization since 17).</summary>
    public const long Opset = 17;

    private const int FloatType = 1; // TensorProto.DataType.FLOAT

    /// <summary>TensorProto.DataType.INT64.</summary>
    public const int Int64Type = 7;

    private const int AttributeFloat = 1, AttributeInt = 2, AttributeInts = 7; // AttributeProto.AttributeType

    /// <summary>ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8, metadata_props 14.</summary>
    public static ProtoMessage Model(ProtoMessage graph, string producerVersion, string doc, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ProtoMessage()
            .Int64(1, IrVersion)
            .String(2, "AotNet")
            .String(3, producerVersion)
            .String(6, doc)
            .Message(7, graph)
            .Message(8, new ProtoMessage().String(1, string.Empty).Int64(2, Opset)); // OperatorSetIdProto: domain 1, version 2
        foreach (var (key, value) in metadata)
        {
            model.Message(14, new ProtoMessage().String(1, key).String(2, value)); // StringStringEntryProto: key 1, value 2
        }

        return model;
    }

    /// <summary>GraphProto: node 1, name 2, initializer 5, input 11, output 12.</summary>
    public static ProtoMessage Graph(string name, IEnumerable<ProtoMessage> nodes, IEnumerable<ProtoMessage> initializers, ProtoMessage input, ProtoMessage output)
    {
        var graph = new ProtoMessage();
        foreach (var node in nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, name);
        foreach (var initializer in initializers)
        {
            graph.Message(5, initializer);
        }

        return graph.Message(11, input).Message(12, output);
    }

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.</summary>
    public static ProtoMessage Node(string opType, string name, string[] inputs, string output, params ProtoMessage[] attributes)
    {
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output).String(3, name).String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute);
        }

        return node;
    }

    /// <summary>AttributeProto with a float: name 1, f 2, type 20.</summary>
    public static ProtoMessage FloatAttribute(string name, float value) =>
        new ProtoMessage().String(1, name).Float(2, value).Int64(20, AttributeFloat);

    /// <summary>AttributeProto with an int: name 1, i 3, type 20.</summary>
    public static ProtoMessage IntAttribute(string name, long value) =>
        new ProtoMessage().String(1, name).Int64(3, value).Int64(20, AttributeInt);

    /// <summary>AttributeProto with ints: name 1, ints 8, type 20.</summary>
    public static ProtoMessage IntsAttribute(string name, params long[] values)
    {
        var attribute = new ProtoMessage().String(1, name);
        foreach (long v in values)
        {
            attribute.Int64(8, v);
        }

        return attribute.Int64(20, AttributeInts);
    }

    /// <summary>TensorProto of int64s (e.g. the axes input of ReduceSum/Unsqueeze): dims 1, data_type 2, name 8, raw_data 9.</summary>
    public static ProtoMessage Int64Tensor(string name, ReadOnlySpan<int> dims, ReadOnlySpan<long> values)
    {
        var tensor = new ProtoMessage();
        foreach (int d in dims)
        {
            tensor.Int64(1, d);
        }

        var raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        return tensor.Int64(2, Int64Type).String(8, name).Bytes(9, raw);
    }

    /// <summary>TensorProto of floats: dims 1, data_type 2, name 8, raw_data 9 (little-endian).</summary>
    public static ProtoMessage FloatTensor(string name, ReadOnlySpan<int> dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtoMessage();
        foreach (int d in dims)
        {
            tensor.Int64(1, d);
        }

        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        return tensor.Int64(2, FloatType).String(8, name).Bytes(9, raw);
    }

    /// <summary>
    /// ValueInfoProto of a float (or <paramref name="elementType"/>) matrix [batch, columns] with a symbolic batch dimension: name 1, type 2 → TypeProto
    /// tensor_type 1 → elem_type 1, shape 2 → TensorShapeProto dim 1 → dim_value 1 | dim_param 2.
    /// </summary>
    public static ProtoMessage FloatMatrixInfo(string name, string batchName, int columns, int elementType = FloatType)
    {
        var shape = new ProtoMessage()
            .Message(1, new ProtoMessage().String(2, batchName))
            .Message(1, new ProtoMessage().Int64(1, columns));
        var tensorType = new ProtoMessage().Int64(1, elementType).Message(2, shape);
        return new ProtoMessage().String(1, name).Message(2, new ProtoMessage().Message(1, tensorType));
    }
}
