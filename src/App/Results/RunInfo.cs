using System.Globalization;
using System.Runtime.InteropServices;
using AotNet.App.Experiments;

namespace AotNet.App.Results;

/// <summary>What results.json records about how an entry was produced: version, machine and effective settings.</summary>
internal static class RunInfo
{
    /// <summary>AotNet's informational version, with the commit it was built from.</summary>
    public static string Version => BuildInfo.InformationalVersion;

    public static MachineRecord Machine() => new()
    {
        Os = RuntimeInformation.OSDescription,
        Architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        Cpu = AotNet.Reporting.MachineInfo.Cpu(),
        Cores = Environment.ProcessorCount,
        Runtime = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>The record of one experiment of this run, finished now.</summary>
    public static RunRecord For(Experiment experiment, RunSettings settings, string commandLine) => new()
    {
        FinishedAt = DateTimeOffset.UtcNow,
        Command = commandLine,
        Version = Version,
        Machine = Machine(),
        Settings = new RunSettingsRecord
        {
            Epochs = settings.Epochs ?? (experiment == Experiment.Boston ? Boston.Epochs : TextClassification.Epochs),
            BatchSize = settings.BatchSize ?? (experiment == Experiment.Boston ? Boston.BatchSize : TextClassification.BatchSize),
            Seed = settings.Seed,
            Threads = settings.Threads,
            Shuffle = settings.Shuffle,
            Folds = experiment == Experiment.Boston ? settings.Folds : null,
            Smoothing = experiment == Experiment.Boston ? Reporting.Smoothing.KindName(settings.Smoothing) : null,
            InitialWeights = settings.InitialWeights is { } i ? Path.GetFullPath(i) : null,
            SaveWeights = settings.SaveWeights is { } s ? Path.GetFullPath(s) : null,
        },
    };
}
