using System.Collections.Concurrent;
using System.Text.Json;

/// <summary>
/// WeChat's API for the walkthrough (the relay's Development demo points at it): hands out an access token from
/// <c>stable_token</c> and shows every customer-service message as the user would see it. Never the real WeChat.
/// </summary>
internal static class WeChatApiStandIn
{
    /// <summary>The access token the stand-in hands out: only the relay ever holds it.</summary>
    public const string AccessToken = "stand-in-token";

    public static ConcurrentQueue<JsonElement> Messages { get; } = new();

    /// <summary>The access token of every customer-service message.</summary>
    public static ConcurrentQueue<string> TokensSeen { get; } = new();

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/cgi-bin/stable_token", () =>
        {
            Console.WriteLine("  [wechat-api] stable_token: access token handed out");
            return Results.Json(new { access_token = AccessToken, expires_in = 7200 });
        });
        app.MapPost("/cgi-bin/message/custom/send", (JsonElement message, string access_token) =>
        {
            TokensSeen.Enqueue(access_token);
            var text = message.TryGetProperty("text", out var t) ? t.GetProperty("content").GetString() : message.GetProperty("msgtype").GetString();
            Console.WriteLine($"  [wechat-api] customer-service message to the user: \"{text}\"");
            Messages.Enqueue(message);
            return Results.Json(new { errcode = 0, errmsg = "ok" });
        });
        app.MapPost("/cgi-bin/message/custom/typing", () => Results.Json(new { errcode = 0, errmsg = "ok" }));
        return app;
    }
}
