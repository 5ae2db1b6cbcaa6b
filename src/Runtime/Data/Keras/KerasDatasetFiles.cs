namespace AotNet.Data.Keras;

/// <summary>How a known Keras file is recognised.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Sha256">Keras's sha256 of the npz files (lower-case hex), or null.</param>
/// <param name="Md5">Keras's md5 of the word-index files (lower-case hex), or null.</param>
/// <param name="CanonicalSha256">
/// For a word index whose bytes may differ from Keras's copy: the sha256 of its canonical content (see
/// <see cref="WordIndex.CanonicalSha256"/>) that is accepted as well, or null.
/// </param>
/// <param name="Bytes">The size of Keras's file.</param>
/// <param name="MaxBytes">The most a download of this file may hold (Keras's size, or a margin above it for a word index).</param>
public sealed record KerasFile(string Name, string? Sha256, string? Md5, string? CanonicalSha256, long Bytes, long MaxBytes);

/// <summary>
/// The files Keras downloads for the three datasets: the npz files with the sha256 Keras checks, the word indices with
/// Keras's md5 (the Reuters one also by the digest of its word/index pairs, see <see cref="WordIndex.CanonicalSha256"/>).
/// </summary>
public static class KerasDatasetFiles
{
    /// <summary>Keras's public origin folder for these files (override with <c>AOTNET_DATASETS_ORIGIN</c>).</summary>
    public const string DefaultOrigin = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

    private static readonly Dictionary<string, KerasFile> Files = new KerasFile[]
    {
        new(Imdb.FileName, "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f", null, null, 17464789, 17464789),
        new(Reuters.FileName, "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916", null, null, 2110848, 2110848),
        new(BostonHousing.FileName, "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", null, null, 57026, 57026),

        // a word index may be re-serialised (pretty-printed, other key order) by other tools: room for that, not more
        new(Imdb.WordIndexFileName, null, "bfafd718b763782e994055a2d397834f", null, 1641221, 4 << 20),

        // Keras's md5 4d44cc38… is of its 550,378-byte file; a copy with the same word/index pairs in other bytes
        // (other key order, other escapes) is accepted by the digest of its pairs
        new(Reuters.WordIndexFileName, null, "4d44cc38712099c9e383dc6e5f11a921", "278ecf9cdecdc04765f94a4f54da09960451600c91e69204311611c4288e34c8", 550378, 2 << 20),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The known file names.</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>True when <paramref name="fileName"/> is one of the known files.</summary>
    public static bool IsKnown(string fileName) => Files.ContainsKey(fileName);

    /// <summary>What is known of <paramref name="fileName"/>.</summary>
    public static KerasFile Get(string fileName) =>
        Files.TryGetValue(fileName, out var file) ? file : throw new ArgumentException($"unknown dataset file '{fileName}'", nameof(fileName));

    /// <summary>The expected sha256 (lower-case hex) of <paramref name="fileName"/>, or null for word-index files (checked by md5).</summary>
    public static string? Sha256(string fileName) => Get(fileName).Sha256;
}
