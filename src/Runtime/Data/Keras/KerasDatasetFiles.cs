namespace AotNet.Data.Keras;

/// <summary>The files Keras downloads for the three datasets, with the sha256 Keras checks (word indices: structure only).</summary>
public static class KerasDatasetFiles
{
    /// <summary>Keras's public origin folder for these files (override with <c>AOTNET_DATASETS_ORIGIN</c>).</summary>
    public const string DefaultOrigin = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

    private static readonly Dictionary<string, string?> Sha256ByName = new(StringComparer.Ordinal)
    {
        [Imdb.FileName] = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
        [Reuters.FileName] = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
        [BostonHousing.FileName] = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
        [Imdb.WordIndexFileName] = null,
        [Reuters.WordIndexFileName] = null,
    };

    /// <summary>The known file names.</summary>
    public static IEnumerable<string> Names => Sha256ByName.Keys;

    /// <summary>True when <paramref name="fileName"/> is one of the known files.</summary>
    public static bool IsKnown(string fileName) => Sha256ByName.ContainsKey(fileName);

    /// <summary>The expected sha256 (lower-case hex) of <paramref name="fileName"/>, or null for word-index files (checked by structure).</summary>
    public static string? Sha256(string fileName) =>
        Sha256ByName.TryGetValue(fileName, out string? hash) ? hash : throw new ArgumentException($"unknown dataset file '{fileName}'", nameof(fileName));
}
