using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AotNet.Data;
using AotNet.Data.Keras;

namespace AotNet.Tests.Data;

/// <summary>
/// Keras-exactness on the real files. Expected values were produced with numpy 1.24 running the numpy copies of
/// keras.datasets.*.load_data (shared/peers/keras_data.py) and are baked in here.
/// </summary>
public class KerasDatasetTests
{
    private static readonly Lazy<TextDataset> ImdbData = new(() => Imdb.Load(TestData.Require()));
    private static readonly Lazy<TextDataset> ReutersData = new(() => Reuters.Load(TestData.Require()));

    [RealDataFact]
    public void Imdb_counts_and_first_review()
    {
        TextDataset d = ImdbData.Value;
        Assert.Equal(25000, d.Train.Count);
        Assert.Equal(25000, d.Test.Count);
        Assert.Equal([1, 14, 22, 16, 43, 530, 973], d.Train.Sequences[0][..7].ToArray());
        Assert.Equal([1, 0, 0, 1, 0, 0, 1, 0, 1, 0], d.Train.Labels[..10]);
        Assert.Equal(12500, d.Train.Labels.Sum());
        Assert.Equal(12500, d.Test.Labels.Sum());
        Assert.Equal(5967841, d.Train.Sequences.Values.Length);
        Assert.Equal(5770105, d.Test.Sequences.Values.Length);
        Assert.Equal(4360438289L, d.Train.Sequences.Values.Sum(v => (long)v));
        Assert.True(d.Train.Sequences.Values.Max() < 10000);
    }

    [RealDataTheory]
    [InlineData("train", 0, 218, 99411, 1, new[] { 1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468 })]
    [InlineData("train", 1, 189, 148227, 0, new[] { 1, 194, 1153, 194, 8255, 78, 228, 5, 6, 1463, 4369, 5012 })]
    [InlineData("train", 12345, 168, 97433, 1, new[] { 1, 11, 4, 2019, 7, 595, 15, 363, 5, 409, 1743, 8 })]
    [InlineData("train", 24999, 153, 101616, 0, new[] { 1, 17, 6, 194, 337, 7, 4, 204, 22, 45, 254, 8 })]
    [InlineData("test", 0, 68, 41459, 0, new[] { 1, 591, 202, 14, 31, 6, 717, 10, 10, 2, 2, 5 })]
    [InlineData("test", 1, 260, 206297, 1, new[] { 1, 14, 22, 3443, 6, 176, 7, 5063, 88, 12, 2679, 23 })]
    [InlineData("test", 12345, 155, 64743, 0, new[] { 1, 13, 258, 14, 20, 8, 30, 669, 6, 1657, 1604, 590 })]
    [InlineData("test", 24999, 172, 141920, 0, new[] { 1, 6, 52, 7465, 430, 22, 9, 220, 2594, 8, 28, 2 })]
    public void Imdb_samples_match_numpy(string split, int index, int length, long sum, int label, int[] head)
    {
        TextSplit s = split == "train" ? ImdbData.Value.Train : ImdbData.Value.Test;
        AssertSample(s, index, length, sum, label, head);
    }

    [RealDataTheory]
    [InlineData("train", 0, 87, 17185, 3, new[] { 1, 2, 2, 8, 43, 10, 447, 5, 25, 207, 270, 5 })]
    [InlineData("train", 5, 116, 27192, 4, new[] { 1, 4, 37, 38, 309, 213, 349, 1632, 48, 193, 229, 463 })]
    [InlineData("train", 8981, 105, 119684, 25, new[] { 1, 227, 2406, 91, 2, 125, 2855, 21, 4, 3976, 76, 7 })]
    [InlineData("test", 0, 145, 47920, 3, new[] { 1, 4, 1378, 2025, 9, 697, 4622, 111, 8, 25, 109, 29 })]
    [InlineData("test", 5, 80, 50026, 3, new[] { 1, 53, 134, 26, 14, 102, 26, 39, 5150, 18, 14, 2013 })]
    [InlineData("test", 2245, 272, 180219, 24, new[] { 1, 706, 209, 658, 4, 37, 38, 309, 484, 4, 1434, 6 })]
    public void Reuters_samples_match_numpy(string split, int index, int length, long sum, int label, int[] head)
    {
        TextSplit s = split == "train" ? ReutersData.Value.Train : ReutersData.Value.Test;
        AssertSample(s, index, length, sum, label, head);
    }

