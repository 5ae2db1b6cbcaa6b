using System.Reflection;

namespace AotNet.Tests.App;

/// <summary>
/// <c>aotnet --version</c> answers without building the command tree; it must print what System.CommandLine's version
/// option printed: the informational version of the executable's assembly (version + commit).
/// </summary>
public class VersionTests
{
    private static string AttributeVersion =>
        typeof(AotNet.App.Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    [Fact]
    public void TheBuiltInVersionIsTheAssemblysInformationalVersion()
    {
        Assert.Equal(AotNet.App.BuildInfo.InformationalVersion, AttributeVersion);
        Assert.StartsWith("0.1.0", AttributeVersion);
    }

    [Fact]
    public void VersionPrintsOneLineAndExitsZero()
    {
        var (code, output) = RunWithOutput("--version");
        Assert.Equal(0, code);
        Assert.Equal(AttributeVersion + Environment.NewLine, output);
    }

    [Fact]
    public void VersionWithAnythingElseIsStillSystemCommandLinesError()
    {
        var (code, error) = AppRun.Cli("--version", "imdb");
        Assert.Equal(1, code);
        Assert.StartsWith("aotnet imdb: ", error); // the command the parse reached, as in every parse error
        Assert.Contains("--version", error);
    }

    [NativeBinaryFact]
    public void TheNativeBinaryPrintsItsInformationalVersion()
    {
        var (code, output, error) = AppRun.Binary("--version");
        Assert.True(code == 0, error);
        // same version and form (version+commit from a git checkout, one line); the commit may differ from the test build's when the
        // binary was published before the last commit
        Assert.Matches(@"^\d+\.\d+\.\d+(\+[0-9a-f]{40})?\n\z", output);
        Assert.Equal(AttributeVersion.Split('+')[0], output.Split('+')[0]);
        Assert.Equal(string.Empty, error);
    }

    private static (int ExitCode, string Output) RunWithOutput(params string[] args)
    {
        lock (AppRun.ConsoleGate)
        {
            var output = new StringWriter();
            var saved = Console.Out;
            Console.SetOut(output);
            try
            {
                return (AotNet.App.Program.Main(args), output.ToString());
            }
            finally
            {
                Console.SetOut(saved);
            }
        }
    }
}
