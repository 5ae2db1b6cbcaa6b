using System.IO.Compression;
using System.Text;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.Data.Numpy;
using AotNet.IO;
using AotNet.Tests.Data;
using CsCheck;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Property-based robustness of every file reader: random bytes and mutations of valid files (flipped, overwritten,
/// inserted, deleted bytes, truncation) either read or raise the reader's documented exception — never another type —
/// within a per-case time limit and an allocation budget.
/// </summary>
public class ReaderFuzzTests
{
    private const int Iterations = 1000;
    private const long AllocationBudget = 48L << 20; // generous for a few-KB input, far below any header-driven allocation
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>One edit of a file: 0 flip a byte, 1 overwrite with noise, 2 insert noise, 3 delete a run, 4 truncate.</summary>
    private readonly record struct Edit(int Kind, int Position, int Length, byte[] Noise);

    private static readonly Gen<Edit> EditGen =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int[1, 64], Gen.Byte.Array[1, 16], (k, p, l, n) => new Edit(k, p, l, n));

    private static byte[] Apply(byte[] file, Edit[] edits)
    {
        var bytes = new List<byte>(file);
        foreach (Edit e in edits)
        {
            int at = bytes.Count == 0 ? 0 : e.Position % bytes.Count;
            switch (e.Kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (e.Length % 8));
                    break;
                case 1:
                    for (int i = 0; i < e.Noise.Length && at + i < bytes.Count; i++)
                    {
                        bytes[at + i] = e.Noise[i];
                    }

                    break;
                case 2:
                    bytes.InsertRange(at, e.Noise);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(e.Length, bytes.Count - at));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Random bytes, a valid seed file, or a seed with one to six edits.</summary>
    private static Gen<byte[]> Inputs(params byte[][] seeds) =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 400]),
            (1, Gen.Int[0, seeds.Length - 1].Select(i => seeds[i])),
            (8, Gen.Select(Gen.Int[0, seeds.Length - 1], EditGen.Array[1, 6], (i, edits) => Apply(seeds[i], edits))));

    /// <summary>Runs <paramref name="read"/> on its own thread: only <typeparamref name="TDocumented"/> may escape, in time and budget.</summary>
    private static void Survives<TDocumented>(byte[] input, Action<byte[]> read)
        where TDocumented : Exception
    {
        // a thread of its own, not the thread pool: a starved pool (the whole suite runs in parallel on 2 cores)
        // must not look like a reader that hangs
        long allocated = 0;
        Exception? escaped = null;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(input);
            }
            catch (TDocumented)
            {
            }
            catch (Exception e)
            {
                escaped = e; // an undocumented exception type: the test fails with it below
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        })
        { IsBackground = true };
        thread.Start();
        if (!thread.Join(CaseTimeout))
        {
            throw new TimeoutException($"reader still busy after {CaseTimeout} on a {input.Length}-byte input");
        }

        if (escaped is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(escaped);
        }

        if (allocated > AllocationBudget)
        {
            throw new InsufficientMemoryException($"{allocated} bytes allocated for a {input.Length}-byte input");
        }
    }

    private static void Check(Gen<byte[]> inputs, Action<byte[]> assert) =>
        inputs.Sample(assert, iter: Iterations, threads: 2, print: b => Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 512))));

    private static byte[] ObjectArray => NumpyFiles.ObjectNpy([[1, 14, 22], [], [5, 300, 70000, -4], [9]]);

    [Fact]
    public void Npy_reader_only_throws_DataFormatException()
    {
        byte[][] seeds =
        [
            NumpyFiles.Npy("<f8", "(3, 2)", NumpyFiles.Doubles(1, 2, 3, 4, 5, 6)),
            NumpyFiles.Npy("<i8", "(2,)", NumpyFiles.Int64s(7, -8), version: 2),
            NumpyFiles.Npy("|b1", "(3,)", [0, 1, 0], version: 3),
            NumpyFiles.Npy("<f4", "()", BitConverter.GetBytes(1.5f)),
            ObjectArray,
        ];
        Check(Inputs(seeds), b => Survives<DataFormatException>(b, x => NpyReader.Read(x, "fuzz.npy")));
    }

    [Fact]
    public void Npz_reader_only_throws_DataFormatException()
    {
        byte[][] seeds =
        [
            NumpyFiles.Npz([("x.npy", NumpyFiles.Npy("<f8", "(2,)", NumpyFiles.Doubles(1, 2))), ("y.npy", ObjectArray)], CompressionLevel.NoCompression),
            NumpyFiles.Npz([("x.npy", NumpyFiles.Npy("<f8", "(2,)", NumpyFiles.Doubles(1, 2))), ("y.npy", ObjectArray)], CompressionLevel.Optimal),
        ];
        Check(Inputs(seeds), b => Survives<DataFormatException>(b, x =>
        {
            using NpzArchive npz = NpzArchive.Open(new MemoryStream(x), "fuzz.npz");
            foreach (string name in npz.Names)
            {
                npz.Read(name);
            }

            npz.Read("x");
        }));
    }

    [Fact]
    public void Pickle_reader_only_throws_DataFormatException()
    {
        byte[][] seeds =
        [
            PickleBuilder.NumpyObjectArray([[1, 14, 22], [], [5, 300, 70000, -4], [9]]),
            PickleBuilder.NumpyObjectArray([[1, 2]], reconstructModule: "numpy._core.multiarray"),
            HostileInputs.SharedListPickle(3, 40),
        ];
        Check(Inputs(seeds), b => Survives<DataFormatException>(b, x =>
        {
            PickleObjectArrayReader.Read(x, 4, "fuzz.pkl");
        }));
    }

    [Fact]
    public void Word_index_reader_only_throws_DataFormatException()
    {
        byte[][] seeds =
        [
            """{"the": 1, "and": 2, "a": 3, "of": 4}"""u8.ToArray(),
            """{"fawn": 34701, "tsukino": 52006, "nunnery": 52007, "sonja": 16816, "vani": 63951}"""u8.ToArray(),
            """{"\u00e9t\u00e9": 7, "x\"y": 8, "": 9}"""u8.ToArray(),
        ];
        Gen<byte[]> jsonish = Gen.OneOf<string>("{", "}", "[", "]", "\"w\"", ":", ",", "1", "-1", "1e9", "99999999999", "null", "true", " ", "\"\\u00", "\\")
            .Array[0, 40].Select(tokens => Encoding.UTF8.GetBytes(string.Concat(tokens)));
        Check(Gen.OneOf(Inputs(seeds), jsonish), b => Survives<DataFormatException>(b, x => WordIndex.Parse(new MemoryStream(x), "fuzz.json")));
    }

    [Fact]
    public void Safetensors_reader_only_throws_SafeTensorsException()
    {
        var tensors = new List<Tensor>
        {
            new("dense_0.kernel", [2, 3], [1, 2, 3, 4, 5, 6]),
            new("dense_0.bias", [3], [0.5f, -1, 2]),
        };
        byte[][] seeds =
        [
            SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["model"] = "fuzz" }),
            SafeTensors.Serialize(tensors),
        ];
        Check(Inputs(seeds), b => Survives<SafeTensorsException>(b, x => SafeTensors.Deserialize(x, "fuzz.safetensors")));
    }
}
