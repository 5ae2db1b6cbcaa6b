using System.Diagnostics;
using System.Net.Sockets;
using AotNet.Hosting;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 21 item 1: the --out commit never reads, moves, copies or deletes an entry it did not create. Pipes, device
/// links, dangling links, link loops, sockets, folders and large files of the user's stay exactly as they were (same
/// inode, kind, size and time), the run does not hang on them, and the folder itself is never replaced (a log being
/// written into it and a shell standing in it keep working).
/// </summary>
public sealed class ForeignEntryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-foreign").FullName;

    public ForeignEntryTests() => File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());

    private string Out => Path.Combine(_dir, "out");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AppProcess.Result Boston(string outDir, params string[] extra) =>
        AppProcess.Run(["boston", "--data-dir", _dir, "--no-verify", "--out", outDir, "--epochs", "3", "--folds", "2", .. extra], timeoutSeconds: 60);

    /// <summary>`stat` of every entry in <paramref name="folder"/> without following links: name, kind, inode, size, mtime.</summary>
    internal static SortedDictionary<string, string> Stat(string folder)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(folder))
        {
            var info = new ProcessStartInfo("stat", ["-c", "%F %i %s %Y.%y", path]) { RedirectStandardOutput = true };
            using var stat = Process.Start(info)!;
            entries[Path.GetFileName(path)] = stat.StandardOutput.ReadToEnd().Trim();
            stat.WaitForExit();
        }

        return entries;
    }

    private static readonly string[] SetFiles = ["boston_folds.svg", "boston_mae.svg", "boston_mae_smoothed.svg", "report.html", "results.json"];

    [Fact]
    public void Pipes_device_links_dangling_links_loops_sockets_folders_and_files_of_the_user_are_left_exactly_as_they_are()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Directory.CreateDirectory(Out);
        Fixtures.Fifo(Path.Combine(Out, "pipe"));
        File.CreateSymbolicLink(Path.Combine(Out, "zero"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(Out, "dangling"), Path.Combine(_dir, "nothing"));
        File.CreateSymbolicLink(Path.Combine(Out, "loop1"), Path.Combine(Out, "loop2"));
        File.CreateSymbolicLink(Path.Combine(Out, "loop2"), Path.Combine(Out, "loop1"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(Out, "socket")));
        Directory.CreateDirectory(Path.Combine(Out, "mine", "deeper"));
        File.WriteAllText(Path.Combine(Out, "mine", "deeper", "notes.txt"), "mine");
        Directory.CreateSymbolicLink(Path.Combine(Out, "elsewhere"), _dir);
        byte[] big = new byte[3 << 20];
        new Random(21).NextBytes(big);
        File.WriteAllBytes(Path.Combine(Out, "big.bin"), big);
        var before = Stat(Out);
        string folderBefore = Stat(_dir)["out"];

        var result = Boston(Out, "-q");
        Assert.True(result.Code == 0, result.Err);

        var after = Stat(Out);
        Assert.Equal(before.Keys.Concat(SetFiles).Order(StringComparer.Ordinal), after.Keys);
        foreach (var (name, stat) in before)
        {
            Assert.Equal((name, stat), (name, after[name]));
        }

        Assert.Equal(folderBefore.Split(' ')[1], Stat(_dir)["out"].Split(' ')[1]); // the folder itself: same inode
        Assert.Equal(big, File.ReadAllBytes(Path.Combine(Out, "big.bin")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Out, "mine", "deeper", "notes.txt")));
        Assert.Equal([HostileInputs.Boston, "out"], Stat(_dir).Keys);
    }

    [Fact]
    public void A_log_redirected_into_the_out_folder_keeps_every_line()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Directory.CreateDirectory(Out);
        var inner = AppProcess.StartInfo(["boston", "--data-dir", _dir, "--no-verify", "--out", Out, "--epochs", "3", "--folds", "2"]);
        var info = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", "exec \"$@\" > \"$LOG\"", "sh", inner.FileName }.Concat(inner.ArgumentList))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in inner.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["LOG"] = Path.Combine(Out, "train.log");
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "hang");
        Assert.True(process.ExitCode == 0, error);
        string log = File.ReadAllText(Path.Combine(Out, "train.log"));
        Assert.Contains("wrote ", log); // the last line, printed after the commit
        Assert.Contains("report.html", log);
    }

    [Fact]
    public async Task Out_dot_from_inside_the_folder_keeps_the_folder_it_runs_in()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "mine.txt"), "mine");
        string inode = Stat(_dir)["out"].Split(' ')[1];
        var info = AppProcess.StartInfo(["boston", "--data-dir", _dir, "--no-verify", "--out", ".", "--epochs", "3", "--folds", "2", "-q"]);
        info.WorkingDirectory = Out;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "hang");
        Assert.True(process.ExitCode == 0, await error);
        Assert.Equal(inode, Stat(_dir)["out"].Split(' ')[1]);
        Assert.Equal(SetFiles.Append("mine.txt").Order(StringComparer.Ordinal), Stat(Out).Keys);
    }

    [Fact]
    public void Out_in_proc_is_refused_at_once_and_creates_nothing_beside_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var rootBefore = Directory.EnumerateFileSystemEntries("/").ToHashSet();
        var result = Boston("/proc");
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--out", "/proc", "cannot be written");
        Assert.DoesNotContain("boston:", result.Out); // nothing was trained
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries("/"), e => !rootBefore.Contains(e) && e.Contains(".aotnet", StringComparison.Ordinal));
    }

    [Fact]
    public void A_set_name_held_by_a_pipe_or_a_link_is_refused_before_training_and_left_alone()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Directory.CreateDirectory(Out);
        Fixtures.Fifo(Path.Combine(Out, "report.html"));
        var result = Boston(Out);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "report.html", "named pipe", "move it away");
        Assert.DoesNotContain("boston:", result.Out);
        Assert.Equal("fifo", Fixtures.StatKind(Path.Combine(Out, "report.html")));

        File.Delete(Path.Combine(Out, "report.html"));
        File.CreateSymbolicLink(Path.Combine(Out, "results.json"), "/dev/zero");
        result = Boston(Out);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "results.json", "symbolic link");
        Assert.Equal("symbolic link", Fixtures.StatKind(Path.Combine(Out, "results.json")));
        Assert.Equal(["results.json"], Stat(Out).Keys);
    }

    [Fact]
    public void Leftover_temporaries_of_a_killed_commit_go_and_nothing_else_does()
    {
        Directory.CreateDirectory(Out);
        string leftover = Path.Combine(Out, OutputSet.TemporaryName("report.html", Guid.NewGuid().ToString("N")));
        File.WriteAllText(leftover, "half a report");
        string[] lookalikes = [".report.html.aotnet-xyz.tmp", ".notes.tmp", ".report.html.1234.0123456789abcdef0123456789abcdef.tmp"];
        foreach (string name in lookalikes)
        {
            File.WriteAllText(Path.Combine(Out, name), "mine");
        }

        var set = new OutputSet(Out, names: ["a.txt"]);
        using (var writer = set.Begin())
        {
            writer.Stage("a.txt", "a");
            Assert.Equal(["a.txt", "results.json"], writer.Commit("{}"));
        }

        Assert.False(File.Exists(leftover));
        Assert.Equal(lookalikes.Append("a.txt").Append("results.json").Order(StringComparer.Ordinal), Stat(Out).Keys);
    }
}
