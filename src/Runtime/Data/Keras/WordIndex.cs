namespace AotNet.Data.Keras;

/// <summary>
/// A Keras word index (<c>imdb_word_index.json</c>, <c>reuters_word_index.json</c>): word → rank (1 = most frequent),
/// with the reverse lookup used to turn a <c>load_data</c> sequence back into text.
/// </summary>
public sealed class WordIndex
{
    private readonly Dictionary<int, string> _reverse;

    private WordIndex(Dictionary<string, int> words)
    {
        Words = words;
        _reverse = new Dictionary<int, string>(words.Count);
        foreach (var (word, index) in words)
        {
            _reverse[index] = word; // like Python's dict((v, k) for k, v in items()): the last word with an index wins
        }
    }

    /// <summary>Word → index, as in the JSON file.</summary>
    public IReadOnlyDictionary<string, int> Words { get; }

    /// <summary>The number of words.</summary>
    public int Count => Words.Count;

    /// <summary>
    /// Loads and checks a word-index file: it must be one JSON object whose values are positive integers
    /// (no duplicate keys, nothing else).
    /// </summary>
    /// <exception cref="DataFormatException">The file cannot be read or has another structure.</exception>
    public static WordIndex Load(string path) => Load(path, int.MaxValue);

    /// <summary>
    /// Loads and checks a word-index file, keeping only the words whose index is at most <paramref name="maxIndex"/>
    /// (a tokenizer with <c>num_words</c> uses ranks up to <c>num_words - index_from - 1</c>): the whole file is still
    /// checked, streamed, but memory follows the words kept, not the file.
    /// </summary>
    /// <exception cref="DataFormatException">The file cannot be read or has another structure.</exception>
    public static WordIndex Load(string path, int maxIndex)
    {
        try
        {
            AotNet.IO.FileKinds.RequireRegularOrMissing(path, "the word index");
            using FileStream stream = File.OpenRead(path);
            if (stream.Length > MaxBytes)
            {
                throw new DataFormatException(
                    $"{path}: {stream.Length} bytes is far more than a word index holds (Keras's are under 2 MB); point --data-dir at the Keras file");
            }

            return Parse(stream, path, maxIndex);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DataFormatException)
        {
            throw new DataFormatException($"{path}: cannot read word index ({e.Message})", e);
        }
    }

    /// <summary>The largest word-index file read (Keras's are 1.6 MB and 0.55 MB).</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>
    /// The digest of the content, independent of how the JSON is written: the sha256 of the UTF-8 lines
    /// <c>"{index}\t{word}\n"</c>, sorted by index, then by word (ordinal). Two files with the same word → index pairs
    /// have the same digest whatever their key order, spacing or escapes.
    /// </summary>
    public string CanonicalSha256()
    {
        var pairs = Words.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal);
        var hasher = new AotNet.IO.Sha256();
        var buffer = new byte[256];
        foreach (var (word, index) in pairs)
        {
            string line = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{index}\t{word}\n");
            int needed = System.Text.Encoding.UTF8.GetMaxByteCount(line.Length);
            if (needed > buffer.Length)
            {
                buffer = new byte[needed];
            }

            int length = System.Text.Encoding.UTF8.GetBytes(line, buffer);
            hasher.Append(buffer.AsSpan(0, length));
        }

        return hasher.FinishHex();
    }

    /// <summary>Parses a word index from <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The content is not a JSON object of word → positive int.</exception>
    public static WordIndex Parse(Stream json, string source) => Parse(json, source, int.MaxValue);

    /// <summary>
    /// Parses a word index from <paramref name="json"/> (streamed: never held whole), keeping the words whose index is
    /// at most <paramref name="maxIndex"/>; <paramref name="source"/> names it in errors.
    /// </summary>
    /// <exception cref="DataFormatException">The content is not a JSON object of word → positive int.</exception>
    public static WordIndex Parse(Stream json, string source, int maxIndex)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIndex);
        return new WordIndex(WordIndexReader.Read(json, source, maxIndex));
    }

    /// <summary>The word with index <paramref name="index"/>, if any.</summary>
    public bool TryGetWord(int index, out string word) => _reverse.TryGetValue(index, out word!);

    /// <summary>
    /// <c>' '.join(reverse_word_index.get(i - offset, unknown) for i in ids)</c>: the tutorial's decoding of a
    /// <c>load_data</c> sequence (offset 3 undoes <c>index_from</c>; the start and out-of-vocabulary chars and
    /// anything unknown become <paramref name="unknown"/>).
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, int offset = 3, string unknown = "?")
    {
        var parts = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            parts[i] = _reverse.TryGetValue(ids[i] - offset, out string? word) ? word : unknown;
        }

        return string.Join(' ', parts);
    }
}
