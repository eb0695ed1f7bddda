using System.CommandLine;
using Microsoft.Extensions.Configuration;
using MpEventRelay.Configuration.Loading;

namespace MpEventRelay.Cli.Commands;

/// <summary>
/// <c>mprelay check-config</c>: validates a configuration offline with the relay's own rules, layered as the relay
/// layers it (files in order, then environment variables), and can print the effective value and source of each key.
/// </summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        var files = new Option<string[]>("--file") { Description = "A configuration file; repeat it to layer several (later files win), as the relay does with appsettings.json and appsettings.{Environment}.json.", DefaultValueFactory = _ => ["appsettings.json"], AllowMultipleArgumentsPerToken = false };
        var noEnv = new Option<bool>("--no-env") { Description = "Leave out this shell's environment variables (by default they are layered on top, as the relay does)." };
        var environment = new Option<string>("--environment") { Description = "The host environment the relay would run in (demo secrets are refused outside Development).", DefaultValueFactory = _ => "Production" };
        var show = new Option<bool>("--show") { Description = "Print the effective configuration: every key of Relay and ReverseProxy, its value (secrets masked) and the source that set it." };
        var json = CommonOptions.Json();
        var command = new Command("check-config", "Validate a configuration offline and print every problem with its location and fix.") { files, noEnv, environment, show, json };
        command.SetAction(parse =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            var paths = parse.GetValue(files)!.Select(Path.GetFullPath).ToArray();
            if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            {
                output.Error.WriteLine($"{missing} does not exist.");
                return ExitCodes.Usage;
            }

            var builder = new ConfigurationBuilder();
            foreach (var path in paths)
            {
                builder.AddJsonFile(path, optional: false, reloadOnChange: false);
            }

            if (!parse.GetValue(noEnv))
            {
                builder.AddEnvironmentVariables();
            }

            ConfigurationCheckResult result;
            IReadOnlyList<EffectiveSetting> settings = [];
            try
            {
                var configuration = builder.Build();
                result = ConfigurationCheck.Run(configuration, parse.GetValue(environment)!);
                settings = EffectiveConfiguration.Describe(configuration);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException)
            {
                result = new ConfigurationCheckResult(false, [$"{string.Join(", ", paths)}: {e.InnerException?.Message ?? e.Message} Fix: correct the JSON syntax or the value's type."], []);
            }

            var shown = parse.GetValue(show) ? settings : null;
            var name = string.Join(" + ", paths.Select(Path.GetFileName)) + (parse.GetValue(noEnv) ? "" : " + environment");
            output.Result(new { files = paths, result.Valid, result.Problems, result.Accounts, effective = shown }, o =>
            {
                if (shown is not null)
                {
                    foreach (var setting in shown)
                    {
                        o.WriteLine($"  {setting.Key} = {setting.Value}    ({setting.Source})");
                    }
                }

                if (!result.Valid)
                {
                    o.WriteLine($"{name}: {result.Problems.Count} problem(s)");
                    foreach (var problem in result.Problems)
                    {
                        o.WriteLine("  - " + problem);
                    }

                    return;
                }

                o.WriteLine($"{name}: valid");
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
