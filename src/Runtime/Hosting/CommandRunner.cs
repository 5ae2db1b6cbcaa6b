using AotNet.Training;

namespace AotNet.Hosting;

/// <summary>
/// How every command of a native program ends: exit code 0 on success; 1 with one or two clear lines on stderr for
/// anything the user can fix (bad files, bad values, diverging training); 130 after Ctrl+C (SIGINT), 143 after SIGTERM.
/// Never a stack trace. Used by the <c>aotnet</c> app and by <see cref="ModelApp"/>.
/// </summary>
public static class CommandRunner
{
    public const int Ok = 0, Failed = 1;

    /// <summary>Writes "<paramref name="prefix"/>: message" (and the hint line) to stderr and returns 1.</summary>
    public static int Fail(string prefix, string message, string? hint = null)
    {
        try
        {
            Console.Error.WriteLine($"{prefix}: {message}");
            if (hint is not null)
            {
                Console.Error.WriteLine($"{prefix}: {hint}");
            }
        }
        catch (IOException)
        {
            // stderr is closed or full: the exit code still says it
        }

        return Failed;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with a token cancelled by Ctrl+C (SIGINT) or SIGTERM (see <see cref="Interrupts"/>:
    /// exit 130 or 143, nothing left behind), mapping exceptions to exit codes; <paramref name="hint"/> may add a line
    /// saying what the user can do about an error.
    /// </summary>
    public static int Run(Func<CancellationToken, int> action, string prefix, Func<Exception, string?>? hint = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var interrupts = new Interrupts(prefix);
        try
        {
            int code = action(interrupts.Token);
            return interrupts.Signalled ? interrupts.Stopped(Console.Error) : code;
        }
        catch (Exception e) when (interrupts.Signalled || IsCancellation(e))
        {
            return interrupts.Stopped(Console.Error);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            return Fail(prefix, Message(e), hint?.Invoke(e));
        }
        catch (Exception e)
        {
            return Fail(prefix, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Errors a user can fix: I/O and data-format errors, bad arguments, a diverging training.</summary>
    public static bool IsUserFacing(Exception e) =>
        e is IOException or UnauthorizedAccessException or ArgumentException or TrainingDivergedException or InvalidDataException or HttpRequestException
        || (e is AggregateException a && a.InnerException is { } inner && IsUserFacing(inner));

    /// <summary>The exception's message without .NET's "(Parameter 'x')" tail.</summary>
    public static string Message(Exception e) => e switch
    {
        AggregateException { InnerException: { } inner } => Message(inner),
        ArgumentException { ParamName: { } name } a => a.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal),
        _ => e.Message,
    };

    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || (e is AggregateException a && a.InnerException is OperationCanceledException);
}
