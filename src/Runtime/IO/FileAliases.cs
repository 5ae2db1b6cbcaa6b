namespace AotNet.IO;

/// <summary>
/// Issue 21 item 3, for every tool of the package (the <c>aotnet</c> app and <see cref="AotNet.Hosting.ModelApp"/>):
/// before any work, no output may be an input or another output, however it is spelled (the same device and inode,
/// or the same folder and name for a file not written yet: symbolic links, "..", hard links and bind mounts included,
/// see <see cref="FileIdentity"/>). One pair may be allowed: an output that replaces the input it names atomically,
/// after the input was read whole (e.g. <c>--save-weights</c> equal to <c>--initial-weights</c>).
/// </summary>
public static class FileAliases
{
    /// <summary>
    /// Throws <see cref="IOException"/> naming both when an output of <paramref name="outputs"/> is one file with an
    /// input or another output. <c>What</c> names each path for the message ("--save-weights", "the --out set's results.json").
    /// </summary>
    /// <param name="outputs">The paths the run writes.</param>
    /// <param name="inputs">The paths the run reads.</param>
    /// <param name="replaces">An (output, input) pair of <c>What</c>s that may be the same file.</param>
    public static void Check(
        IReadOnlyList<(string What, string Path)> outputs, IReadOnlyList<(string What, string Path)> inputs, (string Output, string Input)? replaces = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        var identities = outputs.Concat(inputs).Select(p => (p.What, p.Path, Id: FileIdentity.Of(p.Path))).ToList();
        for (int i = 0; i < outputs.Count; i++)
        {
            for (int j = i + 1; j < identities.Count; j++)
            {
                var (a, b) = (identities[i], identities[j]);
                if (a.Id is null || a.Id != b.Id || (replaces is { } r && a.What == r.Output && b.What == r.Input))
                {
                    continue;
                }

                throw new IOException(a.What.StartsWith("--", StringComparison.Ordinal)
                    ? $"{a.What} {a.Path} is {b.What} ({b.Path}); writing there would destroy it: give another file"
                    : $"{b.What.Replace("the ", string.Empty, StringComparison.Ordinal)} {b.Path} is {a.What}, which this run replaces: give another file or another --out");
            }
        }
    }
}
