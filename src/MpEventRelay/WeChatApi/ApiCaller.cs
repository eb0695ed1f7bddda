using System.Net.Http.Headers;
using System.Text.Json;
using MpEventRelay.Configuration.Loading;
using Polly.CircuitBreaker;

namespace MpEventRelay.WeChatApi;

/// <summary>
/// One POST of JSON to WeChat's API and its answer as an <see cref="ApiAnswer"/>: the token fetch and the
/// customer-service calls share it. Timeouts, safe retries and the circuit breaker are the HTTP client's
/// (<see cref="ApiResilience"/>); here a failure only becomes an answer.
/// </summary>
internal sealed class ApiCaller(IHttpClientFactory clients, RelayModelProvider models)
{
    public const string ClientName = "wechat-api";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/>, with <paramref name="accessToken"/> in the query when given.</summary>
    public async Task<ApiAnswer> PostAsync(string path, string? accessToken, byte[] json, CancellationToken cancellationToken)
    {
        var address = Endpoint(models.Current.Options.WeChatApi.BaseAddress, accessToken is null ? path : $"{path}?access_token={Uri.EscapeDataString(accessToken)}");
        try
        {
            using var content = new ByteArrayContent(json);
            content.Headers.ContentType = Json;
            using var response = await clients.CreateClient(ClientName).PostAsync(address, content, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? ApiAnswer.Parse(await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false))
                : new ApiAnswer(ApiAnswer.Unreachable, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or BrokenCircuitException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return new ApiAnswer(ApiAnswer.Unreachable, e.GetType().Name);
        }
    }

    internal static Uri Endpoint(Uri baseAddress, string path) => new($"{baseAddress.ToString().TrimEnd('/')}/{path}");
}
