using System.Text.Json;
using AotNet.App.Commands;
using AotNet.Data.Keras;

namespace AotNet.Tests.Data;

public class DataCommandTests
{
    private static (int Code, string Out, string Err) Run(DataRequest request, DatasetCache? cache = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DataCommand.Run(request, output, error, cache);
        return (code, output.ToString(), error.ToString());
    }

    [RealDataFact]
    public void Imdb_json_sample_is_keras_exact()
    {
        var (code, output, error) = Run(new DataRequest("imdb", "train", 0, Json: true, DataDirectory: TestData.Require()));
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("imdb", root.GetProperty("dataset").GetString());
        Assert.Equal(25000, root.GetProperty("train_count").GetInt32());
        Assert.Equal(25000, root.GetProperty("test_count").GetInt32());
        int[] ids = root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(218, ids.Length);
        Assert.Equal([1, 14, 22, 16, 43, 530, 973], ids[..7]);
        Assert.Equal(1, root.GetProperty("label").GetDouble());
        Assert.StartsWith(" this film was just brilliant casting location scenery story", root.GetProperty("text").GetString());
        Assert.False(root.TryGetProperty("features", out _));
        Assert.Single(output.Trim().Split('\n'));
    }

    [RealDataFact]
    public void Reuters_json_sample_is_keras_exact()
    {
        var (code, output, _) = Run(new DataRequest("reuters", "train", 5, Json: true, DataDirectory: TestData.Require()));
        Assert.Equal(0, code);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(8982, root.GetProperty("train_count").GetInt32());
        Assert.Equal(2246, root.GetProperty("test_count").GetInt32());
        Assert.Equal(4, root.GetProperty("label").GetDouble());
        Assert.Equal("acq", root.GetProperty("label_name").GetString());
        int[] ids = root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(116, ids.Length);
        Assert.Equal(27192, ids.Sum());
    }

    [RealDataFact]
    public void Boston_json_and_text_show_the_raw_features()
    {
        var (code, output, _) = Run(new DataRequest("boston", "test", 7, Json: true, DataDirectory: TestData.Require()));
        Assert.Equal(0, code);
        Assert.Equal(
            """{"dataset":"boston","split":"test","index":7,"train_count":404,"test_count":102,"features":[0.03551,25,4.86,0,0.426,6.167,46.7,5.4007,4,281,19,390.64,7.51],"label":22.9}""",
            output.Trim());

        var (textCode, text, _) = Run(new DataRequest("boston", "test", 7, DataDirectory: TestData.Require()));
        Assert.Equal(0, textCode);
        Assert.Contains("PTRATIO", text);
        Assert.Contains("390.64", text);
        Assert.Contains("22.9", text);
    }

    [Theory]
    [InlineData("mnist", "train", 0, "unknown dataset 'mnist'")]
    [InlineData("imdb", "validation", 0, "unknown split 'validation'")]
    public void Bad_requests_fail_with_one_line(string dataset, string split, int index, string message)
    {
        var (code, output, error) = Run(new DataRequest(dataset, split, index));
        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [RealDataFact]
    public void Index_out_of_range_fails_cleanly()
    {
        var (code, _, error) = Run(new DataRequest("boston", "test", 102, DataDirectory: TestData.Require()));
        Assert.Equal(1, code);
        Assert.Contains("index 102 is outside the test split (0..101)", error);
        Assert.DoesNotContain(" at ", error);
    }

    [Fact]
    public void Missing_file_that_cannot_be_downloaded_fails_cleanly()
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-data-cmd").FullName;
        try
        {
            using var server = new LoopbackHttpServer(); // serves nothing: 404
            var (code, output, error) = Run(new DataRequest("boston", Json: true, DataDirectory: dir), new DatasetCache(dir, server.BaseUrl));
            Assert.Equal(1, code);
            Assert.Equal(string.Empty, output);
            Assert.Contains("HTTP 404", error);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
