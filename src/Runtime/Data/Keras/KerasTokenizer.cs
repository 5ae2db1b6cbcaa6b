namespace AotNet.Data.Keras;

/// <summary>
/// Turns raw text into the word-id sequences the Keras text datasets use, so a model trained on
/// <c>imdb.load_data</c> or <c>reuters.load_data</c> can score new text:
/// Keras's <c>text_to_word_sequence</c> (lower-case, the default filter characters replaced by spaces, split, empty
/// tokens dropped), then <c>load_data</c>'s numbering: a start id, every known word's rank + <c>indexFrom</c>, the
/// out-of-vocabulary id for unknown words and for ids at or above <c>numWords</c>.
/// </summary>
/// <remarks>
/// Like Keras, words are split on the space character only (tab and newline are filter characters, so they separate
/// too); other white space such as <c>\r</c> or U+0085 stays part of a word: the IMDB index even ranks U+0085 as a word.
/// </remarks>
public sealed class KerasTokenizer
{
    /// <summary>Keras's default <c>filters</c>: <c>!"#$%&amp;()*+,-./:;&lt;=&gt;?@[\]^_`{|}~</c>, tab and newline. The apostrophe is kept.</summary>
    public const string DefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

    private readonly IReadOnlyDictionary<string, int> _words;
    private readonly string _filters;

    /// <summary>A tokenizer over <paramref name="wordIndex"/> with <c>load_data</c>'s numbering.</summary>
    /// <param name="wordIndex">The dataset's word index (rank 1 = most frequent word).</param>
    /// <param name="numWords">Ids at or above this become <paramref name="oovChar"/> (the tutorial's <c>num_words=10000</c>).</param>
    /// <param name="startChar">The id every sequence starts with.</param>
    /// <param name="oovChar">The id of unknown and out-of-vocabulary words.</param>
    /// <param name="indexFrom">Added to a word's rank.</param>
    /// <param name="filters">Characters replaced by spaces before splitting.</param>
    public KerasTokenizer(WordIndex wordIndex, int numWords = 10000, int startChar = 1, int oovChar = 2, int indexFrom = 3, string filters = DefaultFilters)
    {
        ArgumentNullException.ThrowIfNull(wordIndex);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numWords);
        ArgumentOutOfRangeException.ThrowIfNegative(startChar);
        ArgumentOutOfRangeException.ThrowIfNegative(oovChar);
        ArgumentOutOfRangeException.ThrowIfNegative(indexFrom);
        if (startChar >= numWords || oovChar >= numWords)
        {
            throw new ArgumentException($"startChar ({startChar}) and oovChar ({oovChar}) must be below numWords ({numWords})");
        }

        _words = wordIndex.Words;
        NumWords = numWords;
        StartChar = startChar;
        OovChar = oovChar;
        IndexFrom = indexFrom;
        _filters = filters;
    }

    /// <summary>Ids are below this.</summary>
    public int NumWords { get; }

    /// <summary>The first id of every sequence.</summary>
    public int StartChar { get; }

    /// <summary>The id of unknown words.</summary>
    public int OovChar { get; }

    /// <summary>The offset added to word ranks.</summary>
    public int IndexFrom { get; }

    /// <summary>Keras's <c>text_to_word_sequence(text)</c>: the lower-cased words of <paramref name="text"/>.</summary>
    public static List<string> Split(string text, string filters = DefaultFilters)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(filters);
        var words = new List<string>();
        var lower = text.ToLowerInvariant();
        int start = -1;
        for (int i = 0; i <= lower.Length; i++)
        {
            bool separator = i == lower.Length || lower[i] == ' ' || filters.Contains(lower[i]);
            if (!separator)
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                words.Add(lower[start..i]);
                start = -1;
            }
        }

        return words;
    }

    /// <summary>The id sequence of <paramref name="text"/>: the start id, then one id per word.</summary>
    public int[] Encode(string text)
    {
        var words = Split(text, _filters);
        var ids = new int[words.Count + 1];
        ids[0] = StartChar;
        for (int i = 0; i < words.Count; i++)
        {
            ids[i + 1] = Id(words[i]);
        }

        return ids;
    }

    /// <summary>The id sequences of several texts, ready for <see cref="Vectorization.MultiHot.Encode"/>.</summary>
    public IntSequences EncodeAll(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return IntSequences.FromArrays(texts.Select(Encode).ToArray());
    }

    /// <summary>The id of one (already lower-cased, filtered) word.</summary>
    public int Id(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _words.TryGetValue(word, out int rank) && (long)rank + IndexFrom < NumWords ? rank + IndexFrom : OovChar;
    }
}
