using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace AotNet.Hosting;

/// <summary>
/// System.CommandLine's parse errors in plain words: one line saying what is wrong (with a "did you mean" for a
/// mistyped command or option), one line naming the command's help.
/// </summary>
public static partial class ParseErrors
{
    public static int Report(ParseResult parse, TextWriter error, string program = "aotnet")
    {
        var command = parse.CommandResult.Command;
        string path = CommandPath(parse.CommandResult, program);
        var messages = new List<string>();
        var unmatched = parse.UnmatchedTokens;
        for (int i = 0; i < unmatched.Count; i++)
        {
            string token = unmatched[i];
            if (token.StartsWith('-'))
            {
                string? option = Suggest(token, command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
                messages.Add(option is null ? $"unknown option '{token}' (see {path} --help)" : $"unknown option '{token}'; did you mean '{option}'?");
                if (i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith('-'))
                {
                    i++; // most likely the unknown option's value: one message is enough
                }
            }
            else if (command.Subcommands.Count > 0)
            {
                string? name = Suggest(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                string known = Names(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                messages.Add(name is null ? $"unknown command '{token}' (the commands: {known})" : $"unknown command '{token}'; did you mean '{name}'?");
                break; // what follows belongs to the unknown command: its options are not "unknown options" of this one
            }
            else
            {
                messages.Add($"unexpected argument '{token}'");
            }
        }

        foreach (var e in parse.Errors)
        {
            if (e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
            {
                continue; // said above, from the unmatched tokens
            }

            messages.Add(Rewrite(e.Message, command));
        }

        if (messages.Count > 1)
        {
            messages.RemoveAll(m => m.StartsWith("give a command", StringComparison.Ordinal));
        }

        error.WriteLine($"{path}: {string.Join("; ", messages.Distinct())}");
        error.WriteLine($"usage: {path} --help");
        return 1;
    }

    /// <summary>"aotnet predict boston" for the command the parse ended in.</summary>
    public static string CommandPath(CommandResult result, string program = "aotnet")
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Insert(0, c.Command.Parents.Any() ? c.Command.Name : program);
            }
        }

        return string.Join(' ', names);
    }

    /// <summary>The closest of <paramref name="candidates"/> to a mistyped <paramref name="token"/>, or null when none is close.</summary>
    internal static string? Suggest(string token, IEnumerable<string> candidates) => DidYouMean.Closest(token, candidates);

    private static string Rewrite(string message, Command command)
    {
        if (CannotParse().Match(message) is { Success: true } m)
        {
            string type = m.Groups["type"].Value;
            string what = type.Contains("Int32", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("UInt64", StringComparison.Ordinal) ? "a whole number of at least 0"
                : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
                : "another value";
            return $"{m.Groups["option"].Value} expects {what}, got '{m.Groups["value"].Value}'";
        }

        if (Required().Match(message) is { Success: true } r)
        {
            string option = r.Groups["option"].Value;
            var known = command.Options.FirstOrDefault(o => o.Name == option);
            string help = known?.HelpName is { } name ? " " + name : string.Empty;
            string description = known?.Description is { Length: > 0 } d ? $" ({d})" : string.Empty;
            return $"{option}{help} is required{description}";
        }

        if (message == "Required command was not provided.")
        {
            return $"give a command: {Names(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        if (MissingValue().Match(message) is { Success: true } v)
        {
            return $"{v.Groups["option"].Value} needs a value";
        }

        return message.TrimEnd('.');
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Join(string.Empty, list) : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    [GeneratedRegex("^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'")]
    private static partial Regex CannotParse();

    [GeneratedRegex("^Option '(?<option>[^']+)' is required")]
    private static partial Regex Required();

    [GeneratedRegex("^Required argument missing for option: '(?<option>[^']+)'")]
    private static partial Regex MissingValue();
}
