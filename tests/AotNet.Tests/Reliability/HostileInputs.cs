using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>
/// One hostile or faulty dataset folder: the files to write (null = leave absent), which dataset command reads them,
/// and what the error must mention (always the file concerned).
/// </summary>
public sealed record HostileCase(string Name, string Dataset, IReadOnlyDictionary<string, byte[]?> Files, string[] Expected, bool Verify = false)
{
    public override string ToString() => Name;

    /// <summary>Writes the case into a fresh temporary folder and returns it.</summary>
    public string WriteTo()
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-hostile").FullName;
        foreach (var (name, bytes) in Files)
        {
            if (bytes is not null)
            {
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
            }
        }

        return dir;
    }
}

/// <summary>Builds synthetic Keras files (valid ones, to start from) and the corpus of hostile variations.</summary>
internal static class HostileInputs
{
    public const string Boston = "boston_housing.npz", Imdb = "imdb.npz", ImdbWords = "imdb_word_index.json";

    private const int Rows = 40;

    /// <summary>Boston-like features: 13 columns, none constant, all positive and finite.</summary>
    public static double[] BostonFeatures(int rows) =>
        Enumerable.Range(0, rows * 13).Select(k => 1.0 + (((k / 13 * 7) + (k % 13 * 5)) % 17) + (k % 13)).ToArray();

    public static double[] BostonTargets(int rows, double scale = 1) =>
        Enumerable.Range(0, rows).Select(i => scale * (10 + (i * 7 % 30))).ToArray();

    public static byte[] BostonNpz(int rows = Rows, double targetScale = 1, CompressionLevel level = CompressionLevel.NoCompression) =>
        Npz(level, ("x.npy", X(rows)), ("y.npy", Y(rows, targetScale)));

    public static byte[] X(int rows) => NumpyFiles.Npy("<f8", $"({rows}, 13)", NumpyFiles.Doubles(BostonFeatures(rows)));

    public static byte[] Y(int rows, double scale = 1) => NumpyFiles.Npy("<f8", $"({rows},)", NumpyFiles.Doubles(BostonTargets(rows, scale)));

    public static byte[] Npz(CompressionLevel level, params (string Name, byte[] Content)[] members) => NumpyFiles.Npz(members, level);

    public static readonly int[][] Reviews = [[1, 14, 22, 16], [1, 5, 6], [1, 7, 8, 9, 10], [1, 4]];

    public static byte[] Labels(params long[] labels) => NumpyFiles.Npy("<i8", $"({labels.Length},)", NumpyFiles.Int64s(labels));

    /// <summary>A small imdb.npz; <paramref name="xTrain"/> replaces the x_train member (e.g. a hostile object array).</summary>
    public static byte[] ImdbNpz(byte[]? xTrain = null, byte[]? yTrain = null, bool withTest = true)
    {
        var members = new List<(string, byte[])>
        {
            ("x_train.npy", xTrain ?? NumpyFiles.ObjectNpy(Reviews)),
            ("y_train.npy", yTrain ?? Labels(1, 0, 1, 0)),
        };
        if (withTest)
        {
            members.Add(("x_test.npy", NumpyFiles.ObjectNpy(Reviews)));
            members.Add(("y_test.npy", Labels(0, 1, 1, 0)));
        }

        return NumpyFiles.Npz(members, CompressionLevel.Optimal);
    }

    public static byte[] Words => """{"the": 1, "and": 2, "a": 3, "of": 4, "to": 5}"""u8.ToArray();

    /// <summary>The valid pickle of an object array with <paramref name="count"/> items announced, open after the outer list (memo 6).</summary>
    public static PickleBuilder OpenObjectArray(int count)
    {
        byte[] empty = PickleBuilder.NumpyObjectArray([], pickledCount: count);
        var b = new PickleBuilder();
        foreach (byte x in empty.AsSpan(0, empty.Length - 3))
        {
            b.Byte(x); // everything up to the (empty) outer list; 't', 'b', '.' are left for the caller
        }

        return b;
    }

    public static byte[] Close(PickleBuilder b) => b.Op('t').Op('b').Op('.').ToArray();

    public static byte[] ObjectArrayNpy(int count, byte[] pickle) => NumpyFiles.Npy("|O", $"({count},)", pickle);

    /// <summary>A pickle that would run <c>module.name(argument)</c> under a real unpickler.</summary>
    public static byte[] CallingPickle(string module, string name, string argument) =>
        new PickleBuilder().Op(0x80).Byte(2).Global(module, name).ShortString(argument).Op(0x85).Op('R').Op('.').ToArray();

    /// <summary>
    /// <paramref name="copies"/> references to one list of <paramref name="length"/> ints: a few hundred KB of pickle
    /// that would expand to copies × length ints.
    /// </summary>
    public static byte[] SharedListPickle(int copies, int length)
    {
        var b = OpenObjectArray(copies);
        b.Op('(').Op(']').Op('q').Byte(7); // the inner list is memo 7 (1–6 are taken by the prefix)
        b.Appends(length, k => b.Int(k % 200));
        for (int i = 1; i < copies; i++)
        {
            b.Op('h').Byte(7);
        }

        b.Op('e');
        return Close(b);
    }

