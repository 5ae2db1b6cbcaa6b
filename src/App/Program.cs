using System.CommandLine;
using AotNet.App.Commands;

namespace AotNet.App;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--version"])
        {
            // what System.CommandLine's version option prints (the entry assembly's informational version), without
            // building the command tree, loading its resources or reading attributes: start-up is most of this command
            Console.Out.WriteLine(BuildInfo.InformationalVersion);
            return Cli.Ok;
        }

        var root = new RootCommand("aotnet: the Keras tutorial's three experiments (IMDB, Reuters, Boston housing), natively compiled");
        foreach (var command in ExperimentCommand.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // two lines on stderr: what is wrong and where to find the usage; not the whole help text
            var messages = parse.Errors.Select(e => e.Message).ToList();
            if (messages.Count > 1)
            {
                messages.Remove("Required command was not provided.");
            }

            Console.Error.WriteLine($"aotnet: {string.Join(" ", messages)}");

            Console.Error.WriteLine($"usage: {string.Join(' ', parse.CommandResult.Command.Name == root.Name ? "aotnet" : "aotnet " + parse.CommandResult.Command.Name)} --help");
            return Cli.Failed;
        }

        try
        {
            // our commands report their own errors (Cli.Run); anything that still escapes gets one line, not a stack trace
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Cli.Fail($"internal error: {e.GetType().Name}: {e.Message}");
        }
    }
}
