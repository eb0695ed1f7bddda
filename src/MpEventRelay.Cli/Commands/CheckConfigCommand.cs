using System.CommandLine;
using Microsoft.Extensions.Configuration;
using MpEventRelay.Configuration;

namespace MpEventRelay.Cli.Commands;

/// <summary><c>mprelay check-config</c>: validates a configuration file offline, with the relay's own rules.</summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file") { Description = "The configuration file (appsettings.json).", DefaultValueFactory = _ => "appsettings.json" };
        var json = CommonOptions.Json();
        var command = new Command("check-config", "Validate a configuration file offline and print every problem with its location and fix.") { file, json };
        command.SetAction(parse =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (!File.Exists(path))
            {
                output.Error.WriteLine($"{path} does not exist.");
                return ExitCodes.Usage;
            }

            ConfigurationCheckResult result;
            try
            {
                result = ConfigurationCheck.Run(new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build());
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException)
            {
                result = new ConfigurationCheckResult(false, [$"{path}: {e.InnerException?.Message ?? e.Message} Fix: correct the JSON syntax or the value's type."], []);
            }

            output.Result(new { file = path, result.Valid, result.Problems, result.Accounts }, o =>
            {
                if (!result.Valid)
                {
                    o.WriteLine($"{path}: {result.Problems.Count} problem(s)");
                    foreach (var problem in result.Problems)
                    {
                        o.WriteLine("  - " + problem);
                    }

                    return;
                }

                o.WriteLine($"{path}: valid");
                foreach (var account in result.Accounts)
                {
                    o.WriteLine($"  account {account.Name} on {account.Path}: routes {string.Join(" → ", account.Routes)}; targets {string.Join(", ", account.Targets)}");
                }
            });
            return result.Valid ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
