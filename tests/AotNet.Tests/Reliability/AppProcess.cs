using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AotNet.Tests.Reliability;

/// <summary>
/// Runs the real <c>aotnet</c> as a child process: the published binary when <c>AOTNET_BINARY</c> is set, else
/// <c>dotnet aotnet.dll</c> from the test output folder (the App project is referenced, so the dll sits next to ours).
/// Downloads go to a loopback port nobody listens on unless a test says otherwise, so no test can reach the network.
/// </summary>
internal static class AppProcess
{
    public sealed record Result(int Code, string Out, string Err);

    private const string DefaultSignalEnv = "/usr/bin/env";

    private static readonly Lazy<bool> EnvRestoresSignals = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(DefaultSignalEnv))
        {
            return false;
        }

        using var probe = Process.Start(new ProcessStartInfo(DefaultSignalEnv) { ArgumentList = { "--default-signal=INT", "true" }, UseShellExecute = false })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    });

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? program = null)
    {
        string? binary = program ?? Environment.GetEnvironmentVariable("AOTNET_BINARY");
        var info = string.IsNullOrEmpty(binary)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "aotnet.dll") } }
            : new ProcessStartInfo(binary);
        if (EnvRestoresSignals.Value)
        {
            // A test run started in the background of a shell (`dotnet test &`, no job control) inherits SIGINT
            // ignored, and an ignored signal stays ignored across exec: the app would never see the tests' SIGINT.
            // coreutils' env restores the default disposition and then execs the program (same pid).
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, "--default-signal=INT");
            info.FileName = DefaultSignalEnv;
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = Path.GetTempPath();
        info.Environment["AOTNET_DATASETS_ORIGIN"] = RefusedOrigin();
        info.Environment["KERAS_HOME"] = Path.Combine(Path.GetTempPath(), "aotnet-tests-no-keras-home");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Runs to the end (at most <paramref name="timeoutSeconds"/>; a hang fails the test).</summary>
    public static Result Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 60)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"aotnet {string.Join(' ', args)} did not finish within {timeoutSeconds} s (hang)");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Starts aotnet, waits for an output line (stdout or stderr) that satisfies <paramref name="ready"/>, waits
    /// <paramref name="delayMilliseconds"/> more, sends SIGINT with <c>kill -INT</c> and waits for the exit.
    /// </summary>
    public static async Task<Result> RunAndInterrupt(IEnumerable<string> args, Func<string, bool> ready, IReadOnlyDictionary<string, string>? environment = null, int delayMilliseconds = 300)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        process.StandardInput.Close();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var error = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(System.Collections.Concurrent.ConcurrentQueue<string> lines, string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
                if (ready(line))
                {
                    started.TrySetResult();
                }
            }
        }

        process.OutputDataReceived += (_, e) => Watch(output, e.Data);
        process.ErrorDataReceived += (_, e) => Watch(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(delayMilliseconds);
            Assert.False(process.HasExited, "the run finished before it could be interrupted");
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(limit.Token); // no exit within 20 s of SIGINT fails the test
        }
        catch (TimeoutException)
        {
            Assert.Fail("never became ready; output:\n" + string.Join('\n', output) + "\n" + string.Join('\n', error));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit(); // flushes the redirected streams
        return new Result(process.ExitCode, string.Join('\n', output), string.Join('\n', error));
    }

    /// <summary>
    /// Starts aotnet with stdin kept open (<paramref name="stdin"/> is written to it first, then it stays open, as a
    /// terminal or a slow pipe would), waits for an output line that satisfies <paramref name="ready"/> (polled, up to
    /// 60 s), sends <paramref name="signal"/> (INT or TERM) and waits for the exit (at most <paramref name="exitSeconds"/>).
    /// Returns the result and how long the exit took after the signal.
    /// </summary>
    public static async Task<(Result Result, TimeSpan AfterSignal)> RunAndSignal(
        IEnumerable<string> args,
        Func<string, bool> ready,
        string signal = "INT",
        string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        int exitSeconds = 20,
        string? program = null)
    {
        using var process = Process.Start(StartInfo(args, environment, program))!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var error = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(System.Collections.Concurrent.ConcurrentQueue<string> lines, string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
                if (ready(line))
                {
                    started.TrySetResult();
                }
            }
        }

        process.OutputDataReceived += (_, e) => Watch(output, e.Data);
        process.ErrorDataReceived += (_, e) => Watch(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            await process.StandardInput.FlushAsync();
        }

        var clock = new Stopwatch();
        try
        {
            try
            {
                await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                Assert.Fail("never became ready; output:\n" + string.Join('\n', output) + "\n" + string.Join('\n', error));
            }

            Assert.False(process.HasExited, "the command finished before it could be signalled:\n" + string.Join('\n', error));
            clock.Start();
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(exitSeconds));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"still running {exitSeconds} s after SIG{signal}; stderr:\n" + string.Join('\n', error));
            }

            clock.Stop();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit(); // flushes the redirected streams
        return (new Result(process.ExitCode, string.Join('\n', output), string.Join('\n', error)), clock.Elapsed);
    }

    /// <summary>An http origin on a loopback port that refuses connections (a listener was bound there and closed).</summary>
    public static string RefusedOrigin()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    /// <summary>
    /// The failure contract of issue 6: a non-zero exit code, one or two lines on stderr saying what
    /// went wrong, no stack trace and no "internal error".
    /// </summary>
    public static void AssertCleanFailure(int code, string stderr, params string[] expected)
    {
        Assert.True(code != 0, $"exit code 0 on failure; stderr: {stderr}");
        Assert.NotEqual(134, code); // abort (unhandled exception)
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("downloading ", StringComparison.Ordinal))
            .ToArray();
        Assert.True(lines.Length is 1 or 2, $"expected one or two error lines, got {lines.Length}:\n{stderr}");
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        foreach (string e in expected)
        {
            Assert.Contains(e, stderr, StringComparison.Ordinal);
        }
    }
}
