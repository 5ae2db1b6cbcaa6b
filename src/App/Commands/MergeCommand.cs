using System.CommandLine;
using AotNet.App.Experiments;
using AotNet.App.Terminal;
using AotNet.Reporting;

namespace AotNet.App.Commands;

/// <summary>
/// <c>aotnet merge --out DIR PART…</c>: the parts of <c>aotnet boston --fold I</c> (one per fold, from any machines)
/// into the results.json, figures, report and final model of one <c>aotnet boston</c> run (<see cref="FoldParts"/>).
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var parts = new Argument<string[]>("part")
        {
            Description = "the boston-fold-I.json files written by aotnet boston --fold I, one per fold, in any order",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "folder for results.json, the SVG figures and report.html (as aotnet boston --out); results of other experiments there are kept",
            DefaultValueFactory = _ => "aotnet-out",
            HelpName = "DIR",
        };
        var dataDir = DataOptions.DataDir();
        var noVerify = DataOptions.NoVerify();
        var initialWeights = new Option<string?>("--initial-weights") { Description = "the weights file the folds started from, when they did (the final model starts from it too)", HelpName = "FILE" };
        var saveWeights = new Option<string?>("--save-weights") { Description = "write the final model's weights to this safetensors file (for aotnet predict)", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print errors only" };
        var command = new Command("merge", "merge the parts of aotnet boston --fold runs (indexed jobs, docs/scale-out.md) into the results of one aotnet boston run, bit for bit: mean and smoothed curves, best epoch, final model, figures and report")
        {
            parts, outDir, dataDir, noVerify, initialWeights, saveWeights, quiet,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(saveWeights) is { } save && (save.Length == 0 || Directory.Exists(save)))
            {
                return Cli.Fail($"--save-weights '{save}' is not a file name; give the file to write, e.g. weights.safetensors", prefix: "aotnet merge");
            }

            var settings = new RunSettings
            {
                DataDir = parse.GetValue(dataDir),
                NoVerify = parse.GetValue(noVerify),
                OutDir = parse.GetValue(outDir)!,
                InitialWeights = parse.GetValue(initialWeights),
                SaveWeights = parse.GetValue(saveWeights),
            };
            var reporter = new ConsoleReporter(ConsoleReporter.Detect(parse.GetValue(quiet)));
            string commandLine = string.Join(' ', ["aotnet", .. Environment.GetCommandLineArgs().Skip(1)]);
            return Cli.Run(cancellation => FoldParts.Merge(parse.GetValue(parts) ?? [], settings, reporter, commandLine, cancellation), prefix: "aotnet merge");
        });
        return command;
    }
}