    public static byte[] DeeplyNestedPickle(int depth)
    {
        var b = OpenObjectArray(1);
        for (int i = 0; i < depth; i++)
        {
            b.Op(']');
        }

        for (int i = 0; i < depth; i++)
        {
            b.Op('a');
        }

        return Close(b);
    }

    private static Dictionary<string, byte[]?> BostonFiles(byte[]? npz) => new() { [Boston] = npz };

    private static Dictionary<string, byte[]?> ImdbFiles(byte[]? npz, byte[]? words = null) =>
        new() { [Imdb] = npz, [ImdbWords] = words ?? Words };

    private static HostileCase B(string name, byte[]? npz, params string[] expected) => new(name, "boston", BostonFiles(npz), [Boston, .. expected]);

    private static HostileCase BMember(string name, byte[] x, params string[] expected) =>
        B(name, Npz(CompressionLevel.NoCompression, ("x.npy", x), ("y.npy", Y(Rows))), ["x.npy", .. expected]);

    private static HostileCase I(string name, byte[] xTrain, params string[] expected) =>
        new(name, "imdb", ImdbFiles(ImdbNpz(xTrain)), [Imdb, "x_train.npy", .. expected]);

    private static HostileCase W(string name, byte[]? words, params string[] expected) =>
        new(name, "imdb", new Dictionary<string, byte[]?> { [Imdb] = ImdbNpz(), [ImdbWords] = words }, [ImdbWords, .. expected]);

    private static byte[] Header(string dict) => NumpyFiles.Npy(string.Empty, string.Empty, NumpyFiles.Doubles(BostonFeatures(Rows)), headerOverride: dict);

    private static byte[] Features(Func<double[], double[]> change)
    {
        double[] values = BostonFeatures(Rows);
        return NumpyFiles.Npy("<f8", $"({Rows}, 13)", NumpyFiles.Doubles(change(values)));
    }

    private static byte[] CorruptDeflate()
    {
        byte[] npz = BostonNpz(level: CompressionLevel.Optimal);
        for (int i = 60; i < 120; i++)
        {
            npz[i] ^= 0x5a; // inside the first member's compressed data
        }

        return npz;
    }

    /// <summary>The corpus: every case must be refused with exit code 1, a clear line naming the file, and nothing else.</summary>
    public static IReadOnlyList<HostileCase> Corpus { get; } = BuildCorpus();

    private static List<HostileCase> BuildCorpus()
    {
        byte[] goodBoston = BostonNpz();
        byte[] x = X(Rows);
        byte[] lyingVersion = (byte[])x.Clone();
        lyingVersion[6] = 9;
        byte[] lyingLength = (byte[])x.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(lyingLength.AsSpan(8), 60000);
        byte[] notUtf8 = NumpyFiles.Npy("<f8", $"({Rows}, 13)", NumpyFiles.Doubles(BostonFeatures(Rows)), version: 3);
        notUtf8[12] = 0xff;

        var cases = new List<HostileCase>
        {
            // the npz container
            B("npz missing, download refused", null, "download failed"),
            B("npz empty", [], "not a valid npz"),
            B("npz truncated", goodBoston[..(goodBoston.Length / 2)], "not a valid npz"),
            B("npz is text", Encoding.ASCII.GetBytes("this is not a zip archive at all, just text\n"), "not a valid npz"),
            B("npz is a bare npy", x, "not a valid npz"),
            B("npz member missing", Npz(CompressionLevel.NoCompression, ("x.npy", x)), "no member 'y'"),
            B("npz member deflate corrupt", CorruptDeflate(), "x.npy"),

            // npy headers that lie
            BMember("npy shape needs more data", NumpyFiles.Npy("<f8", $"({Rows + 1}, 13)", NumpyFiles.Doubles(BostonFeatures(Rows))), "truncated file?"),
            BMember("npy data beyond shape", NumpyFiles.Npy("<f8", $"({Rows - 1}, 13)", NumpyFiles.Doubles(BostonFeatures(Rows))), "data has"),
            BMember("npy negative shape", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (-40, 13), }"), "negative shape dimension"),
            BMember("npy huge shape", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 13), }"), "more than 2^31-1 elements"),
            BMember("npy shape overflows int64", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 13), }"), "too large"),
            BMember("npy complex dtype", Header("{'descr': '<c16', 'fortran_order': False, 'shape': (20, 13), }"), "unsupported dtype '<c16'"),
            BMember("npy big-endian dtype", Header("{'descr': '>f8', 'fortran_order': False, 'shape': (40, 13), }"), "unsupported dtype '>f8'"),
            BMember("npy string dtype", Header("{'descr': '<U8', 'fortran_order': False, 'shape': (40, 13), }"), "unsupported dtype '<U8'"),
            BMember("npy garbage header", Header("\u0001\u0002garbage header \u00ff"), "expected '{'"),
            BMember("npy header calls code", Header("__import__('os').system('true')"), "expected '{'"),
            BMember("npy fortran order", NumpyFiles.Npy("<f8", $"({Rows}, 13)", NumpyFiles.Doubles(BostonFeatures(Rows)), fortran: true), "fortran_order True"),
            BMember("npy no magic", Encoding.ASCII.GetBytes("NUMPY but not really"), "not an npy file"),
            BMember("npy version 9", lyingVersion, "unsupported npy format version 9"),
            BMember("npy header length beyond member", lyingLength, "truncated npy header"),
            BMember("npy v3 header not UTF-8", notUtf8, "not valid UTF-8"),

