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
        Cpu = CpuModel(),
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

    private static string CpuModel()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    // x86: "model name : AMD EPYC ..."; many ARM kernels give no model name, only "CPU part"
                    if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0 && line[(colon + 1)..].Trim() is { Length: > 0 } model)
                        {
                            return model;
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture, $"{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()} processor");
    }
}
