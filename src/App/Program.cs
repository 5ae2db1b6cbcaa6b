using System.CommandLine;
using AotNet.App.Commands;

namespace AotNet.App;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("aotnet: the Keras tutorial's three experiments (IMDB, Reuters, Boston housing), natively compiled");
        foreach (var command in ExperimentCommand.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(DataCommand.Create());
        try
        {
            // our commands report their own errors (Cli.Run); anything that still escapes gets one line, not a stack trace
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Cli.Fail($"internal error: {e.GetType().Name}: {e.Message}");
        }
    }
}
