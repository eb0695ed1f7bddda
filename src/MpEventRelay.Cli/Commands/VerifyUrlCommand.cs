using System.CommandLine;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.Cli.Commands;

/// <summary><c>mprelay verify-url</c>: the GET WeChat runs when the server URL is saved.</summary>
internal static class VerifyUrlCommand
{
    public static Command Create(HttpClient http)
    {
        var url = CommonOptions.Url("The URL to verify: the relay's account path, or a target's URL.");
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("verify-url", "Run WeChat's URL verification (signature, timestamp, nonce, echostr) against a relay or a target.") { url, token, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var target))
            {
                output.Error.WriteLine("--url must be an absolute URL.");
                return ExitCodes.Usage;
            }

            bool verified;
            try
            {
                verified = await new WeChatPushClient(http, new WeChatKeys(parse.GetValue(token)!, null)).VerifyUrlAsync(target, cancellation);
            }
            catch (HttpRequestException e)
            {
                output.Error.WriteLine($"Could not reach {target}: {e.Message}");
                return ExitCodes.Unreachable;
            }

            output.Result(new { url = target, verified }, o => o.WriteLine(verified
                ? $"{target}: verified (echostr came back verbatim)"
                : $"{target}: NOT verified (wrong Token, or the server does not answer echostr)"));
            return verified ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
