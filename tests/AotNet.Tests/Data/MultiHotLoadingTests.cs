using System.IO.Compression;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Numpy;
using AotNet.Data.Vectorization;

namespace AotNet.Tests.Data;

/// <summary>
/// The streaming multi-hot loaders (<see cref="Imdb.LoadMultiHot"/>, <see cref="Reuters.LoadMultiHot"/>) against the general path
/// (<see cref="Imdb.Load"/> + <see cref="MultiHot.Encode"/>, sliced), and the streaming pickle decoder against the general one.
/// </summary>
public class MultiHotLoadingTests
{
    [RealDataFact]
    public void Imdb_multi_hot_equals_load_data_then_vectorise_on_the_real_file()
    {
        string dir = TestData.Require();
        TextDataset general = Imdb.Load(dir, numWords: 10000);
        CsrMatrix train = MultiHot.Encode(general.Train.Sequences, 10000);
        CsrMatrix test = MultiHot.Encode(general.Test.Sequences, 10000);

        MultiHotDataset fast = Imdb.LoadMultiHot(dir, numWords: 10000, validationRows: 10000);
        AssertStreams(Path.Combine(dir, Imdb.FileName), "x_train", 25000); // the fast path, not the fallback, made these
        AssertStreams(Path.Combine(dir, Imdb.FileName), "x_test", 25000);
        AssertSame(train.SliceRows(0, 10000), general.Train.Labels[..10000], fast.Validation);
        AssertSame(train.SliceRows(10000, 15000), general.Train.Labels[10000..], fast.Train);
        AssertSame(test, general.Test.Labels, fast.Test);
        Assert.Equal(10000, fast.Validation.Inputs.Cols);
    }

    [RealDataTheory]
    [InlineData(10000, 1000, 0.2)] // the tutorial's
    [InlineData(300, 0, 0.5)]
    public void Reuters_multi_hot_equals_load_data_then_vectorise_on_the_real_file(int numWords, int validationRows, double testSplit)
    {
        string dir = TestData.Require();
        TextDataset general = Reuters.Load(dir, numWords: numWords, testSplit: testSplit);
        CsrMatrix train = MultiHot.Encode(general.Train.Sequences, numWords);
        CsrMatrix test = MultiHot.Encode(general.Test.Sequences, numWords);

        MultiHotDataset fast = Reuters.LoadMultiHot(dir, numWords, validationRows, testSplit);
        AssertStreams(Path.Combine(dir, Reuters.FileName), "x", 11228); // the fast path, not the fallback, made these
        AssertSame(train.SliceRows(0, validationRows), general.Train.Labels[..validationRows], fast.Validation);
        AssertSame(train.SliceRows(validationRows, train.Rows - validationRows), general.Train.Labels[validationRows..], fast.Train);
        AssertSame(test, general.Test.Labels, fast.Test);
    }

