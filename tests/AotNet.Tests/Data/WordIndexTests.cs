using System.Text;
using AotNet.Data;
using AotNet.Data.Keras;

namespace AotNet.Tests.Data;

public class WordIndexTests
{
    private static WordIndex Parse(string json) => WordIndex.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "w.json");

    [Fact]
    public void Parses_and_decodes_with_the_tutorial_offset()
    {
        WordIndex w = Parse("""{"the": 1, "film": 19, "great": 84}""");
        Assert.Equal(3, w.Count);
        Assert.True(w.TryGetWord(19, out string word));
        Assert.Equal("film", word);
        Assert.Equal("? the film ? great", w.Decode([1, 4, 22, 2, 87]));
        Assert.Equal(" the film  great", w.Decode([1, 4, 22, 2, 87], unknown: string.Empty));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("""{"a": "1"}""")]
    [InlineData("""{"a": 1.5}""")]
    [InlineData("""{"a": 0}""")]
    [InlineData("""{"a": -4}""")]
    [InlineData("""{"a": {"b": 1}}""")]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{"a": 1""")]
    [InlineData("null")]
    [InlineData("""{"a": 1} trailing""")]
    public void Refuses_anything_but_an_object_of_positive_ints(string json)
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(json));
        Assert.Contains("w.json", e.Message);
    }

    [Fact]
    public void Refuses_a_word_that_is_not_utf8()
    {
        // found by ReaderFuzzTests: Utf8JsonReader checks a name's UTF-8 only in GetString, which throws InvalidOperationException
        byte[] json = [.. "{\"the\": 1, \"and"u8, 0xE3, 0xB6, 0x60, .. "\": 2}"u8];
        var e = Assert.Throws<DataFormatException>(() => WordIndex.Parse(new MemoryStream(json), "w.json"));
        Assert.Contains("w.json", e.Message);
        Assert.Contains("UTF-8", e.Message);
    }

    [RealDataFact]
    public void Real_imdb_index_decodes_the_first_review()
    {
        WordIndex w = WordIndex.Load(Path.Combine(TestData.Require(), Imdb.WordIndexFileName));
        Assert.Equal(88584, w.Count);
        Assert.Equal("? this film was just brilliant casting", w.Decode([1, 14, 22, 16, 43, 530, 973]));
    }
}
