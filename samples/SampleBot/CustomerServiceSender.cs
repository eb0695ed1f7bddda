using System.Text.Json;

namespace SampleBot;

/// <summary>
/// The bot's customer-service messages, sent the way a WeChat SDK sends them: fetch an access token with
/// <c>cgi-bin/token</c> (AppId and secret), keep it until <c>expires_in</c>, put it in the query of
/// <c>message/custom/send</c>. Pointed at the relay's API gateway (<c>Bot:ApiHost</c>) with the client secret the relay
/// gave it (<c>Bot:ClientSecret</c>), it never holds WeChat's token or the AppSecret.
/// </summary>
public sealed class CustomerServiceSender(HttpClient http, Uri apiHost, string appId, string secret)
{
    private string? _token;
    private DateTimeOffset _validUntil;

    /// <summary>Sends a text to the user: WeChat's errcode (0 when sent).</summary>
    public async Task<int> SendTextAsync(string openId, string text)
    {
        if (_token is null || DateTimeOffset.UtcNow >= _validUntil)
        {
            var token = await http.GetFromJsonAsync<JsonElement>(new Uri(apiHost, $"/cgi-bin/token?grant_type=client_credential&appid={appId}&secret={Uri.EscapeDataString(secret)}"));
            if (!token.TryGetProperty("access_token", out var value))
            {
                return token.GetProperty("errcode").GetInt32();
            }

            _token = value.GetString();
            _validUntil = DateTimeOffset.UtcNow.AddSeconds(token.GetProperty("expires_in").GetInt32() - 300);
        }

        using var response = await http.PostAsJsonAsync(
            new Uri(apiHost, $"/cgi-bin/message/custom/send?access_token={Uri.EscapeDataString(_token!)}"),
            new { touser = openId, msgtype = "text", text = new { content = text } });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.TryGetProperty("errcode", out var code) ? code.GetInt32() : 0;
    }
}
