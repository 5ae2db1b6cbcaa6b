using System.CommandLine;
using System.CommandLine.Parsing;

namespace AotNet.Hosting;

/// <summary>
/// System.CommandLine's parse errors in plain words: one line saying what is wrong (with a "did you mean" for a
/// mistyped command or option), one line naming the command's help.
/// </summary>
public static class ParseErrors
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
        if (CannotParse(message) is var (value, parsedOption, type))
        {
            string what = type.Contains("Int32", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("UInt64", StringComparison.Ordinal) ? "a whole number of at least 0"
                : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
                : "another value";
            return $"{parsedOption} expects {what}, got '{value}'";
        }

        if (QuotedAfter(message, "Option '", "' is required") is { } option)
        {
            var known = command.Options.FirstOrDefault(o => o.Name == option);
            string help = known?.HelpName is { } name ? " " + name : string.Empty;
            string description = known?.Description is { Length: > 0 } d ? $" ({d})" : string.Empty;
            return $"{option}{help} is required{description}";
        }

        if (message == "Required command was not provided.")
        {
            return $"give a command: {Names(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        if (QuotedAfter(message, "Required argument missing for option: '", "'") is { } missing)
        {
            return $"{missing} needs a value";
        }

        return message.TrimEnd('.');
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Join(string.Empty, list) : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    // System.CommandLine's messages, taken apart by hand rather than with regular expressions: with them the native
    // binary carried the Regex engine for these three patterns (docs/performance.md, "Binary size")

    /// <summary>"Cannot parse argument 'VALUE' for option 'OPTION' as expected type 'TYPE'…" (VALUE may hold quotes: the last split that fits).</summary>
    internal static (string Value, string Option, string Type)? CannotParse(string message)
    {
        const string Start = "Cannot parse argument '", Middle = "' for option '";
        if (!message.StartsWith(Start, StringComparison.Ordinal))
        {
            return null;
        }

        for (int at = message.LastIndexOf(Middle, StringComparison.Ordinal); at >= Start.Length; at = at == 0 ? -1 : message.LastIndexOf(Middle, at - 1, StringComparison.Ordinal))
        {
            string rest = message[(at + Middle.Length - 1)..]; // from the quote that opens the option
            if (QuotedAfter(rest, "'", "' as expected type '") is { } option
                && QuotedAfter(rest[(option.Length + 1)..], "' as expected type '", "'") is { } type)
            {
                return (message[Start.Length..at], option, type);
            }
        }

        return null;
    }

    /// <summary>
    /// The text between <paramref name="prefix"/> (at the start of <paramref name="message"/>) and the next quote: one
    /// or more characters, none a quote, followed by <paramref name="suffix"/> (which starts with the quote); else null.
    /// </summary>
    internal static string? QuotedAfter(string message, string prefix, string suffix)
    {
        if (!message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        int end = message.IndexOf('\'', prefix.Length);
        return end > prefix.Length && message.AsSpan(end).StartsWith(suffix, StringComparison.Ordinal) ? message[prefix.Length..end] : null;
    }
}
