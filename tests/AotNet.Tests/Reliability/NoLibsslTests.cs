using System.Diagnostics;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Issue 12 item 5: on a machine without libssl, hash checks work (managed SHA-256/MD5) and an HTTPS download fails
/// with one line saying so, never the runtime's abort. The machine is simulated in a private mount namespace in which
/// libssl and libcrypto are hidden (root only; skipped otherwise).
/// </summary>
public sealed class NoLibsslTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-nossl").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The OpenSSL libraries the runtime could load, as ldconfig lists them.</summary>
    private static List<string> OpenSslLibraries()
    {
        var info = new ProcessStartInfo("ldconfig", ["-p"]) { RedirectStandardOutput = true };
        using var ldconfig = Process.Start(info)!;
        string listing = ldconfig.StandardOutput.ReadToEnd();
        ldconfig.WaitForExit();
        return listing.Split('\n')
            .Where(l => l.Contains("libssl.so", StringComparison.Ordinal) || l.Contains("libcrypto.so", StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf("=> ", StringComparison.Ordinal) + 3)..].Trim())
            .Where(File.Exists)
            .Select(p => Path.GetFullPath(new FileInfo(p).LinkTarget is { } t ? Path.Combine(Path.GetDirectoryName(p)!, t) : p))
            .Distinct()
            .ToList();
    }

    private static bool CanSimulate(out List<string> libraries)
    {
        libraries = OperatingSystem.IsLinux() && Environment.UserName == "root" ? OpenSslLibraries() : [];
        if (libraries.Count == 0)
        {
            return false;
        }

        using var probe = Process.Start(new ProcessStartInfo("unshare", ["-m", "true"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    /// <summary>Runs aotnet in a mount namespace where every OpenSSL library is replaced by an empty file.</summary>
    private static AppProcess.Result RunWithoutLibssl(List<string> libraries, string[] args, Dictionary<string, string>? environment = null)
    {
        var inner = AppProcess.StartInfo(args, environment);
        string hide = string.Join(" && ", libraries.Select(l => $"mount --bind /dev/null '{l}'"));
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = inner.WorkingDirectory,
        };
        foreach (string a in new[] { "-m", "--propagation", "private", "sh", "-c", hide + " && exec \"$@\"", "sh", inner.FileName })
        {
            info.ArgumentList.Add(a);
        }

        foreach (string a in inner.ArgumentList)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in inner.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "did not finish");
        process.WaitForExit();
        return new AppProcess.Result(process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void An_https_download_fails_with_one_line_instead_of_aborting()
    {
        if (!CanSimulate(out var libraries))
        {
            return;
        }

        // a port that accepts the connection, so that TLS would really start (and, without libssl, abort the process)
        using var server = new AotNet.Tests.Data.LoopbackHttpServer();
        string origin = server.BaseUrl.Replace("http://", "https://", StringComparison.Ordinal);
        var result = RunWithoutLibssl(libraries, ["data", "boston", "--data-dir", _dir], new() { ["AOTNET_DATASETS_ORIGIN"] = origin });
        AppProcess.AssertCleanFailure(result.Code, result.Err, "libssl", "--data-dir");
        Assert.DoesNotContain("No usable version", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [RealDataFact]
    public void Hash_checks_need_no_libssl()
    {
        if (!CanSimulate(out var libraries))
        {
            return;
        }

        string real = TestData.Require();
        foreach (string name in new[] { "boston_housing.npz", "imdb_word_index.json" })
        {
            File.Copy(Path.Combine(real, name), Path.Combine(_dir, name));
        }

        var boston = RunWithoutLibssl(libraries, ["data", "boston", "--data-dir", _dir, "--json"]); // sha256 of the npz
        Assert.True(boston.Code == 0, $"exit {boston.Code}: {boston.Err}");
        Assert.Contains("\"dataset\":\"boston\"", boston.Out);

        string weights = Path.Combine(_dir, "imdb.safetensors");
        File.WriteAllBytes(weights, Fixtures.ImdbWeights());
        var imdb = RunWithoutLibssl(libraries, ["predict", "imdb", "--weights", weights, "--data-dir", _dir, "a fine film"]); // md5 of the word index
        Assert.True(imdb.Code == 0, $"exit {imdb.Code}: {imdb.Err}");
    }
}
