using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace MpEventRelay.Cli.Commands;

/// <summary><c>mprelay trail</c>: what happened to a user's push — find trails by OpenID, MsgId, outcome… (admin API).</summary>
internal static class TrailCommand
{
    public static Command Create(HttpClient http)
    {
        var url = AdminApi.UrlOption();
        var adminKey = AdminApi.KeyOption();
        var json = CommonOptions.Json();
        string[] filters = ["openid", "msgid", "account", "route", "target", "outcome", "since", "until", "limit", "id"];
        var options = filters.ToDictionary(name => name, name => new Option<string?>("--" + name) { Description = Describe(name) });
        var command = new Command("trail", "Find pushes and every delivery attempt, reply and WeChat try (needs Relay:Admin:Key).") { url, adminKey, json };
        foreach (var option in options.Values)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            var query = string.Join("&", options.Where(o => !string.IsNullOrWhiteSpace(parse.GetValue(o.Value))).Select(o => $"{o.Key}={Uri.EscapeDataString(parse.GetValue(o.Value)!)}"));
            using var response = await AdminApi.SendAsync(http, HttpMethod.Get, parse.GetValue(url)!, "/admin/trail?" + query, parse.GetValue(adminKey)!, output, cancellation);
            if (response is null)
            {
                return ExitCodes.Unreachable;
            }

            var trails = await response.Content.ReadFromJsonAsync<JsonElement[]>(cancellation) ?? [];
            output.Result(trails, o =>
            {
                o.WriteLine($"{trails.Length} push(es)");
                foreach (var t in trails)
                {
                    o.WriteLine($"{Time(t.GetProperty("arrivedAt"), "yyyy-MM-dd HH:mm:ss.fff")}  {t.GetProperty("account")}/{t.GetProperty("route")}  {t.GetProperty("kind")}  MsgId {t.GetProperty("msgId")}  id {t.GetProperty("id")}");
                    foreach (var e in t.GetProperty("events").EnumerateArray())
                    {
                        o.WriteLine("    " + Line(e));
                    }
                }
            });
            return trails.Length > 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static string Line(JsonElement e)
    {
        string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? name is "at" or "lastAt" ? Time(v, "HH:mm:ss.fff") : v.ToString()
            : null;
        return Text("kind") switch
        {
            "wechat" => $"{Text("at")} WeChat try {Text("attempt")}: {Text("status")} {Text("detail")}",
            "delivery" => $"{Text("at")} {Text("detail")} → {Text("target")}/{Text("destination")}: {Text("status")} in {Text("latencyMs")} ms {Text("error")}".TrimEnd(),
            "dead-letter" => $"{Text("at")} {Text("target")}: dead letter after {Text("attempt")} attempts ({Text("error")})",
            _ => $"{Text("at")} late reply: {Text("detail")} {Text("status")}".TrimEnd(),
        };
    }

    // One width for every time, in UTC and saying so: the API's ISO times drop trailing zeros of the fraction.
    private static string Time(JsonElement value, string format) =>
        DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? at.UtcDateTime.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + "Z"
            : value.ToString();

    private static string Describe(string name) => name switch
    {
        "openid" => "The user's OpenID (hashed by the relay; never stored).",
        "outcome" => "failed (a delivery attempt failed), or WeChat's outcome: replied, delivered, deadline-missed, duplicate, retry-later…",
        "since" or "until" => "A time, e.g. 2026-11-27T08:00:00Z.",
        "id" => "A trail id (the Idempotency-Key targets received).",
        "limit" => "At most this many pushes, newest first (default 50, at most 1000); page back with --until.",
        _ => $"Only pushes with this {name}.",
    };
}
