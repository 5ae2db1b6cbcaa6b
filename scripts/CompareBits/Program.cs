// Compares aotnet runs bit for bit (every saved weight, every results.json value but the measurements) and prints
// which agree. Arguments: LABEL=DIR …, each DIR holding weights.safetensors and results.json.
// The comparison is the tests' own (tests/AotNet.Tests/Reproducibility/BitDiff.cs, compiled in here).
// Used by scripts/compare-bits.sh (dotnet run --project scripts/CompareBits -- LABEL=DIR …).
// Exit code 0 when all runs agree, 1 when some differ, 2 on a usage error.
using AotNet.Tests.Reproducibility;

var runs = new List<(string Label, RunFiles Files)>();
foreach (string arg in args)
{
    int eq = arg.IndexOf('=');
    if (eq <= 0)
    {
        Console.Error.WriteLine($"compare-bits: '{arg}' is not LABEL=DIR");
        return 2;
    }

    var files = RunFiles.In(arg[(eq + 1)..]);
    if (!File.Exists(files.Weights) || !File.Exists(files.Results))
    {
        Console.Error.WriteLine($"compare-bits: {arg[(eq + 1)..]} holds no weights.safetensors and results.json");
        return 2;
    }

    runs.Add((arg[..eq], files));
}

if (runs.Count < 2)
{
    Console.Error.WriteLine("compare-bits: give at least two LABEL=DIR runs");
    return 2;
}

// bit equality is transitive: each run joins the first group whose first run it equals
var groups = new List<List<int>>();
var differences = new Dictionary<(int, int), string?>();
string? Diff(int i, int j)
{
    if (!differences.TryGetValue((i, j), out string? d))
    {
        d = differences[(i, j)] = BitDiff.Compare(runs[i].Label, runs[i].Files, runs[j].Label, runs[j].Files);
    }

    return d;
}

for (int i = 0; i < runs.Count; i++)
{
    var group = groups.FirstOrDefault(g => Diff(g[0], i) is null);
    if (group is null)
    {
        groups.Add([i]);
    }
    else
    {
        group.Add(i);
    }
}

int[] groupOf = new int[runs.Count];
for (int g = 0; g < groups.Count; g++)
{
    foreach (int i in groups[g])
    {
        groupOf[i] = g;
    }
}

int width = Math.Max(8, runs.Max(r => r.Label.Length)) + 2;
Console.WriteLine();
Console.WriteLine("same bits (= ) or not (x ), weights and results.json:");
Console.WriteLine(new string(' ', width) + string.Concat(runs.Select(r => r.Label.PadRight(width))));
for (int i = 0; i < runs.Count; i++)
{
    Console.WriteLine(runs[i].Label.PadRight(width) + string.Concat(runs.Select((_, j) => (groupOf[i] == groupOf[j] ? "=" : "x").PadRight(width))));
}

Console.WriteLine();
for (int g = 0; g < groups.Count; g++)
{
    Console.WriteLine($"group {g + 1}: {string.Join(", ", groups[g].Select(i => runs[i].Label))}");
}

for (int g = 1; g < groups.Count; g++)
{
    Console.WriteLine();
    Console.WriteLine(Diff(groups[0][0], groups[g][0]));
}

Console.WriteLine();
Console.WriteLine(groups.Count == 1 ? "all runs give the same bits" : $"{groups.Count} different results");
return groups.Count == 1 ? 0 : 1;
