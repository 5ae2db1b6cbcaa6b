using System.CommandLine;
using AotNet.App.Commands;
using AotNet.Hosting;

namespace AotNet.App;

public static class Program
{
    public static int Main(string[] args)
    {
        QuietWhenBroken.Install(); // a closed or full stderr loses the messages, never the exit code (no abort)
        if (args is ["--version"])
        {
            // what System.CommandLine's version option prints (the entry assembly's informational version), without
            // building the command tree, loading its resources or reading attributes: start-up is most of this command
            Console.Out.WriteLine(BuildInfo.InformationalVersion);
            return Cli.Ok;
        }

        (args, string? predictProblem) = PredictArguments.Normalise(args);
        if (predictProblem is not null)
        {
            Console.Error.WriteLine($"aotnet predict {args[1]}: {predictProblem}");
            Console.Error.WriteLine($"usage: aotnet predict {args[1]} --help");
            return Cli.Failed;
        }

        var root = new RootCommand("aotnet: the Keras tutorial's three experiments (IMDB, Reuters, Boston housing), natively compiled");
        foreach (var command in ExperimentCommand.Create())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(HelpCommand(root));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // two lines on stderr: what is wrong (with a "did you mean") and where to find the usage; not the whole help text
            return ParseErrors.Report(parse, Console.Error);
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

    /// <summary><c>aotnet help [command …]</c>: the same text as <c>aotnet [command …] --help</c>.</summary>
    private static Command HelpCommand(RootCommand root)
    {
        var names = new Argument<string[]>("command") { Description = "the command to explain, e.g. imdb or predict boston", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "show the help of a command (aotnet help imdb is aotnet imdb --help)") { names };
        help.SetAction(parse =>
        {
            string[] path = parse.GetValue(names) ?? [];
            var target = root.Parse(path);
            return target.UnmatchedTokens.Count > 0 ? ParseErrors.Report(target, Console.Error) : root.Parse([.. path, "--help"]).Invoke();
        });
        return help;
    }
}
