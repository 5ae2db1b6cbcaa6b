using System.CommandLine;
using AotNet.Training;

namespace AotNet.Hosting;

/// <summary>
/// A command-line program for any declared model: a consumer's whole <c>Program.cs</c> is
/// <c>return AotNet.Hosting.ModelApp.Run&lt;MyNet&gt;(args);</c> and its native binary then offers
/// <c>fit</c>, <c>evaluate</c>, <c>predict</c>, <c>summary</c> and <c>merge</c> (of seeds fitted as indexed jobs) (see <c>--help</c> of each).
/// </summary>
/// <remarks>
/// The rules of the <c>aotnet</c> binary hold: an error is one line on stderr with exit code 1; Ctrl+C (SIGINT) exits
/// 130 and SIGTERM 143, leaving no partial file; every output is written atomically and only to the paths named; an
/// output path that is one of the inputs is refused before training; input lines are bounded; weights saved for
/// another model are refused.
/// </remarks>
public static partial class ModelApp
{
    /// <summary>Runs the command in <paramref name="args"/> for <typeparamref name="TModel"/> and returns the process exit code.</summary>
    public static int Run<TModel>(string[] args)
        where TModel : class, IModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(args);
        string program = ProgramName();
        var description = TModel.Description;
        var root = new RootCommand($"{program}: the {description.Name} model ({description.Topology}), trained and run natively by AotNet");
        root.Subcommands.Add(FitCommand<TModel>(program));
        root.Subcommands.Add(EvaluateCommand<TModel>(program));
        root.Subcommands.Add(PredictCommand<TModel>(program));
        root.Subcommands.Add(SummaryCommand<TModel>(program));
        root.Subcommands.Add(MergeCommand<TModel>(program));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return ParseErrors.Report(parse, Console.Error, program);
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CommandRunner.Fail(program, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The executable's name, as error lines start with it.</summary>
    private static string ProgramName()
    {
        string name = RootCommand.ExecutableName;
        return string.IsNullOrEmpty(name) ? "model" : name;
    }

    private static Option<string> RequiredFile(string name, string description) =>
        new(name) { Description = description, Required = true, HelpName = "FILE" };

    private static Option<int> Threads() => new("--threads")
    {
        Description = "worker threads (the results are the same bits for any count)",
        DefaultValueFactory = _ => 1,
        HelpName = "N",
    };

    private static string[]? Names(string? list) =>
        list is null ? null : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