    [Theory]
    [InlineData(10000, 0, 1, 2, 3, 0)]
    [InlineData(50, 0, 1, 2, 3, 7)]
    [InlineData(300, 5, 1, 2, 3, 1203)] // skip_top: the start char itself becomes the oov char
    [InlineData(300, 5, 1, null, 3, 100)] // no oov char: out-of-range ids are dropped
    [InlineData(65536, 0, null, 2, 0, 3)]
    [InlineData(70, 0, 4, 2, 1, 0)]
    public void Synthetic_file_matches_the_general_path(int numWords, int skipTop, int? startChar, int? oovChar, int indexFrom, int validationRows)
    {
        var random = new Random(5);
        int[][] train = RandomLists(random, 1203); // two outer batches, the second a single APPEND
        int[][] test = RandomLists(random, 37);
        train[17] = Enumerable.Range(0, 2500).Select(i => (i * 97) % 70000).ToArray(); // three inner batches
        train[18] = [];
        train[19] = [65532, 65533, 0, 0, 0];
        train[20] = [7];
        string dir = WriteImdb(
            NumpyFiles.ObjectNpy(train), Labels(train.Length),
            NumpyFiles.ObjectNpy(test), Labels(test.Length));
        try
        {
            TextDataset general = Imdb.Load(dir, numWords, skipTop, startChar: startChar, oovChar: oovChar, indexFrom: indexFrom);
            CsrMatrix generalTrain = MultiHot.Encode(general.Train.Sequences, numWords);
            MultiHotDataset fast = Imdb.LoadMultiHot(dir, numWords, validationRows, skipTop, startChar, oovChar, indexFrom);
            AssertStreams(Path.Combine(dir, Imdb.FileName), "x_train", train.Length);
            AssertSame(generalTrain.SliceRows(0, validationRows), general.Train.Labels[..validationRows], fast.Validation);
            AssertSame(generalTrain.SliceRows(validationRows, train.Length - validationRows), general.Train.Labels[validationRows..], fast.Train);
            AssertSame(MultiHot.Encode(general.Test.Sequences, numWords), general.Test.Labels, fast.Test);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_member_streaming_refuses_is_decoded_by_the_general_reader_with_the_same_result()
    {
        // A = [1, 2]; outer = [A, [5], A]: valid for the general reader, but a list reached twice through the memo
        byte[] shared = PickleBuilder.NumpyObjectArray(3, b =>
        {
            b.Op('(');
            b.Op(']').Put().Op('(').Int(1).Int(2).Op('e');
            int a = b.LastMemo;
            b.Op(']').Put().Int(5).Op('a');
            b.Op('h').Byte(a);
            b.Op('e');
        });
        Assert.False(PickleObjectArrayReader.TryStream(new MemoryStream(shared), 3, "p", new Collect()));

        string dir = WriteImdb(
            NumpyFiles.Npy("|O", "(3,)", shared), Labels(3),
            NumpyFiles.ObjectNpy([[4], [9999, 10000]]), Labels(2));
        try
        {
            TextDataset general = Imdb.Load(dir);
            MultiHotDataset fast = Imdb.LoadMultiHot(dir, validationRows: 1);
            AssertSame(MultiHot.Encode(general.Train.Sequences, 10000).SliceRows(0, 1), general.Train.Labels[..1], fast.Validation);
            AssertSame(MultiHot.Encode(general.Train.Sequences, 10000).SliceRows(1, 2), general.Train.Labels[1..], fast.Train);
            AssertSame(MultiHot.Encode(general.Test.Sequences, 10000), general.Test.Labels, fast.Test);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Hostile_or_broken_members_are_refused_with_the_general_readers_error()
    {
        byte[] evil = new PickleBuilder().Op(0x80).Byte(2).Global("os", "system").ShortString("echo pwned").Op(0x85).Op('R').Op('.').ToArray();
        byte[] canonical = PickleBuilder.NumpyObjectArray([[1, 2, 3], [4]]);
        foreach (byte[] pickle in new[] { evil, canonical[..^5], [.. canonical, 0], PickleBuilder.NumpyObjectArray([[1], [2]], fortran: true) })
        {
            Assert.False(PickleObjectArrayReader.TryStream(new MemoryStream(pickle), 2, "p", new Collect()));
            string dir = WriteImdb(NumpyFiles.Npy("|O", "(2,)", pickle), Labels(2), NumpyFiles.ObjectNpy([[1]]), Labels(1));
            try
            {
                string expected = Assert.Throws<DataFormatException>(() => Imdb.Load(dir)).Message;
                Assert.Equal(expected, Assert.Throws<DataFormatException>(() => Imdb.LoadMultiHot(dir)).Message);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Streaming_hands_over_the_same_lists_as_the_general_reader_whatever_the_read_sizes()
    {
        var random = new Random(9);
        int[][] lists = RandomLists(random, 2100);
        lists[3] = [int.MaxValue, int.MinValue, 65535, 65536, 255, 256, -1];
        lists[4] = Enumerable.Range(0, 3001).ToArray();
        byte[] pickle = PickleBuilder.NumpyObjectArray(lists);
        IntSequences general = PickleObjectArrayReader.Read(pickle, lists.Length, "p");
        foreach (int chunk in new[] { 1, 3, 7, 4096, int.MaxValue })
        {
            var sink = new Collect();
            Assert.True(PickleObjectArrayReader.TryStream(new TrickleStream(pickle, chunk), lists.Length, "p", sink));
            Assert.Equal(lists.Length, sink.Lists.Count);
            for (int i = 0; i < lists.Length; i++)
            {
                Assert.Equal(general[i].ToArray(), sink.Lists[i]);
            }
        }

        // a header count that disagrees with the pickle is refused, and so is a stream longer than declared
        Assert.False(PickleObjectArrayReader.TryStream(new MemoryStream(pickle), lists.Length + 1, "p", new Collect()));
        Assert.True(PickleObjectArrayReader.TryStream(new MemoryStream(pickle), lists.Length, "p", new Collect(), maxBytes: pickle.Length));
        Assert.False(PickleObjectArrayReader.TryStream(new MemoryStream(pickle), lists.Length, "p", new Collect(), maxBytes: pickle.Length - 1));
        var bounded = new Collect();
        Assert.False(PickleObjectArrayReader.TryStream(new TrickleStream(pickle, 4096), lists.Length, "p", bounded, maxBytes: pickle.Length / 2));
        Assert.True(bounded.Lists.Count < lists.Length); // it stopped at the bound, before the end
    }

    private static int[][] RandomLists(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            int length = random.Next(0, 40);
            return Enumerable.Range(0, length).Select(_ => random.Next(4) switch
            {
                0 => random.Next(0, 256),
                1 => random.Next(0, 70000),
                2 => random.Next(-50, 20),
                _ => random.Next(0, 400),
            }).ToArray();
        }).ToArray();

    private static byte[] Labels(int count) =>
        NumpyFiles.Npy("<i8", $"({count},)", NumpyFiles.Int64s(Enumerable.Range(0, count).Select(i => (long)(i % 3)).ToArray()));

    private static string WriteImdb(byte[] xTrain, byte[] yTrain, byte[] xTest, byte[] yTest)
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-imdb").FullName;
        File.WriteAllBytes(Path.Combine(dir, Imdb.FileName), NumpyFiles.Npz(
            [("x_test.npy", xTest), ("x_train.npy", xTrain), ("y_test.npy", yTest), ("y_train.npy", yTrain)],
            CompressionLevel.Optimal));
        return dir;
    }

    private static void AssertStreams(string path, string member, int count)
    {
        using NpzArchive npz = NpzArchive.Open(path);
        var sink = new Collect();
        Assert.True(npz.TryStreamIntLists(member, n => n == count ? sink : throw new InvalidOperationException($"{n} items")));
        Assert.Equal(count, sink.Lists.Count);
    }

    private static void AssertSame(CsrMatrix expected, int[] labels, MultiHotSplit actual)
    {
        Assert.Equal(expected.Cols, actual.Inputs.Cols);
        Assert.Equal(expected.RowOffsets, actual.Inputs.RowOffsets);
        Assert.Equal(expected.Columns, actual.Inputs.Columns);
        Assert.Equal(labels, actual.Labels);
    }

    private sealed class Collect : IIntListSink
    {
        public List<int[]> Lists { get; } = [];

        public void Add(ReadOnlySpan<int> ints) => Lists.Add(ints.ToArray());
    }

    /// <summary>A stream that returns at most <c>chunk</c> bytes per read (exercises the decoder's window refills).</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }
}
