using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace MpEventRelay.Cli.Commands;

/// <summary>
/// <c>mprelay replay --target bot --since T [--dry-run]</c> or <c>--id TRAIL</c>: sends failed deliveries (dead letters)
/// again through the admin API; a dry run says what would be sent.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(HttpClient http)
    {
        var url = AdminApi.UrlOption();
        var adminKey = AdminApi.KeyOption();
        var json = CommonOptions.Json();
        var target = new Option<string?>("--target") { Description = "Every failed delivery to this target…" };
        var since = new Option<string?>("--since") { Description = "…created since this time, e.g. 2026-11-27T08:00:00Z." };
        var account = new Option<string?>("--account") { Description = "Only this account's." };
        var id = new Option<string?>("--id") { Description = "Or the failed deliveries of one push (its trail id)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be sent; send nothing." };
        var command = new Command("replay", "Send failed deliveries again (needs Relay:Admin:Key).") { url, adminKey, target, since, account, id, dryRun, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            string path;
            if (parse.GetValue(id) is { Length: > 0 } trail)
            {
                path = $"/admin/trail/{Uri.EscapeDataString(trail)}/replay?dryRun={parse.GetValue(dryRun)}";
            }
            else if (parse.GetValue(target) is { Length: > 0 } name && parse.GetValue(since) is { Length: > 0 } from)
            {
                path = $"/admin/replay?target={Uri.EscapeDataString(name)}&since={Uri.EscapeDataString(from)}&dryRun={parse.GetValue(dryRun)}"
                    + (parse.GetValue(account) is { Length: > 0 } a ? "&account=" + Uri.EscapeDataString(a) : "");
            }
            else
            {
                output.Error.WriteLine("Name --id, or --target and --since.");
                return ExitCodes.Usage;
            }

            using var response = await AdminApi.SendAsync(http, HttpMethod.Post, parse.GetValue(url)!, path, parse.GetValue(adminKey)!, output, cancellation);
            if (response is null)
            {
                return ExitCodes.Unreachable;
            }

            var result = await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
            output.Result(result, o =>
            {
                var deliveries = result.GetProperty("deliveries").EnumerateArray().ToList();
                o.WriteLine($"{deliveries.Count} failed deliver{(deliveries.Count == 1 ? "y" : "ies")} {(result.GetProperty("dryRun").GetBoolean() ? "would be sent again" : "sent again")}");
                foreach (var d in deliveries)
                {
                    o.WriteLine($"  {d.GetProperty("createdAt")}  {d.GetProperty("account")}/{d.GetProperty("route")} → {d.GetProperty("target")}  trail {d.GetProperty("trailId")}  last error: {d.GetProperty("lastError")}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }
}