            // numeric content
            BMember("NaN in features", Features(v => { v[17] = double.NaN; return v; }), "non-finite"),
            B("Inf in targets", Npz(CompressionLevel.NoCompression, ("x.npy", x), ("y.npy", NumpyFiles.Npy("<f8", $"({Rows},)", NumpyFiles.Doubles([.. BostonTargets(Rows - 1), double.PositiveInfinity])))), "y.npy", "non-finite"),
            B("features 12 wide", Npz(CompressionLevel.NoCompression, ("x.npy", NumpyFiles.Npy("<f8", "(40, 12)", NumpyFiles.Doubles(BostonFeatures(Rows)[..480]))), ("y.npy", Y(Rows))), "expected x of shape (n, 13)"),
            B("features and targets differ in count", Npz(CompressionLevel.NoCompression, ("x.npy", x), ("y.npy", Y(Rows - 1))), "expected x of shape (n, 13)"),
            B("features are an object array", Npz(CompressionLevel.NoCompression, ("x.npy", NumpyFiles.ObjectNpy(Reviews)), ("y.npy", Y(4))), "expected x of shape (n, 13)"),

            // pickles (object arrays)
            I("pickle calls posix.system", ObjectArrayNpy(4, CallingPickle("posix", "system", "touch aotnet-pwned")), "GLOBAL 'posix system' is not allowed"),
            I("pickle calls builtins.eval", ObjectArrayNpy(4, CallingPickle("builtins", "eval", "__import__('os')")), "GLOBAL 'builtins eval' is not allowed"),
            I("pickle global os.system", ObjectArrayNpy(4, CallingPickle("os", "system", "true")), "GLOBAL 'os system' is not allowed"),
            I("pickle unknown opcode BINFLOAT", ObjectArrayNpy(4, Close(OpenObjectArray(4).Op('G').Byte(0).Byte(0).Byte(0).Byte(0).Byte(0).Byte(0).Byte(0).Byte(0))), "opcode 0x47"),
            I("pickle int beyond int32 (LONG1)", ObjectArrayNpy(4, Close(OpenObjectArray(4).Op(']').Op(0x8a).Byte(5).Byte(0).Byte(0).Byte(0).Byte(0).Byte(1).Op('a'))), "opcode 0x8a"),
            I("pickle truncated", ObjectArrayNpy(4, PickleBuilder.NumpyObjectArray(Reviews)[..^20]), "truncated"),
            I("pickle nested too deep", ObjectArrayNpy(1, DeeplyNestedPickle(200)), "deeper than 64"),
            I("pickle more items than the header", ObjectArrayNpy(3, PickleBuilder.NumpyObjectArray(Reviews, pickledCount: 3)), "the npy header says 3 items"),
            I("pickle shape larger than header", ObjectArrayNpy(4, PickleBuilder.NumpyObjectArray(Reviews, pickledCount: 5)), "the npy header says 4 items"),
            I("pickle shared list amplification", ObjectArrayNpy(20000, SharedListPickle(20000, 50000)), "more ints than"),
            I("pickle protocol 5", ObjectArrayNpy(4, [0x80, 5, (byte)'.']), "protocol 5"),
            new("label beyond int32", "imdb", ImdbFiles(ImdbNpz(yTrain: Labels(1, 0, 1L << 40, 0))), [Imdb, "does not fit in int32"]),
            new("npz without x_test", "imdb", ImdbFiles(ImdbNpz(withTest: false)), [Imdb, "no member 'x_test'"]),

            // word indices
            W("word index is an array", "[1, 2, 3]"u8.ToArray(), "not a JSON object"),
            W("word index values are strings", """{"the": "1"}"""u8.ToArray(), "not a JSON object"),
            W("word index negative", """{"the": -1}"""u8.ToArray(), "indices must be positive"),
            W("word index int overflow", """{"the": 99999999999}"""u8.ToArray(), "not a JSON object"),
            W("word index binary garbage", [0xff, 0xfe, 0x00, 0x7b, 0x22], "not a JSON object"),
            W("word index empty", [], "not a JSON object"),
            W("word index missing, download refused", null, "download failed"),

            // checksums
            new("sha256 mismatch without --no-verify", "boston", BostonFiles(goodBoston), [Boston, "sha256", "--no-verify"], Verify: true),
        };
        return cases;
    }
}
