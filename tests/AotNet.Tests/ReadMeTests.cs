using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using AotNet.Tests.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AotNet.Tests;

/// <summary>
/// Every C# block of README.md is a program a reader can paste into a new console project that references AotNet:
/// each is compiled as such (the SDK's implicit usings, the AotNet generator running) and then run in a fresh folder.
/// A block that stops compiling or throws fails the test.
/// </summary>
public sealed partial class ReadMeTests
{
    /// <summary>The SDK's implicit usings of a console project (ImplicitUsings enabled, as in `dotnet new console`).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static string ReadMe => File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));

    [GeneratedRegex(@"^```(?:csharp|cs|c#)[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static IEnumerable<string> Blocks(string markdown) => CSharpBlock().Matches(markdown).Select(m => m.Groups["code"].Value);

    public static TheoryData<int> BlockNumbers()
    {
        var data = new TheoryData<int>();
        int count = Blocks(ReadMe).Count();
        for (int i = 0; i < count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void The_readme_shows_the_library_in_at_least_one_csharp_block()
    {
        Assert.NotEmpty(Blocks(ReadMe));
        Assert.Contains(Blocks(ReadMe), b => b.Contains("new Trainer<", StringComparison.Ordinal) && b.Contains(".Fit(", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BlockNumbers))]
    public void Each_csharp_block_compiles_as_a_program_and_runs(int block)
    {
        string code = Blocks(ReadMe).ElementAt(block);
        byte[] assembly = Compile(code, out var errors);
        Assert.True(errors.Count == 0, $"README C# block {block + 1} does not compile:\n{string.Join('\n', errors)}\n--- block:\n{code}");

        var (exitCode, output) = Run(assembly);
        Assert.True(exitCode == 0, $"README C# block {block + 1} exited with {exitCode}:\n{output}");
    }

    [Fact]
    public void A_block_that_does_not_compile_is_caught()
    {
        // the check itself: the README's Trainer block with a name the library does not have must fail to compile
        string broken = Blocks(ReadMe).First(b => b.Contains("new FitOptions", StringComparison.Ordinal)).Replace("new FitOptions", "new FitOptionz", StringComparison.Ordinal);
        Compile(broken, out var errors);
        Assert.Contains(errors, e => e.Contains("FitOptionz", StringComparison.Ordinal));

        // and a type declared before the top-level statements is CS8803, the error the issue reported
        Compile("partial class Early;\nConsole.WriteLine(1);\n", out errors);
        Assert.Contains(errors, e => e.Contains("CS8803", StringComparison.Ordinal));
    }

    [Fact]
    public void The_block_extractor_finds_every_csharp_fence()
    {
        string markdown = "text\n```csharp\nA();\n```\n```sh\nls\n```\n```cs\nB();\n```\n";
        Assert.Equal(["A();\n", "B();\n"], Blocks(markdown));
    }

    /// <summary>Compiles <paramref name="code"/> as a console program, with the AotNet generator, as a project would.</summary>
    private static byte[] Compile(string code, out List<string> errors)
    {
        var compilation = GeneratorHarness.Compile(ImplicitUsings, code)
            .WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        using var stream = new MemoryStream();
        var result = output.Emit(stream);
        errors = [.. generatorDiagnostics.Concat(result.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        return stream.ToArray();
    }

    /// <summary>Runs the program in its own process and a fresh working folder (it may write files), with AotNet beside it.</summary>
    private static (int ExitCode, string Output) Run(byte[] assembly)
    {
        string dir = Directory.CreateTempSubdirectory("aotnet-readme").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "ReadMeBlock.dll"), assembly);
            foreach (var dependency in new[] { typeof(SequentialAttribute).Assembly, Assembly.Load("CommunityToolkit.HighPerformance"), Assembly.Load("System.Numerics.Tensors"), Assembly.Load("Google.Protobuf"), Assembly.Load("System.IO.Hashing"), Assembly.Load("Sep") })
            {
                File.Copy(dependency.Location, Path.Combine(dir, Path.GetFileName(dependency.Location)));
            }

            File.WriteAllText(Path.Combine(dir, "ReadMeBlock.runtimeconfig.json"), $$"""
                { "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version.ToString(3)}}" } } }
                """);
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(dir, "ReadMeBlock.dll"));
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "did not finish within 2 minutes");
            }

            return (process.ExitCode, output.Result + error.Result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
