using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MpEventRelay.Model;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// <c>GET /cgi-bin/token</c> and <c>POST /cgi-bin/stable_token</c> as a client's SDK calls them, answered by the relay:
/// the client's secret in place of the AppSecret gets a relay-issued token in WeChat's shape
/// (<c>{"access_token":…,"expires_in":7200}</c>). WeChat is never called here, and its token never leaves.
/// </summary>
internal static class ClientTokenEndpoint
{
    public const string TokenPath = "/cgi-bin/token";
    public const string StableTokenPath = "/cgi-bin/stable_token";
    private const int MaxBodyBytes = 4096;

    public static bool Answers(string path) => path is TokenPath or StableTokenPath;

    /// <summary>Answers the request; returns the client that got a token, or null (with WeChat's errcode) when it was refused.</summary>
    public static async Task<(ApiClientModel? Client, int ErrorCode)> AnswerAsync(HttpContext context, ApiGatewayModel gateway, DateTimeOffset now)
    {
        var (grantType, appId, secret, unreadable) = context.Request.Path.Value == TokenPath && HttpMethods.IsGet(context.Request.Method)
            ? (context.Request.Query["grant_type"].ToString(), context.Request.Query["appid"].ToString(), context.Request.Query["secret"].ToString(), false)
            : context.Request.Path.Value == StableTokenPath && HttpMethods.IsPost(context.Request.Method)
                ? await ReadBodyAsync(context).ConfigureAwait(false)
                : (null, null, null, true);
        if (unreadable)
        {
            return await RefuseAsync(context, 43002, "require GET for cgi-bin/token, POST with a JSON body for cgi-bin/stable_token").ConfigureAwait(false);
        }

        if (grantType != "client_credential")
        {
            return await RefuseAsync(context, 40002, "invalid grant_type (client_credential expected)").ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(appId))
        {
            return await RefuseAsync(context, 41002, "appid missing").ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return await RefuseAsync(context, 41004, "appsecret missing (send the client secret the relay gave this service)").ConfigureAwait(false);
        }

        var candidates = gateway.Clients.Values.Where(c => c.Account.AppId == appId).ToArray();
        if (candidates.Length == 0)
        {
            return await RefuseAsync(context, 40013, "invalid appid (no gateway client is configured for it)").ConfigureAwait(false);
        }

        var given = Encoding.UTF8.GetBytes(secret);
        if (candidates.FirstOrDefault(c => CryptographicOperations.FixedTimeEquals(c.Secret, given)) is not { } client)
        {
            return await RefuseAsync(context, 40125, "invalid appsecret (not the client secret of any gateway client of this AppId)").ConfigureAwait(false);
        }

        var expires = now + gateway.TokenLifetime;
        context.Response.ContentType = "application/json; encoding=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new
        {
            access_token = ClientTokens.Issue(client, expires),
            expires_in = (long)gateway.TokenLifetime.TotalSeconds,
        })).ConfigureAwait(false);
        return (client, 0);
    }

    private static async Task<(ApiClientModel?, int)> RefuseAsync(HttpContext context, int errorCode, string message)
    {
        await WeChatErrorAnswer.WriteAsync(context, errorCode, message).ConfigureAwait(false);
        return (null, errorCode);
    }

    private static async Task<(string? GrantType, string? AppId, string? Secret, bool Unreadable)> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return (null, null, null, true);
        }

        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var root = json.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? (null, null, null, true)
                : (Text(root, "grant_type"), Text(root, "appid"), Text(root, "secret"), false);
        }
        catch (JsonException)
        {
            return (null, null, null, true);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
