using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using AotNet.App;
using AotNet.IO;
using AotNet.Tests.Data;

namespace AotNet.Tests.Reliability;

/// <summary>Files the reliability tests build: weights for the three models, synthetic Keras files, FIFOs, links.</summary>
internal static class Fixtures
{
    public static readonly string[] BostonRow = ["18.0846", "0", "18.1", "0", "0.679", "6.434", "100", "1.8347", "24", "666", "20.2", "27.25", "29.05"];

    public static Dictionary<string, string> BostonMetadata(string std = "8.9,23,6.8,0.25,0.11,0.7,28,2.1,8.7,166,2.2,94,7.2") => new()
    {
        ["format"] = "aotnet",
        ["model"] = "BostonNet",
        ["dataset"] = "boston_housing",
        ["normalization_mean"] = "3.7,11.5,11.1,0.06,0.55,6.3,69,3.8,9.4,405,18.5,354,12.8",
        ["normalization_std"] = std,
    };

    /// <summary>BostonNet weights (glorot, seed 0) with every value replaced by <paramref name="fill"/> when given.</summary>
    public static byte[] BostonWeights(float? fill = null, Dictionary<string, string>? metadata = null)
    {
        var parameters = BostonNet.Create(0).Parameters.ToArray();
        if (fill is float f)
        {
            Array.Fill(parameters, f);
        }

        return SafeTensors.Serialize(SafeTensors.FromModel(BostonNet.Description, parameters), metadata ?? BostonMetadata());
    }

    public static byte[] ImdbWeights() =>
        SafeTensors.Serialize(SafeTensors.FromModel(ImdbNet.Description, ImdbNet.Create(0).Parameters), new Dictionary<string, string> { ["model"] = "ImdbNet", ["dataset"] = "imdb" });

    /// <summary>A named pipe at <paramref name="path"/> (nobody ever writes to it).</summary>
    public static string Fifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>The kind of <paramref name="path"/> as <c>stat -c %F</c> prints it ("fifo", "regular file", "symbolic link" …).</summary>
    public static string StatKind(string path)
    {
        var info = new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(info)!;
        string kind = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return kind;
    }

    /// <summary>
    /// A text npz (IMDB's or Reuters' layout) with <paramref name="count"/> short lists per x member and the labels
    /// <paramref name="label"/>(i).
    /// </summary>
    public static byte[] TextNpz(string[] xMembers, string[] yMembers, int count, Func<int, long> label)
    {
        int[][] lists = Enumerable.Range(0, count).Select(i => new[] { 1, 4 + (i % 50), 7 + (i % 13), 20 + (i % 97) }).ToArray();
        var members = new List<(string, byte[])>();
        foreach (string x in xMembers)
        {
            members.Add((x + ".npy", NumpyFiles.ObjectNpy(lists)));
        }

        foreach (string y in yMembers)
        {
            members.Add((y + ".npy", HostileInputs.Labels(Enumerable.Range(0, count).Select(label).ToArray())));
        }

        return NumpyFiles.Npz(members, CompressionLevel.Fastest);
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
