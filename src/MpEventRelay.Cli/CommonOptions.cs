using System.CommandLine;

namespace MpEventRelay.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document instead of lines for people." };

    public static Option<string> Url(string description) => new("--url") { Description = description, Required = true };

    public static Option<string> Token() => new("--token") { Description = "The Token of the server being called (the account's, for a relay).", Required = true };
}
