using System.CommandLine;
using MpEventRelay.Cli.Commands;

namespace MpEventRelay.Cli;

/// <summary>The <c>mprelay</c> command line; <c>Program</c> and the tests both run it through <see cref="RunAsync"/>.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpClient? http = null)
    {
        using var ownClient = http is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(10) } : null;
        var client = http ?? ownClient!;
        var root = new RootCommand("mprelay — the MpEventRelay operator tool.")
        {
            SimulateCommand.Create(client),
            CheckConfigCommand.Create(),
            VerifyUrlCommand.Create(client),
            DeadLettersCommand.Create(client),
            TrailCommand.Create(client),
            ReplayCommand.Create(client),
        };

        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("Try 'mprelay --help'.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(invocation);
    }
}
