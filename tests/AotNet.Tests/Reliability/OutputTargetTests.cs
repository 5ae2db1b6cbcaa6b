using AotNet.IO;
using AotNet.Tests.App;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 13, causes 3 and 8: an output target that is not a regular file is never replaced (a device node, a FIFO),
/// a symbolic link is followed, and every output location is checked before training starts.
/// </summary>
public sealed class OutputTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-targets").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AtomicFile_refuses_to_replace_a_fifo_or_a_folder_and_follows_a_link()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Fixtures.Fifo(Path.Combine(_dir, "pipe"));
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(fifo, "x"));
        Assert.Contains("named pipe", e.Message);
        Assert.Equal("fifo", Fixtures.StatKind(fifo));

        string folder = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName;
        Assert.Contains("folder", Assert.Throws<IOException>(() => AtomicFile.WriteAllText(folder, "x")).Message);

        string target = Path.Combine(_dir, "target.txt");
        File.WriteAllText(target, "old");
        string link = Path.Combine(_dir, "link.txt");
        File.CreateSymbolicLink(link, target);
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("symbolic link", Fixtures.StatKind(link));
        Assert.Equal("new", File.ReadAllText(target));

        string dangling = Path.Combine(_dir, "dangling.txt");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "nothing-here"));
        Assert.Contains("does not exist", Assert.Throws<IOException>(() => AtomicFile.WriteAllText(dangling, "x")).Message);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void A_character_device_is_never_replaced()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return; // mknod needs root
        }

        string node = Path.Combine(_dir, "null");
        using (var mknod = System.Diagnostics.Process.Start("mknod", [node, "c", "1", "3"])!)
        {
            mknod.WaitForExit();
            if (mknod.ExitCode != 0)
            {
                return; // no device nodes on this file system
            }
        }

        Assert.Contains("character device", Assert.Throws<IOException>(() => AtomicFile.WriteAllText(node, "x")).Message);
        Assert.Equal("character special file", Fixtures.StatKind(node));
    }

    [Fact]
    public void Save_weights_onto_a_fifo_is_refused_before_training_and_the_fifo_stays()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        string fifo = Fixtures.Fifo(Path.Combine(_dir, "weights.safetensors"));
        var result = AppProcess.Run(["boston", "--epochs", "2", "--folds", "2", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--save-weights", fifo]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--save-weights", fifo, "named pipe");
        Assert.DoesNotContain("boston:", result.Out); // nothing was trained
        Assert.Equal("fifo", Fixtures.StatKind(fifo));
    }

    [Fact]
    public void Save_weights_in_a_folder_that_cannot_take_files_is_refused_before_training()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // /proc/self exists but no file can be created in it, not even by root
        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        var result = AppProcess.Run(["boston", "--epochs", "2", "--folds", "2", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--save-weights", "/proc/self/weights.safetensors"]);
        AppProcess.AssertCleanFailure(result.Code, result.Err, "--save-weights", "/proc/self/weights.safetensors");
        Assert.DoesNotContain("boston:", result.Out);
    }

    [Fact]
    public void Save_weights_through_a_symbolic_link_writes_the_file_it_points_to()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());
        string real = Path.Combine(_dir, "real.safetensors");
        File.WriteAllText(real, "old");
        string link = Path.Combine(_dir, "link.safetensors");
        File.CreateSymbolicLink(link, real);
        var result = AppProcess.Run(["boston", "--epochs", "2", "--folds", "2", "--data-dir", _dir, "--no-verify", "--out", Path.Combine(_dir, "out"), "--save-weights", link, "-q"]);
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal("symbolic link", Fixtures.StatKind(link));
        Assert.Equal("BostonNet", SafeTensors.Deserialize(File.ReadAllBytes(real), real).Metadata["model"]);
    }
}
