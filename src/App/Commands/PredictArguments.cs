using System.Globalization;
using AotNet.Hosting;

namespace AotNet.App.Commands;

/// <summary>
/// The command line of <c>aotnet predict</c> before System.CommandLine sees it: the model may come after its options
/// (<c>aotnet predict --weights F boston</c> is <c>aotnet predict boston --weights F</c>), and a token that looks like
/// an option but is none (<c>--no-verfy</c>) is refused with a "did you mean" instead of being scored as a text. A
/// text or a value that starts with a dash goes after <c>--</c>, which ends the options; negative numbers are values.
/// </summary>
internal static class PredictArguments
{
    private static readonly string[] Models = ["imdb", "reuters", "boston"];
    private static readonly string[] ValueOptions = ["--weights", "--data-dir"];
    private static readonly string[] FlagOptions = ["--no-verify", "--help", "-h", "-?"];

    /// <summary>The arguments with the model moved next to <c>predict</c>, or a message for an unknown option.</summary>
    public static (string[] Args, string? Problem) Normalise(string[] args)
    {
        if (args.Length < 2 || args[0] != "predict")
        {
            return (args, null);
        }

        var list = args.ToList();
        int model = -1;
        for (int i = 1; i < list.Count && list[i] != "--"; i++)
        {
            if (Array.IndexOf(ValueOptions, list[i]) >= 0)
            {
                i++; // its value
            }
            else if (!list[i].StartsWith('-'))
            {
                model = i;
                break;
            }
        }

        if (model > 1 && Array.IndexOf(Models, list[model]) >= 0)
        {
            string name = list[model];
            list.RemoveAt(model);
            list.Insert(1, name);
        }

        if (Array.IndexOf(Models, list[1]) < 0)
        {
            return ([.. list], null); // an unknown model: the parser reports it
        }

        string[] known = list[1] == "boston" ? ["--weights", .. FlagOptions] : [.. ValueOptions, .. FlagOptions];
        for (int i = 2; i < list.Count && list[i] != "--"; i++)
        {
            string token = list[i];
            if (Array.IndexOf(ValueOptions, token) >= 0 || token.StartsWith("--weights=", StringComparison.Ordinal) || token.StartsWith("--data-dir=", StringComparison.Ordinal))
            {
                i += token.Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            if (token.Length < 2 || !token.StartsWith('-') || Array.IndexOf(known, token) >= 0
                || double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string hint = DidYouMean.Closest(token, known) is { } close ? $"did you mean '{close}'? " : string.Empty;
            return ([.. list], $"unknown option '{token}'; {hint}(a {(list[1] == "boston" ? "value" : "text")} that starts with '-' goes after --)");
        }

        return ([.. list], null);
    }
}
