using System.Text;
using AotNet.Data.Keras;

namespace AotNet.Tests.Data;

public class KerasTokenizerTests
{
    private static WordIndex Index(string json) => WordIndex.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "w.json");

    [Fact]
    public void Splits_like_text_to_word_sequence()
    {
        // keras.preprocessing.text.text_to_word_sequence("Hello, World!  It's a\tTEST.\nend--of (line)")
        Assert.Equal(
            ["hello", "world", "it's", "a", "test", "end", "of", "line"],
            KerasTokenizer.Split("Hello, World!  It's a\tTEST.\nend--of (line)"));
        Assert.Empty(KerasTokenizer.Split(" ,.!? \t\n "));
    }

    [Fact]
    public void Every_default_filter_character_separates_words_and_other_characters_do_not()
    {
        foreach (char c in KerasTokenizer.DefaultFilters)
        {
            Assert.Equal(["ab", "cd"], KerasTokenizer.Split($"ab{c}cd"));
        }

        // not filters in Keras: the apostrophe, a carriage return, U+0085 (a word of the IMDB index)
        Assert.Equal(["don't"], KerasTokenizer.Split("Don't"));
        Assert.Equal(["ab\rcd"], KerasTokenizer.Split("ab\rcd"));
        Assert.Equal(["ab\u0085cd"], KerasTokenizer.Split("ab\u0085cd"));
    }

    [Fact]
    public void Numbers_words_like_load_data_start_rank_plus_three_and_oov()
    {
        var tokenizer = new KerasTokenizer(Index("""{"the": 1, "movie": 2, "great": 3, "rare": 9996, "rarer": 9997}"""));
        // start 1; the → 4; movie → 5; "was" unknown → 2; great → 6; rank 9996 → 9999 (kept); rank 9997 → 10000 ≥ num_words → 2
        Assert.Equal([1, 4, 5, 2, 6, 9999, 2], tokenizer.Encode("The movie was GREAT! rare, rarer."));
        Assert.Equal([1], tokenizer.Encode(""));
    }

    [Fact]
    public void Honours_other_numbering_options()
    {
        var tokenizer = new KerasTokenizer(Index("""{"a": 1, "b": 2, "c": 3}"""), numWords: 5, startChar: 0, oovChar: 4, indexFrom: 1);
        Assert.Equal([0, 2, 3, 4, 4], tokenizer.Encode("a b c d"));
        Assert.Throws<ArgumentException>(() => new KerasTokenizer(Index("""{"a": 1}"""), numWords: 2, oovChar: 2));
    }

    [Fact]
    public void EncodeAll_keeps_one_sequence_per_text()
    {
        var tokenizer = new KerasTokenizer(Index("""{"good": 1, "bad": 2}"""));
        var sequences = tokenizer.EncodeAll(["good", "bad bad", ""]);
        Assert.Equal(3, sequences.Count);
        Assert.Equal([1, 4], sequences[0].ToArray());
        Assert.Equal([1, 5, 5], sequences[1].ToArray());
        Assert.Equal([1], sequences[2].ToArray());
    }

    [RealDataTheory]
    [InlineData("imdb")]
    [InlineData("reuters")]
    public void Re_encodes_decoded_load_data_sequences_exactly(string dataset)
    {
        string dir = TestData.Require();
        bool imdb = dataset == "imdb";
        var index = WordIndex.Load(Path.Combine(dir, imdb ? Imdb.WordIndexFileName : Reuters.WordIndexFileName));
        var data = imdb ? Imdb.Load(dir, 10000) : Reuters.Load(dir, 10000);
        var tokenizer = new KerasTokenizer(index);
        const string Unknown = "zzznotawordzzz";
        Assert.False(index.Words.ContainsKey(Unknown));
        for (int i = 0; i < 300; i++)
        {
            ReadOnlySpan<int> ids = data.Train.Sequences[i];
            // the tutorial's decoding, minus the start id; out-of-vocabulary ids become a word the index does not know
            string text = index.Decode(ids[1..], offset: 3, unknown: Unknown);
            Assert.Equal(ids.ToArray(), tokenizer.Encode(text));
        }
    }
}
