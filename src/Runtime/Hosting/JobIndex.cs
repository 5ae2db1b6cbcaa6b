using System.Globalization;

namespace AotNet.Hosting;

/// <summary>
/// The index of this process in an indexed job array, for <c>--fold env</c> (and any option that fans out over
/// jobs): Kubernetes Indexed Jobs set <c>JOB_COMPLETION_INDEX</c>, Slurm job arrays <c>SLURM_ARRAY_TASK_ID</c>, AWS
/// Batch array jobs <c>AWS_BATCH_JOB_ARRAY_INDEX</c>. All three count from 0 here (give Slurm <c>--array=0-4</c>).
/// </summary>
public static class JobIndex
{
    /// <summary>The variables read, in the order they are reported.</summary>
    public static readonly string[] Variables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX"];

    /// <summary>
    /// Parses an option's value: a whole number in [0, <paramref name="count"/>), or <c>env</c> for the index the job
    /// engine set (<see cref="Variables"/>; an empty variable counts as unset; several set must agree). Returns the
    /// index, or null and one line saying what is wrong.
    /// </summary>
    /// <param name="value">The option's text, e.g. "3" or "env".</param>
    /// <param name="count">How many indices there are (e.g. the folds).</param>
    /// <param name="option">The option's name, for messages (e.g. "--fold").</param>
    /// <param name="what">What an index counts, for messages (e.g. "folds").</param>
    /// <param name="environment">Reads a variable (default: the process environment).</param>
    public static (int? Index, string? Problem) Parse(string value, int count, string option, string what, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        environment ??= Environment.GetEnvironmentVariable;
        string range = string.Create(CultureInfo.InvariantCulture, $"0 to {count - 1} for {count} {what}");
        if (value != "env")
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int given) && given < count
                ? (given, null)
                : (null, $"{option} must be a whole number from {range}, or env (got '{value}')");
        }

        var set = Variables.Select(v => (Name: v, Value: environment(v))).Where(v => !string.IsNullOrEmpty(v.Value)).ToList();
        if (set.Count == 0)
        {
            return (null, $"{option} env: none of {string.Join(", ", Variables)} is set; run it as an indexed job (docs/scale-out.md) or give the index, e.g. {option} 0");
        }

        var parsed = new List<(string Name, string Value, int Index)>();
        foreach (var (name, text) in set)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                return (null, $"{option} env: {name}='{text}' is not a whole number");
            }

            parsed.Add((name, text!, index));
        }

        if (parsed.Select(p => p.Index).Distinct().Count() > 1)
        {
            return (null, $"{option} env: the job indices disagree ({string.Join(", ", parsed.Select(p => $"{p.Name}={p.Value}"))}); unset the one that is not this job's");
        }

        var (variable, raw, found) = parsed[0];
        return found < count
            ? (found, null)
            : (null, $"{option} env: {variable}={raw} is out of range: the index must be {range} (a Slurm array counts from 0: --array=0-{count - 1})");
    }
}
