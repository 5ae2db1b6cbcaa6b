using System.Buffers.Binary;
using System.Text;
using AotNet.IO;
using AotNet.Tests.Training;

namespace AotNet.Tests.IO;

public class SafeTensorsTests
{
    [Fact]
    public void RoundTripsTensorsAndMetadata()
    {
        var tensors = new List<Tensor>
        {
            new("dense_0.kernel", [2, 3], [1, 2, 3, 4, 5, -6.5f]),
            new("dense_0.bias", [3], [0.25f, 0, float.Epsilon]),
        };
        byte[] bytes = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["topology"] = "2 → 3" });
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + headerLength) % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Contains("\"dense_0.kernel\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", header);

        var (read, metadata) = SafeTensors.Deserialize(bytes);
        Assert.Equal("2 → 3", metadata["topology"]);
        Assert.Equal(tensors[0].Data, read["dense_0.kernel"].Data);
        Assert.Equal(tensors[1].Data, read["dense_0.bias"].Data);
        Assert.Equal([2, 3], read["dense_0.kernel"].Shape);
    }

    [Fact]
    public void ModelWeightsRoundTripAndMismatchesAreRefused()
    {
        var model = LinearTestModel.Create(4);
        var description = LinearTestModel.Description;
        var tensors = SafeTensors.FromModel(description, model.Parameters);
        Assert.Equal(["dense_0.kernel", "dense_0.bias"], tensors.Select(t => t.Name));
        var (read, _) = SafeTensors.Deserialize(SafeTensors.Serialize(tensors));

        var other = new float[description.ParameterCount];
        SafeTensors.ToModel(description, read, other);
        Assert.Equal(model.Parameters, other);

        var wrongShape = new Dictionary<string, Tensor>(read) { ["dense_0.kernel"] = new("dense_0.kernel", [1, 3], [1, 2, 3]) };
        Assert.Contains("shape", Assert.Throws<SafeTensorsException>(() => SafeTensors.ToModel(description, wrongShape, other)).Message);
        var missing = new Dictionary<string, Tensor>(read);
        missing.Remove("dense_0.bias");
        Assert.Contains("missing", Assert.Throws<SafeTensorsException>(() => SafeTensors.ToModel(description, missing, other)).Message);
        var extra = new Dictionary<string, Tensor>(read) { ["dense_9.bias"] = new("dense_9.bias", [1], [1]) };
        Assert.Contains("unexpected", Assert.Throws<SafeTensorsException>(() => SafeTensors.ToModel(description, extra, other)).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("header length beyond the file")]
    [InlineData("not json")]
    [InlineData("F64 dtype")]
    [InlineData("offsets beyond data")]
    [InlineData("missing dtype")]
    public void RefusesBrokenFiles(string what)
    {
        byte[] good = SafeTensors.Serialize([new Tensor("t", [2], [1, 2])]);
        byte[] bad = what switch
        {
            "" => [],
            "short" => [1, 2, 3],
            "header length beyond the file" => [.. BitConverter.GetBytes(1000UL), .. good[8..]],
            "not json" => Build("{\"t\": [1,"),
            "F64 dtype" => Build("{\"t\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
            "offsets beyond data" => Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
            _ => Build("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        };
        Assert.Throws<SafeTensorsException>(() => SafeTensors.Deserialize(bad));
    }

    private static byte[] Build(string header, int dataBytes = 0)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. new byte[dataBytes]];
    }
}
