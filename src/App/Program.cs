using System.CommandLine;

namespace AotNet.App;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("aotnet: the Keras tutorial's three experiments, natively compiled");
        return root.Parse(args).Invoke();
    }
}
