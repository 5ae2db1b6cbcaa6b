using System.CommandLine;

namespace AotNet.App;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("aotnet: the Keras tutorial's three experiments, natively compiled");
        root.Subcommands.Add(Commands.DataCommand.Create());
        return root.Parse(args).Invoke();
    }
}
