using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Reporting;

namespace AotNet.App.Experiments;

public enum Experiment
{
    Imdb,
    Reuters,
    Boston,
}

/// <summary>Runs the chosen experiments in order, then writes results.json, the figures and report.html.</summary>
internal static class Runner
{
    public static readonly Experiment[] All = [Experiment.Imdb, Experiment.Reuters, Experiment.Boston];

    public static int Run(IReadOnlyList<Experiment> experiments, RunSettings settings, ConsoleReporter reporter, string commandLine, CancellationToken cancellation)
    {
        if (settings.Fold is int fold)
        {
            return FoldParts.RunFold(settings, fold, reporter, commandLine, cancellation); // one fold's part, not the --out set
        }

        var output = new OutputFolder(settings.OutDir); // fails early when --out cannot be written
        PathAliases.Check(settings, output); // and when an output would overwrite an input or another output
        var started = DateTimeOffset.UtcNow;
        var results = new ResultsFile();
        foreach (var experiment in experiments)
        {
            cancellation.ThrowIfCancellationRequested();
            switch (experiment)
            {
                case Experiment.Imdb:
                    ModelFactory.LoadInitialWeights<ImdbNet>(settings);
                    var imdb = DataSources.Imdb(settings, reporter, cancellation);
                    results.Imdb = TextClassification.Run<ImdbNet>(imdb, settings, reporter, cancellation) with { Run = RunInfo.For(experiment, settings, commandLine) };
                    foreach (string variant in settings.ImdbVariants)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        (results.ImdbVariants ??= new Dictionary<string, TextResult>(StringComparer.Ordinal))[variant] = ImdbVariants.Run(variant, imdb, settings, reporter, cancellation) with { Run = RunInfo.For(experiment, settings, commandLine) };
                    }

                    break;
                case Experiment.Reuters:
                    ModelFactory.LoadInitialWeights<ReutersNet>(settings);
                    results.Reuters = TextClassification.Run<ReutersNet>(DataSources.Reuters(settings, reporter, cancellation), settings, reporter, cancellation) with { Run = RunInfo.For(experiment, settings, commandLine) };
                    break;
                case Experiment.Boston:
                    ModelFactory.LoadInitialWeights<BostonNet>(settings);
                    results.Boston = Boston.Run(DataSources.Boston(settings, reporter, cancellation), settings, reporter, cancellation) with { Run = RunInfo.For(experiment, settings, commandLine) };
                    break;
            }
        }

        return Commit(output, results, settings, reporter, commandLine, started, cancellation);
    }

    /// <summary>Writes the --out set for <paramref name="results"/> and says what was written (also the end of <c>aotnet merge</c>).</summary>
    public static int Commit(OutputFolder output, ResultsFile results, RunSettings settings, ConsoleReporter reporter, string commandLine, DateTimeOffset started, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        output.Commit(results, commandLine, started, cancellation);
        reporter.Summary(Summary(results));
        var written = new List<string>(output.Written);
        string kept = output.Kept.Count > 0 ? $" (kept the earlier results of {string.Join(" and ", output.Kept)})" : string.Empty;
        reporter.Line($"wrote {string.Join(", ", written)} to {output.Path}{kept}");
        if (settings.SaveWeights is { } weights)
        {
            reporter.Line($"wrote the trained weights to {Path.GetFullPath(weights)}");
        }

        return 0;
    }

    /// <summary>The label/value rows of each experiment in <paramref name="results"/> (terminal summary and report).</summary>
    public static List<(string Experiment, IReadOnlyList<(string Label, string Value)> Rows)> Summary(ResultsFile results) => ReportSet.Summary(results);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