    [RealDataFact]
    public void Reuters_counts_and_labels()
    {
        TextDataset d = ReutersData.Value;
        Assert.Equal(8982, d.Train.Count);
        Assert.Equal(2246, d.Test.Count);
        Assert.Equal([3, 4, 3, 4, 4, 4, 4, 3, 3, 16], d.Train.Labels[..10]);
        Assert.Equal(79806, d.Train.Labels.Sum());
        Assert.Equal(20019, d.Test.Labels.Sum());
        Assert.Equal(1307239, d.Train.Sequences.Values.Length);
        Assert.Equal(247898873L, d.Test.Sequences.Values.Sum(v => (long)v));
    }

    [RealDataFact]
    public void Imdb_keeps_every_word_and_filters_by_maxlen_like_keras()
    {
        // load_data(num_words=None, maxlen=100): only sequences with len < 100 survive, num_words = max id left
        TextDataset d = Imdb.Load(TestData.Require(), numWords: null, maxLen: 100);
        Assert.Equal(2773, d.Train.Count);
        Assert.Equal(2963, d.Test.Count);
        AssertSample(d.Train, 0, 43, 166509, 0, [1, 778, 128, 74, 12, 630, 163, 15, 4, 1766, 7982, 1051]);
        AssertSample(d.Test, d.Test.Count - 1, 99, 58824, d.Test.Labels[^1], [1, 11, 119, 241, 9, 4, 840, 20, 12, 468, 15, 94]);
        Assert.Equal(88544, Math.Max(d.Train.Sequences.Values.Max(), d.Test.Sequences.Values.Max()));
    }

    [RealDataFact]
    public void Imdb_skip_top_without_oov_char_drops_words()
    {
        TextDataset d = Imdb.Load(TestData.Require(), numWords: 5000, skipTop: 20, oovChar: null);
        AssertSample(d.Train, 0, 138, 69134, 1, [22, 43, 530, 973, 1622, 1385, 65, 458, 4468, 66, 3941, 173]);
        AssertSample(d.Test, 3, 124, 63889, d.Test.Labels[3], [1228, 119, 552, 20, 190, 58, 258, 546, 1786, 1968, 268, 237]);
    }

    [RealDataFact]
    public void Boston_matches_numpy()
    {
        BostonDataset d = BostonHousing.Load(TestData.Require());
        Assert.Equal(404, d.Train.Count);
        Assert.Equal(102, d.Test.Count);
        Assert.Equal([15.2, 42.3, 50.0, 21.1, 17.7], d.Train.Targets[..5]);
        Assert.Equal([7.2, 18.8, 19.0, 27.0, 22.2], d.Test.Targets[..5]);
        Assert.Equal([1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9, 18.72], d.Train.Row(0).ToArray());
        Assert.Equal([0.03551, 25.0, 4.86, 0.0, 0.426, 6.167, 46.7, 5.4007, 4.0, 281.0, 19.0, 390.64, 7.51], d.Test.Row(7).ToArray());
        Assert.Equal(22.9, d.Test.Targets[7]);
        Assert.Equal(0.01439, d.Train.Row(403)[0]);
        Assert.Equal(29.1, d.Train.Targets[403]);
    }

