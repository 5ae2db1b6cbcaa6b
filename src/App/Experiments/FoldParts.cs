using System.Diagnostics;
using System.Globalization;
using AotNet.App.Results;
using AotNet.App.Terminal;
using AotNet.Hosting;
using AotNet.IO;
using AotNet.Reporting;

namespace AotNet.App.Experiments;

/// <summary>
/// Boston's k-fold fanned out over jobs (docs/scale-out.md): <c>aotnet boston --fold I</c> trains fold I alone and
/// writes its part, <c>boston-fold-I.json</c>, into --out (an <see cref="OutputSet"/> of one file: atomic, nothing
/// else in the folder touched); <c>aotnet merge</c> checks that the parts belong together (format, version, data,
/// settings, every fold once) and then finishes as one <c>aotnet boston</c> run does, from the same curves with the
/// same code (<see cref="Boston.Finish"/>): the same results.json, figures, report and final model, bit for bit.
/// </summary>
internal static class FoldParts
{
    /// <summary>The largest part read (a 1,000,000-epoch part is about 50 MB).</summary>
    private const long MaxPartBytes = 256L << 20;

    /// <summary><c>aotnet boston --fold I</c>: trains fold <paramref name="fold"/> and commits its part into --out.</summary>
    public static int RunFold(RunSettings settings, int fold, ConsoleReporter reporter, string commandLine, CancellationToken cancellation)
    {
        string name = FoldPart.FileName(fold);
        var set = new OutputSet(settings.OutDir, "--out", name); // fails early when --out cannot take the part
        if (set.ReadManifest() is { } earlier && FoldPart.Parse(earlier, Path.Combine(set.Path, name)).Problem is { } problem)
        {
            throw new IOException($"{problem}; aotnet replaces only its own parts: move it away or choose another --out");
        }

        PathAliases.Check(settings, [($"the part {name}", Path.Combine(set.Path, name))]);
        ModelFactory.LoadInitialWeights<BostonNet>(settings); // refuses a missing or wrong file before the data is read
        string? initialSha = InitialWeightsSha256(settings);
        var data = DataSources.Boston(settings, reporter, cancellation);
        var clock = Stopwatch.StartNew();
        var (curves, allocated) = Boston.RunFold(data, settings, fold, reporter, cancellation);
        var part = new FoldPart
        {
            Format = FoldPart.FormatName,
            Version = RunInfo.Version,
            Fold = fold,
            Data = new FoldPartData { File = Path.GetFileName(data.File), Sha256 = FileHash.Hex(data.File, new Sha256(), cancellation) },
            Settings = SettingsOf(settings, initialSha),
            ValMae = curves.ValMae,
            ValLoss = curves.ValLoss,
            Seconds = clock.Elapsed.TotalSeconds,
            AllocatedBytesAfterFirstEpoch = allocated,
            Run = RunInfo.For(Experiment.Boston, settings, commandLine),
        };
        cancellation.ThrowIfCancellationRequested();
        using (var writer = set.Begin(OutputFolder.LockPatience, cancellation))
        {
            writer.Commit(part.ToJson());
        }

        reporter.Line($"wrote {name} to {set.Path} (merge the {settings.Folds} parts with aotnet merge)");
        return CommandRunner.Ok;
    }

