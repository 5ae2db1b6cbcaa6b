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
        root.Subcommands.Add(PredictCommand.Create());
        return root.Parse(args).Invoke();
    }
}