    /// <summary>
    /// Every id, every length and every label of both splits, compared through sha256 of their int32 little-endian
    /// bytes (numpy: <c>np.concatenate(xs).astype('&lt;i4').tobytes()</c>, lengths and labels likewise).
    /// </summary>
    [RealDataTheory]
    [InlineData("imdb", "train", "092cd3b8c48a2d83c346ef781d034f8d5b3c103832a6bf852668a54d7fce3f10", "b5061c12c300d233e82f0201027caceb64c29a721228a0c6a1de7974a1ac3505", "8ed78785766d97ca4c009daba7dc464867337af59c8eff6f29ef66533cceed2a")]
    [InlineData("imdb", "test", "13cb293a750020a16890481dea0810c5a9e81c2762cbb3ccef72314c3bfc44cb", "10d94806d65e48b9c2f7187c7c540ef1e0fb1c561d88ba2ebd71a1f70cd2f24c", "df5f45502b64b1c74d437c03a4b7445bb3142ac81ad89b731efbc510f6a95742")]
    [InlineData("reuters", "train", "95afb99d16535c41a9be164f85cd6c9dab76c629418e22655f2e036ea935186f", "c73b788725d847ada844db0d84ae01e85e3e0ebab47ca87c6511389618aa6220", "cddb0d27b4500c4b919d581b2c377adb5f72a8717bd1d405638d5bac110c9942")]
    [InlineData("reuters", "test", "adba488349a7fb2e1b28f3dce9ac3a7f1ec817b3645d49d3ae333725a409013d", "ae08234ee13aff239d276217214326ff03d1568d1fa4e36f552332d123bc8ba8", "fa58c954cade925b380c216a0486a33068aa74ba26520698101af719bb710fa1")]
    public void Whole_splits_match_numpy_byte_for_byte(string dataset, string split, string valuesSha, string lengthsSha, string labelsSha)
    {
        TextDataset d = dataset == "imdb" ? ImdbData.Value : ReutersData.Value;
        TextSplit s = split == "train" ? d.Train : d.Test;
        int[] lengths = Enumerable.Range(0, s.Count).Select(i => s.Sequences[i].Length).ToArray();
        Assert.Equal(valuesSha, Sha(s.Sequences.Values));
        Assert.Equal(lengthsSha, Sha(lengths));
        Assert.Equal(labelsSha, Sha(s.Labels));
    }

    [RealDataFact]
    public void Boston_splits_match_numpy_byte_for_byte()
    {
        BostonDataset d = BostonHousing.Load(TestData.Require());
        Assert.Equal("4319b7bc86939499d59f38ad10c6463cc3c6898031c193ad6a53bd36f46f80e5", Sha(d.Train.Features));
        Assert.Equal("d70628b797476cf4c264ad5d5ff31acaeeb861ab34defdeec1e5da25fd335bef", Sha(d.Test.Targets));
    }

    [Fact]
    public void Loads_a_small_synthetic_reuters_file_with_keras_rules()
    {
        // 5 wires, RandomState(113) permutation of arange(5) is needed: compute it with the port (tested separately)
        string dir = Directory.CreateTempSubdirectory("aotnet-reuters").FullName;
        try
        {
            int[][] wires = [[1, 2], [3], [4, 5, 6], [9998, 9997], [7]];
            File.WriteAllBytes(Path.Combine(dir, Reuters.FileName), NumpyFiles.Npz(
                [
                    ("x.npy", NumpyFiles.ObjectNpy(wires)),
                    ("y.npy", NumpyFiles.Npy("<i8", "(5,)", NumpyFiles.Int64s(10, 11, 12, 13, 14))),
                ],
                System.IO.Compression.CompressionLevel.Optimal));
            TextDataset d = Reuters.Load(dir, numWords: 10000, testSplit: 0.2);
            int[] order = new AotNet.Data.Numpy.NumpyRandomState(113).ShuffledRange(5);
            Assert.Equal(4, d.Train.Count); // int(5 * 0.8)
            Assert.Equal(1, d.Test.Count);
            for (int i = 0; i < 5; i++)
            {
                TextSplit s = i < 4 ? d.Train : d.Test;
                int k = i < 4 ? i : 0;
                int[] expected = [1, .. wires[order[i]].Select(w => w + 3 < 10000 ? w + 3 : 2)];
                Assert.Equal(expected, s.Sequences[k].ToArray());
                Assert.Equal(10 + order[i], s.Labels[k]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Sha<T>(T[] values)
        where T : unmanaged => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));

    private static void AssertSample(TextSplit s, int index, int length, long sum, int label, int[] head)
    {
        ReadOnlySpan<int> ids = s.Sequences[index];
        Assert.Equal(length, ids.Length);
        Assert.Equal(head, ids[..head.Length].ToArray());
        long total = 0;
        foreach (int id in ids)
        {
            total += id;
        }

        Assert.Equal(sum, total);
        Assert.Equal(label, s.Labels[index]);
    }
}
