using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace MpEventRelay.Cli.Commands;

/// <summary><c>mprelay dead-letters list | replay</c>: against the relay's admin endpoint.</summary>
internal static class DeadLettersCommand
{
    public static Command Create(HttpClient http)
    {
        var command = new Command("dead-letters", "List or replay the deliveries that expired (needs the relay's Relay:Admin:Key).");
        command.Subcommands.Add(List(http));
        command.Subcommands.Add(Replay(http));
        return command;
    }

    private static Command List(HttpClient http)
    {
        var url = CommonOptions.Url("The relay's base URL, e.g. http://127.0.0.1:8080.");
        var adminKey = AdminApi.KeyOption();
        var json = CommonOptions.Json();
        var command = new Command("list", "List dead letters: id, target, attempts, last error.") { url, adminKey, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            using var response = await AdminApi.SendAsync(http, HttpMethod.Get, parse.GetValue(url)!, "/admin/dead-letters", parse.GetValue(adminKey)!, output, cancellation);
            if (response is null)
            {
                return ExitCodes.Unreachable;
            }

            var letters = await response.Content.ReadFromJsonAsync<JsonElement[]>(cancellation) ?? [];
            var more = response.Headers.TryGetValues("X-Next-Cursor", out var next) ? next.First() : null;
            output.Result(letters, o =>
            {
                o.WriteLine($"{letters.Length} dead letter(s)");
                foreach (var letter in letters)
                {
                    o.WriteLine($"  {letter.GetProperty("id")}  {letter.GetProperty("account")}/{letter.GetProperty("route")} → {letter.GetProperty("target")}  attempts {letter.GetProperty("attempts")}  created {letter.GetProperty("createdAt")}  last error: {letter.GetProperty("lastError")}");
                }

                if (more is not null)
                {
                    o.WriteLine($"more remain: GET /admin/dead-letters?cursor={Uri.EscapeDataString(more)} (or 'replay --id all', which takes every one)");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Replay(HttpClient http)
    {
        var url = CommonOptions.Url("The relay's base URL, e.g. http://127.0.0.1:8080.");
        var adminKey = AdminApi.KeyOption();
        var id = new Option<string[]>("--id") { Description = "The dead letter(s) to send again; 'all' for every one listed.", Required = true, AllowMultipleArgumentsPerToken = true };
        var json = CommonOptions.Json();
        var command = new Command("replay", "Send dead letters again (they go back to the outbox, due now).") { url, adminKey, id, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            var ids = parse.GetValue(id)!.ToList();
            if (ids is ["all"])
            {
                ids = [];
                for (string? cursor = ""; cursor is not null;)
                {
                    var path = "/admin/dead-letters?max=1000" + (cursor.Length == 0 ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                    using var list = await AdminApi.SendAsync(http, HttpMethod.Get, parse.GetValue(url)!, path, parse.GetValue(adminKey)!, output, cancellation);
                    if (list is null)
                    {
                        return ExitCodes.Unreachable;
                    }

                    ids.AddRange((await list.Content.ReadFromJsonAsync<JsonElement[]>(cancellation) ?? []).Select(l => l.GetProperty("id").GetString()!));
                    cursor = list.Headers.TryGetValues("X-Next-Cursor", out var next) ? next.First() : null;
                }
            }

            var results = new List<ReplayResult>();
            var allReplayed = true;
            foreach (var one in ids)
            {
                using var response = await AdminApi.SendAsync(http, HttpMethod.Post, parse.GetValue(url)!, $"/admin/dead-letters/{Uri.EscapeDataString(one)}/replay", parse.GetValue(adminKey)!, output, cancellation, acceptNotFound: true);
                if (response is null)
                {
                    return ExitCodes.Unreachable;
                }

                var replayed = response.IsSuccessStatusCode;
                allReplayed &= replayed;
                results.Add(new ReplayResult(one, replayed));
            }

            output.Result(results, o =>
            {
                o.WriteLine($"{results.Count} replay(s) requested");
                foreach (var r in results)
                {
                    o.WriteLine($"  {r.Id}: {(r.Replayed ? "replayed" : "not found")}");
                }
            });
            return allReplayed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private sealed record ReplayResult(string Id, bool Replayed);
}
