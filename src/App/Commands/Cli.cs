using System.CommandLine;
using AotNet.Data;
using AotNet.Data.Keras;
using AotNet.IO;
using AotNet.Training;
using AotNet.Hosting;

namespace AotNet.App.Commands;

/// <summary>
/// How every command ends: exit code 0 on success; 1 with one or two clear lines on stderr for anything the user
/// can fix (bad files, bad values, diverging training); 130 after Ctrl+C. Never a stack trace.
/// </summary>
internal static class Cli
{
    public const int Ok = CommandRunner.Ok, Failed = CommandRunner.Failed, Interrupted = Interrupts.SigintExit;

    public static int Fail(string message, string? hint = null, string prefix = "aotnet") => CommandRunner.Fail(prefix, message, hint);

    /// <summary>What the user can do about <paramref name="e"/>, when its message does not already say it.</summary>
    public static string? Hint(Exception e) => e switch
    {
        AggregateException { InnerException: { } inner } => Hint(inner),
        _ when SaysWhatToDo(e.Message) => null,
        DatasetDownloadException when e.Message.Contains("cannot store the download", StringComparison.Ordinal) =>
            "the datasets folder must be a folder you can write to (see --data-dir)",
        DatasetDownloadException => $"check the network or {DatasetCache.OriginVariable}, or copy the file into the datasets folder yourself (see --data-dir)",
        DataFormatException when !e.Message.Contains("sha256", StringComparison.Ordinal) =>
            "the file is damaged or is not the Keras original: delete it to download it again, or point --data-dir at a good copy",
        _ => null,
    };

    /// <summary>True when a message already ends with what to do (then no hint line is added).</summary>
    private static bool SaysWhatToDo(string message) =>
        message.Contains("--data-dir", StringComparison.Ordinal) || message.Contains("--no-verify", StringComparison.Ordinal)
        || message.Contains("--save-weights", StringComparison.Ordinal) || message.Contains(DatasetCache.OriginVariable, StringComparison.Ordinal)
        || message.Contains(DatasetCache.StallVariable, StringComparison.Ordinal);

    /// <summary>
    /// Runs <paramref name="action"/> with a token cancelled by Ctrl+C (SIGINT) or SIGTERM (exit 130 or 143, nothing
    /// left behind), mapping exceptions to exit codes (<see cref="CommandRunner"/>).
    /// </summary>
    public static int Run(Func<CancellationToken, int> action, string prefix = "aotnet") => CommandRunner.Run(action, prefix, Hint);
}

/// <summary>The dataset options shared by every command.</summary>
internal static class DataOptions
{
    public static Option<string?> DataDir() => MustBeAFolder(new("--data-dir")
    {
        Description = "folder holding the Keras dataset files, for offline machines (default: $KERAS_HOME/datasets, else ~/.keras/datasets; missing files are downloaded there)",
        HelpName = "DIR",
    });

    /// <summary>
    /// Refuses, before anything runs, a --data-dir that does not exist or is a file: an explicit folder is never created
    /// (a typo would otherwise start a download into a new folder).
    /// </summary>
    public static Option<string?> MustBeAFolder(Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens is not [var token])
            {
                return;
            }

            string path = token.Value;
            if (path.Length == 0)
            {
                r.AddError($"{option.Name} needs a folder name");
            }
            else if (File.Exists(path) && !Directory.Exists(path))
            {
                r.AddError($"{option.Name} {path} is a file; give the folder that holds the Keras files (e.g. the one imdb.npz is in)");
            }
            else if (!Directory.Exists(path))
            {
                r.AddError($"{option.Name} {path} does not exist; create it (missing Keras files are then downloaded into it), or leave {option.Name} out to use ~/.keras/datasets");
            }
        });
        return option;
    }

    public static Option<bool> NoVerify() => new("--no-verify")
    {
        Description = "skip the hash check (npz sha256, word-index md5) of dataset files already present, and accept any well-formed downloaded word index (for your own copies)",
    };
}