    /// <summary>
    /// <c>aotnet merge --out DIR PART…</c>: the parts, checked; the data and initial weights, checked against them;
    /// then the mean and smoothed curves, the best epoch, the final model and the --out set, as one boston run.
    /// </summary>
    public static int Merge(IReadOnlyList<string> partPaths, RunSettings options, ConsoleReporter reporter, string commandLine, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var parts = Check(partPaths.Select(p => (p, Read(p))).ToList(), RunInfo.Version);
        var first = parts[0].Part.Settings;
        var settings = options with
        {
            Epochs = first.Epochs,
            BatchSize = first.BatchSize,
            Folds = first.Folds,
            Seed = first.Seed,
            Shuffle = first.Shuffle,
            Smoothing = Reporting.Smoothing.ParseKind(first.Smoothing),
            Threads = 1,
        };
        var output = new OutputFolder(settings.OutDir);
        PathAliases.Check(settings, output, parts.Select(p => ($"the part {p.Path}", p.Path)));
        if ((first.InitialWeightsSha256 is null) != (settings.InitialWeights is null))
        {
            throw new InvalidDataException(first.InitialWeightsSha256 is null
                ? "the folds started from random weights: merge without --initial-weights"
                : $"the folds started from --initial-weights (sha256 {first.InitialWeightsSha256}): give the same file to merge, which trains the final model from it");
        }

        ModelFactory.LoadInitialWeights<BostonNet>(settings);
        if (InitialWeightsSha256(settings) is { } initialSha && initialSha != first.InitialWeightsSha256)
        {
            throw new InvalidDataException($"--initial-weights {settings.InitialWeights} has sha256 {initialSha}, not the folds' {first.InitialWeightsSha256}: give the file they started from");
        }

        var data = DataSources.Boston(settings, reporter, cancellation);
        var want = parts[0].Part.Data;
        string sha = FileHash.Hex(data.File, new Sha256(), cancellation);
        if (sha != want.Sha256)
        {
            throw new InvalidDataException($"the folds were trained on a {want.File} with sha256 {want.Sha256}, but {data.File} has sha256 {sha}: merge with the same data (--data-dir)");
        }

        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"merging {parts.Count} fold parts: {first.Describe()}"));
        var boston = Boston.Finish(
            data,
            settings,
            parts.Select(p => new FoldCurves(p.Part.ValMae, p.Part.ValLoss)).ToArray(),
            parts.Sum(p => p.Part.Seconds),
            parts.Sum(p => p.Part.AllocatedBytesAfterFirstEpoch),
            reporter,
            cancellation);
        var results = new ResultsFile { Boston = boston with { Run = RunInfo.For(Experiment.Boston, settings, commandLine) } };
        return Runner.Commit(output, results, settings, reporter, commandLine, started, cancellation);
    }

    /// <summary>
    /// The parts in fold order, when they are of this <paramref name="version"/>, of one data file and one set of
    /// settings, and hold every fold exactly once; else an <see cref="InvalidDataException"/> naming the parts at fault.
    /// </summary>
    public static List<(string Path, FoldPart Part)> Check(IReadOnlyList<(string Path, FoldPart Part)> parts, string version)
    {
        if (parts.Count == 0)
        {
            throw new InvalidDataException("no parts given: name the boston-fold-*.json files the folds wrote");
        }

        foreach (var (path, part) in parts)
        {
            if (part.Version != version)
            {
                throw new InvalidDataException($"{path} was written by AotNet {part.Version}, this is {version}: merge with the version that trained the folds (the same code gives the same bits)");
            }
        }

        var (firstPath, first) = parts[0];
        foreach (var (path, part) in parts.Skip(1))
        {
            if (part.Data != first.Data)
            {
                throw new InvalidDataException($"{path} was trained on {part.Data.File} sha256 {part.Data.Sha256}, {firstPath} on {first.Data.File} sha256 {first.Data.Sha256}: the parts are of different data");
            }

            if (part.Settings != first.Settings)
            {
                throw new InvalidDataException($"{path} has other settings than {firstPath} ({part.Settings.Describe()} vs {first.Settings.Describe()})");
            }
        }

        var byFold = new (string Path, FoldPart Part)?[first.Settings.Folds];
        foreach (var (path, part) in parts)
        {
            if (byFold[part.Fold] is { } twice)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"fold {part.Fold} is given twice: {twice.Path} and {path}"));
            }

            byFold[part.Fold] = (path, part);
        }

        var missing = Enumerable.Range(0, byFold.Length).Where(i => byFold[i] is null).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{(missing.Count == 1 ? "fold" : "folds")} {string.Join(", ", missing)} of {byFold.Length} missing (have {string.Join(", ", byFold.Where(p => p is not null).Select(p => p!.Value.Part.Fold))}): run aotnet boston --fold for {(missing.Count == 1 ? "it" : "them")} first"));
        }

        return byFold.Select(p => p!.Value).ToList();
    }

    /// <summary>The part at <paramref name="path"/>: a regular file of at most <see cref="MaxPartBytes"/>, in the part format.</summary>
    public static FoldPart Read(string path)
    {
        FileKind kind = FileKinds.Of(path);
        if (kind != FileKind.Regular)
        {
            throw new IOException(kind == FileKind.Missing ? $"part {path} does not exist" : $"part {path} is {FileKinds.Describe(kind)}, not a file");
        }

        if (new FileInfo(path).Length > MaxPartBytes)
        {
            throw new InvalidDataException($"{path} is larger than {MaxPartBytes >> 20} MB, so not a fold part");
        }

        var (part, problem) = FoldPart.Parse(File.ReadAllText(path), path);
        return part ?? throw new InvalidDataException(problem);
    }

    private static FoldPartSettings SettingsOf(RunSettings settings, string? initialSha) => new()
    {
        Epochs = settings.Epochs ?? Boston.Epochs,
        BatchSize = settings.BatchSize ?? Boston.BatchSize,
        Folds = settings.Folds,
        Seed = settings.Seed,
        Shuffle = settings.Shuffle,
        Smoothing = Reporting.Smoothing.KindName(settings.Smoothing),
        InitialWeightsSha256 = initialSha,
    };

    private static string? InitialWeightsSha256(RunSettings settings) =>
        settings.InitialWeights is { } path ? FileHash.Hex(path, new Sha256()) : null;
}
