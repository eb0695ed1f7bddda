using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Model;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// The tokens the relay issues to its gateway clients: <c>mpr1.{client}.{expiry}.{nonce}.{mac}</c>, signed with a key
/// derived from the client's secret (HMAC-SHA256), so every replica with the same configuration accepts them without
/// shared state, a token cannot be forged or moved to another client, and changing a client's secret retires its
/// tokens. They carry no part of WeChat's token or of any secret.
/// </summary>
internal static class ClientTokens
{
    private const string Version = "mpr1";

    /// <summary>A new token for <paramref name="client"/>, valid until <paramref name="expires"/> (whole seconds).</summary>
    public static string Issue(ApiClientModel client, DateTimeOffset expires)
    {
        Span<byte> nonce = stackalloc byte[12];
        RandomNumberGenerator.Fill(nonce);
        var body = $"{Version}.{client.Name}.{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(nonce)}";
        return $"{body}.{Mac(client, body)}";
    }

    /// <summary>The client a token was issued to, or the WeChat error that refuses it (40001 not ours or tampered, 42001 expired).</summary>
    public static (ApiClientModel? Client, int ErrorCode, string Reason) Read(string? token, ApiGatewayModel gateway, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, 41001, "access_token missing");
        }

        var parts = token.Split('.');
        if (parts.Length != 5 || parts[0] != Version || !gateway.Clients.TryGetValue(parts[1], out var client)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
        {
            return (null, 40001, "invalid credential, access_token is invalid or not latest (not a token this relay issued)");
        }

        var body = token[..token.LastIndexOf('.')];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(client, body)), Encoding.ASCII.GetBytes(parts[4])))
        {
            return (null, 40001, "invalid credential, access_token is invalid or not latest (not a token this relay issued)");
        }

        return now.ToUnixTimeSeconds() >= expiry
            ? (null, 42001, "access_token expired (get a new one from the relay's cgi-bin/token)")
            : (client, 0, "ok");
    }

    // The AppId is signed too: a token stops working when the client is moved to another account.
    private static string Mac(ApiClientModel client, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(client.TokenKey, Encoding.UTF8.GetBytes($"{body}|{client.Account.AppId}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
