using AotNet.Hosting;

namespace AotNet.Training;

/// <summary>
/// A callback that can tell before the first epoch whether it will work (its monitored key exists, its file can be
/// written): <see cref="Trainer{TModel}.Fit"/> asks every such callback before it changes the model.
/// </summary>
internal interface IFitCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> or <see cref="IOException"/> when the callback would fail during the fit.</summary>
    void CheckBeforeFit(History history);
}

/// <summary>The checks the callbacks share: a monitored key must be one the fit records.</summary>
internal static class FitChecks
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="monitor"/> is not a key of <paramref name="history"/>:
    /// a validation key without validation data says so; otherwise the closest key is offered ("did you mean").
    /// </summary>
    public static void RequireKey(string who, string? monitor, History history)
    {
        ArgumentNullException.ThrowIfNull(monitor, $"{who}.Monitor");
        var keys = history.Keys.ToList();
        if (keys.Contains(monitor, StringComparer.Ordinal))
        {
            return;
        }

        if (monitor.StartsWith("val_", StringComparison.Ordinal) && !keys.Exists(k => k.StartsWith("val_", StringComparison.Ordinal))
            && keys.Contains(monitor[4..], StringComparer.Ordinal))
        {
            throw new ArgumentException($"{who} monitors '{monitor}', but this fit has no validation data: pass validation data or FitOptions.ValidationSplit, or monitor '{monitor[4..]}'", "options");
        }

        string hint = DidYouMean.Closest(monitor, keys) is { } close ? $"; did you mean '{close}'?" : string.Empty;
        throw new ArgumentException($"{who} monitors '{monitor}', which this fit does not record (it records {string.Join(", ", keys)}){hint}", "options");
    }
}
