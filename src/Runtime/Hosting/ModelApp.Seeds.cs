using System.Globalization;

namespace AotNet.Hosting;

public static partial class ModelApp
{
    /// <summary>The folder of one seed's output set inside <c>--out</c> when the seed comes from the job index.</summary>
    internal static string SeedFolderName(ulong seed) => string.Create(CultureInfo.InvariantCulture, $"seed-{seed}");

    /// <summary>
    /// <paramref name="request"/> with its seed from <c>--seed</c>: a whole number, or <c>env</c> for the index of this
    /// job in an array (<see cref="JobIndex"/>: the index is the seed, so job 3 trains exactly as <c>--seed 3</c>).
    /// A job's outputs must not collide with its siblings': with <c>env</c>, <c>--out DIR</c> becomes
    /// <c>DIR/seed-S</c> and <c>--save-weights FILE.safetensors</c> becomes <c>FILE-seed-S.safetensors</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is neither, or the job index is missing or unusable.</exception>
    internal static FitRequest WithSeed(FitRequest request, string text, Func<string, string?> environment)
    {
        if (text != "env")
        {
            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong given)
                ? request with { Seed = given }
                : throw new ArgumentException($"--seed must be a whole number of at least 0, or env (got '{text}')");
        }

        var (index, problem) = JobIndex.Parse(text, int.MaxValue, "--seed", "seeds", environment);
        if (index is not int job)
        {
            throw new ArgumentException(problem);
        }

        ulong seed = (ulong)job;
        return request with
        {
            Seed = seed,
            SeedFromJob = true,
            Out = request.Out is { } folder ? Path.Combine(folder, SeedFolderName(seed)) : null,
            SaveWeights = request.SaveWeights is { } file ? SeedFile(file, seed) : null,
        };
    }

    /// <summary><c>w.safetensors</c> → <c>w-seed-3.safetensors</c> (in the same folder).</summary>
    private static string SeedFile(string path, ulong seed)
    {
        string name = Path.GetFileNameWithoutExtension(path) + "-" + SeedFolderName(seed) + Path.GetExtension(path);
        string? folder = Path.GetDirectoryName(path);
        return string.IsNullOrEmpty(folder) ? name : Path.Combine(folder, name);
    }
}
