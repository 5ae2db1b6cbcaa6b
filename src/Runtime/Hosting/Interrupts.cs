using System.Runtime.InteropServices;
using AotNet.IO;

namespace AotNet.Hosting;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for every command. The first signal cancels the command's token, so training, hashing
/// and downloads stop at their next check and clean up after themselves; the command then exits with 130 (SIGINT) or
/// 143 (SIGTERM). Some waits cannot see a token (a read of stdin or of a pipe, opening a FIFO): if the command has not
/// ended <see cref="Grace"/> after the signal, or at a second signal, the temporary files being written
/// (<see cref="TemporaryFiles"/>) are deleted and the process exits at once with the same code. Either way no
/// partial file is left and the process ends within about a second.
/// </summary>
public sealed class Interrupts : IDisposable
{
    /// <summary>How long a command may take to stop by itself after a signal.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(700);

    public const int SigintExit = 130, SigtermExit = 143;

    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration? _sigint;
    private readonly PosixSignalRegistration? _sigterm;
    private readonly string _prefix;
    private int _signals;
    private int _exitCode;
    private int _reported;
    private Timer? _watchdog;

    /// <param name="prefix">How error lines start ("aotnet", "aotnet data", …).</param>
    public Interrupts(string prefix)
    {
        _prefix = prefix;
        try
        {
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        }
        catch (PlatformNotSupportedException)
        {
            // no POSIX signals here: Ctrl+C keeps its default behaviour
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>True once a signal arrived.</summary>
    public bool Signalled => Volatile.Read(ref _signals) > 0;

    /// <summary>130 after SIGINT, 143 after SIGTERM (the shell's 128 + signal number).</summary>
    public int ExitCode => Volatile.Read(ref _exitCode) is int code and > 0 ? code : SigintExit;

    /// <summary>
    /// What the command returns when it stopped because of the signal: reports it once on stderr and returns
    /// <see cref="ExitCode"/>.
    /// </summary>
    public int Stopped(TextWriter error)
    {
        Report(error);
        return ExitCode;
    }

    public void Dispose()
    {
        _sigint?.Dispose();
        _sigterm?.Dispose();
        _watchdog?.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // never the default (immediate) termination: temporary files must be deleted first
        Interlocked.CompareExchange(ref _exitCode, context.Signal == PosixSignal.SIGTERM ? SigtermExit : SigintExit, 0);
        if (Interlocked.Increment(ref _signals) > 1)
        {
            ExitNow();
            return;
        }

        _cts.Cancel();
        _watchdog = new Timer(_ => ExitNow(), null, Grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The command did not stop by itself: delete what is being written and end the process.</summary>
    private void ExitNow()
    {
        TemporaryFiles.DeleteAll();
        Report(Console.Error);
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }

    private void Report(TextWriter error)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            string what = ExitCode == SigtermExit ? "terminated (SIGTERM)" : "interrupted";
            error.WriteLine($"{_prefix}: {what}; no partial output was written");
        }
    }
}
