using System.Diagnostics;
using AotNet.IO;
using AotNet.NativeConsumer;
using AotNet.Training;

namespace AotNet.Tests.Export;

/// <summary>
/// tests/AotNet.NativeConsumer published with <c>-p:NativeLib=Shared</c> gives libmynet.so and mynet.h; a C program
/// (gcc) and Python's ctypes call it and get Predict's bits exactly, and bad calls get errors, not crashes.
/// The model is the same source file compiled into this test assembly (MyNet.cs).
/// </summary>
[Trait("Category", "Slow")]
public sealed class NativeLibraryTests : IClassFixture<NativeLibraryTests.Library>
{
    private const int Rows = 1000;

    private readonly Library _library;

    public NativeLibraryTests(Library library) => _library = library;

    [Fact]
    public void C_program_matches_predict_bit_for_bit_and_gets_clear_errors()
    {
        string dir = _library.Require();
        string program = Path.Combine(dir, "predict");
        var (code, output) = Run("gcc", ["-O2", "-o", program, Path.Combine(Consumer, "predict.c"), "-I", dir, "-L", dir, "-lmynet", $"-Wl,-rpath,{dir}"]);
        Assert.True(code == 0, output);

        var (weights, inputs, expected) = Case(dir, 21);
        string outputs = Path.Combine(dir, "c.f32");
        (code, output) = Run(program, [weights, inputs, Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs]);
        Assert.True(code == 0, output);
        Assert.Contains("wrong row size -> row size 12: MyNet takes 13 inputs per row", output);
        Assert.Contains("outputs too small -> outputs hold 2999 floats; 1000 rows need 3000 (3 per row)", output);
        Assert.Contains("load missing file -> ", output);
        Assert.Equal(expected, ReadFloats(outputs)); // bit for bit (float equality; NaN never occurs here)
    }

    [Fact]
    public void Python_ctypes_matches_predict_bit_for_bit()
    {
        string dir = _library.Require();
        var (weights, inputs, expected) = Case(dir, 22);
        string outputs = Path.Combine(dir, "py.f32");
        var (code, output) = Run(PythonOnnx.Python, [Path.Combine(Consumer, "predict_ctypes.py"), Path.Combine(dir, "libmynet.so"), weights, inputs, Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs]);
        Assert.True(code == 0, output);
        Assert.Contains("wrong row size -> row size 14", output);
        Assert.Equal(expected, ReadFloats(outputs));
    }

    [Fact]
    public void Header_declares_every_entry_point()
    {
        string header = File.ReadAllText(Path.Combine(_library.Require(), "mynet.h"));
        foreach (string name in new[] { "mynet_create(uint64_t seed)", "mynet_load(const char* path)", "mynet_load_buffer(", "mynet_predict(", "mynet_free(", "mynet_last_error(void)", "mynet_input_size(void)", "mynet_output_size(void)" })
        {
            Assert.Contains(name, header);
        }
    }

    private static string Consumer => Path.Combine(TestData.RepoRoot, "tests", "AotNet.NativeConsumer");

    /// <summary>Weights with nonzero biases, 1,000 input rows, and what AotNet's Predict gives for them.</summary>
    private static (string Weights, string Inputs, float[] Expected) Case(string dir, int seed)
    {
        var model = MyNet.Create((ulong)seed);
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] += (float)(random.NextDouble() - 0.5) * 0.1f;
        }

        string weights = Path.Combine(dir, $"w{seed}.safetensors");
        File.WriteAllBytes(weights, SafeTensors.Serialize(SafeTensors.FromModel(MyNet.Description, model.Parameters)));
        var inputs = OnnxExportTests.Uniform(Rows, 13, 3f, seed);
        string inputsPath = Path.Combine(dir, $"in{seed}.f32");
        File.WriteAllBytes(inputsPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(inputs.Data.AsSpan()).ToArray());
        using var trainer = new Trainer<MyNet>(model, threads: 1);
        return (weights, inputsPath, trainer.Predict(inputs).Data);
    }

    private static float[] ReadFloats(string path) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    internal static (int Code, string Output) Run(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>Publishes the consumer once for the class (about a minute of Native AOT compilation).</summary>
    public sealed class Library : IDisposable
    {
        private readonly Lazy<(string? Dir, string Failure)> _published;
        private readonly string _root = Directory.CreateTempSubdirectory("aotnet-native-").FullName;

        public Library() => _published = new Lazy<(string?, string)>(Publish);

        public string Require()
        {
            var (dir, failure) = _published.Value;
            Assert.True(dir is not null, failure);
            return dir!;
        }

        private (string?, string) Publish()
        {
            string output = Path.Combine(_root, "publish");
            var (code, log) = Run("dotnet", ["publish", Path.Combine(Consumer, "AotNet.NativeConsumer.csproj"), "-c", "Release", "-r", "linux-x64", "-p:NativeLib=Shared", "-o", output]);
            if (code != 0)
            {
                return (null, "dotnet publish -p:NativeLib=Shared failed:\n" + log);
            }

            if (log.Contains("warning IL", StringComparison.Ordinal) || log.Contains("warning AOT", StringComparison.Ordinal))
            {
                return (null, "the native library's publish has trim/AOT warnings:\n" + log);
            }

            return File.Exists(Path.Combine(output, "libmynet.so")) && File.Exists(Path.Combine(output, "mynet.h"))
                ? (output, string.Empty)
                : (null, $"publish wrote no libmynet.so and mynet.h: {string.Join(", ", Directory.GetFiles(output).Select(Path.GetFileName))}\n{log}");
        }

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
