using System.Diagnostics;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 21 item 2: --out on mount points. A volume holding a subfolder, a writable volume under a read-only parent,
/// a read-only volume (refused before training) and a full disk mid-write (the previous set stays byte for byte, the
/// message says so, no temporary file is left). Each case runs aotnet in a private mount namespace with tmpfs volumes
/// (root only; skipped otherwise, as the other mount tests).
/// </summary>
public sealed class OutputMountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-mounts").FullName;

    public OutputMountTests() => File.WriteAllBytes(Path.Combine(_dir, HostileInputs.Boston), HostileInputs.BostonNpz());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool CanMount()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        using var probe = Process.Start(new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /mnt"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    /// <summary>
    /// Runs <paramref name="script"/> with sh in a private mount namespace, D set to the test folder and "$@" being
    /// aotnet (binary or dotnet + dll); run it as: "$@" boston $ARGS --out …. Returns the exit code and both outputs.
    /// </summary>
    private AppProcess.Result InNamespace(string script)
    {
        var inner = AppProcess.StartInfo([]);
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { "-m", "--propagation", "private", "sh", "-c", "set -u\n" + script, "sh", inner.FileName }.Concat(inner.ArgumentList))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in inner.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["D"] = _dir;
        info.Environment["ARGS"] = $"--data-dir {_dir} --no-verify --epochs 3 --folds 2";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("hang");
        }

        process.WaitForExit();
        return new AppProcess.Result(process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void A_mount_point_holding_a_subfolder_takes_the_set_and_keeps_the_subfolder()
    {
        if (!CanMount())
        {
            return;
        }

        var r = InNamespace("""
            mkdir "$D/out" && mount -t tmpfs -o size=16m tmpfs "$D/out" && mkdir "$D/out/sub" && echo mine > "$D/out/sub/f"
            "$@" boston $ARGS -q --out "$D/out"; echo "rc=$?"
            ls -A "$D/out" | tr '\n' ' '; echo; cat "$D/out/sub/f"
            """);
        Assert.True(r.Out.Contains("rc=0"), r.Out + r.Err);
        Assert.Contains("boston_folds.svg boston_mae.svg boston_mae_smoothed.svg report.html results.json sub \n", r.Out);
        Assert.EndsWith("mine\n", r.Out);
    }

    [Fact]
    public void A_writable_volume_under_a_read_only_parent_is_accepted()
    {
        if (!CanMount())
        {
            return;
        }

        var r = InNamespace("""
            mkdir "$D/p" && mount -t tmpfs tmpfs "$D/p" && mkdir "$D/p/out" && mount -t tmpfs tmpfs "$D/p/out" && mount -o remount,ro "$D/p"
            touch "$D/p/x" 2>/dev/null && echo "parent is writable"
            "$@" boston $ARGS -q --out "$D/p/out"; echo "rc=$?"
            ls "$D/p/out" | tr '\n' ' '
            """);
        Assert.DoesNotContain("parent is writable", r.Out);
        Assert.True(r.Out.Contains("rc=0"), r.Out + r.Err);
        Assert.Contains("report.html results.json", r.Out);
    }

    [Fact]
    public void A_read_only_volume_is_refused_before_training()
    {
        if (!CanMount())
        {
            return;
        }

        var r = InNamespace("""
            mkdir "$D/out" && mount -t tmpfs -o ro tmpfs "$D/out"
            "$@" boston $ARGS --out "$D/out"; echo "rc=$?"
            """);
        Assert.Contains("rc=1", r.Out);
        Assert.DoesNotContain("boston:", r.Out); // nothing was trained
        AppProcess.AssertCleanFailure(1, r.Err, "--out", "cannot be written", "Read-only file system");
    }

    [Fact]
    public void A_full_disk_while_the_set_is_written_leaves_the_previous_set_byte_for_byte_and_says_so()
    {
        if (!CanMount())
        {
            return;
        }

        // the first run leaves a set; a filler takes all but 24 KB, so the second run's files do not all fit
        var r = InNamespace("""
            mkdir "$D/out" && mount -t tmpfs -o size=2m tmpfs "$D/out"
            "$@" boston $ARGS -q --out "$D/out" --seed 1 || echo "first run failed"
            echo mine > "$D/out/mine.txt"
            dd if=/dev/zero of="$D/out/filler" bs=4k 2>/dev/null; truncate -s -24K "$D/out/filler"
            cd "$D/out" && sha256sum results.json report.html boston_mae.svg boston_folds.svg boston_mae_smoothed.svg mine.txt > "$D/before"
            "$@" boston $ARGS -q --out "$D/out" --seed 2; echo "rc=$?"
            sha256sum -c --quiet "$D/before" && echo "previous set intact"
            ls -A "$D/out" | tr '\n' ' '
            """);
        Assert.DoesNotContain("first run failed", r.Out);
        Assert.Contains("rc=1", r.Out);
        Assert.True(r.Out.Contains("previous set intact"), r.Out + r.Err);
        Assert.Contains("boston_folds.svg boston_mae.svg boston_mae_smoothed.svg filler mine.txt report.html results.json \n", r.Out + "\n");
        AppProcess.AssertCleanFailure(1, r.Err, "No space left on device", "keeps its previous set");
    }
}
