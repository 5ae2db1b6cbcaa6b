using System.Diagnostics;
using AotNet.IO;
using AotNet.NativeConsumer;
using AotNet.Training;

namespace AotNet.Tests.Export;

/// <summary>
/// tests/AotNet.NativeConsumer published with <c>-p:NativeLib=Shared</c> gives libmynet.so and mynet.h; a C program
/// (gcc) and Python's ctypes call it and get Predict's bits exactly, and bad calls get errors, not crashes. Cross-published
/// for linux-arm64, the library called by the same C program (aarch64-linux-gnu-gcc) under qemu gives x64 Predict's bits
/// too (the same-bits contract). The model is the same source file compiled into this test assembly (MyNet.cs).
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

    [Arm64ToolsFact]
    public void Arm64_library_under_qemu_matches_x64_predict_bit_for_bit()
    {
        string dir = _library.Require("linux-arm64");
        byte[] elf = File.ReadAllBytes(Path.Combine(dir, "libmynet.so"))[..20];
        Assert.Equal(183, BitConverter.ToUInt16(elf, 18)); // e_machine EM_AARCH64
        string program = Path.Combine(dir, "predict");
        var (code, output) = Run("aarch64-linux-gnu-gcc", ["-O2", "-o", program, Path.Combine(Consumer, "predict.c"), "-I", dir, "-L", dir, "-lmynet", $"-Wl,-rpath,{dir}"]);
        Assert.True(code == 0, output);

        var (weights, inputs, expected) = Case(dir, 23);
        string outputs = Path.Combine(dir, "arm64.f32");
        (code, output) = Run(Arm64ToolsFactAttribute.Qemu, ["-L", Arm64ToolsFactAttribute.Sysroot, program, weights, inputs, Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs]);
        Assert.True(code == 0, output);
        Assert.Contains("wrong row size -> row size 12: MyNet takes 13 inputs per row", output);
        Assert.Contains("NULL model -> ", output);
        Assert.Equal(expected, ReadFloats(outputs)); // x64 Predict (this process) = arm64 C output, bit for bit
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

    /// <summary>
    /// Publishes the consumer once per runtime for the class (about a minute of Native AOT compilation each; the tests of
    /// one class run one after another, so the two publishes of the one project never overlap).
    /// </summary>
    public sealed class Library : IDisposable
    {
        private readonly Dictionary<string, Lazy<(string? Dir, string Failure)>> _published = [];
        private readonly string _root = Directory.CreateTempSubdirectory("aotnet-native-").FullName;

        public string Require(string rid = "linux-x64")
        {
            Lazy<(string?, string)> published;
            lock (_published)
            {
                if (!_published.TryGetValue(rid, out published!))
                {
                    _published[rid] = published = new Lazy<(string?, string)>(() => Publish(rid));
                }
            }

            var (dir, failure) = published.Value;
            Assert.True(dir is not null, failure);
            return dir!;
        }

        private (string?, string) Publish(string rid)
        {
            string output = Path.Combine(_root, "publish-" + rid);
            var (code, log) = Run("dotnet", ["publish", Path.Combine(Consumer, "AotNet.NativeConsumer.csproj"), "-c", "Release", "-r", rid, "-p:NativeLib=Shared", "-o", output]);
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

/// <summary>
/// A fact that needs the arm64 cross tools (clang, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user-static;
/// .ci/run installs them, docs/arm64.md): skipped, with the reason, without them.
/// </summary>
public sealed class Arm64ToolsFactAttribute : FactAttribute
{
    public const string Qemu = "qemu-aarch64-static";

    /// <summary>The arm64 glibc of libc6-dev-arm64-cross, qemu's -L prefix for the dynamic loader and libraries.</summary>
    public const string Sysroot = "/usr/aarch64-linux-gnu";

    private static readonly string? Missing = new[] { "clang", "aarch64-linux-gnu-gcc", Qemu }.FirstOrDefault(tool =>
        !(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool))));

    public Arm64ToolsFactAttribute()
    {
        if (Missing is not null || !Directory.Exists(Sysroot))
        {
            Skip = $"the arm64 cross tools are not installed ({Missing ?? Sysroot} missing; apt-get install clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static, as .ci/run does)";
        }
    }
}
