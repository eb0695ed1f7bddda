using System.Net.Http.Json;
using System.Text.Json;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A WeChat SDK as WxJava, silenceper/wechat, Senparc and EasyWeChat behave with their API host set to the relay: it
/// fetches a token with <c>cgi-bin/token</c> (or <c>stable_token</c>) using the secret it was given, keeps it until
/// <c>expires_in</c>, and puts it in the query of every call. Nothing in it knows about the relay.
/// </summary>
internal sealed class SdkLikeClient(HttpClient http, Uri apiHost, string appId, string secret, bool stableToken = false)
{
    private string? _token;

    public string? Token => _token;

    /// <summary>A client holding <paramref name="token"/> as if it had fetched it (a token from elsewhere, or forged).</summary>
    public SdkLikeClient WithToken(string token)
    {
        _token = token;
        return this;
    }

    /// <summary>The token call's JSON answer (a token, or errcode/errmsg).</summary>
    public async Task<JsonElement> FetchTokenAsync()
    {
        using var response = stableToken
            ? await http.PostAsJsonAsync(new Uri(apiHost, "/cgi-bin/stable_token"), new { grant_type = "client_credential", appid = appId, secret, force_refresh = false })
            : await http.GetAsync(new Uri(apiHost, $"/cgi-bin/token?grant_type=client_credential&appid={appId}&secret={Uri.EscapeDataString(secret)}"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (json.TryGetProperty("access_token", out var token))
        {
            _token = token.GetString();
        }

        return json;
    }

    /// <summary>Calls an API with the SDK's token (fetched first when it has none): its HTTP answer and JSON body.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Json)> CallAsync(HttpMethod method, string pathAndQuery, object? body = null)
    {
        if (_token is null)
        {
            await FetchTokenAsync();
        }

        var separator = pathAndQuery.Contains('?') ? '&' : '?';
        using var request = new HttpRequestMessage(method, new Uri(apiHost, $"{pathAndQuery}{separator}access_token={Uri.EscapeDataString(_token ?? "")}"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public async Task<int> ErrorCodeOfAsync(HttpMethod method, string pathAndQuery, object? body = null)
    {
        var (response, json) = await CallAsync(method, pathAndQuery, body);
        using (response)
        {
            return json.ValueKind == JsonValueKind.Object && json.TryGetProperty("errcode", out var code) ? code.GetInt32() : -(int)response.StatusCode;
        }
    }
}
