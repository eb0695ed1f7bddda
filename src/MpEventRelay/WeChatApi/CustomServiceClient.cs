using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MpEventRelay.Model;
using Polly;
using Polly.Retry;

namespace MpEventRelay.WeChatApi;

/// <summary>
/// WeChat's customer-service message API: <c>message/custom/send</c> (a late reply) and <c>message/custom/typing</c>.
/// A refused token (40001, 40014, 42001) is refreshed and the call made once more; WeChat busy (-1) or not reached is
/// retried with backoff (Polly), three times; every other error is final — logged with its meaning and counted.
/// </summary>
internal sealed partial class CustomServiceClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly IHttpClientFactory _clients;
    private readonly AccessTokenSource _tokens;
    private readonly Configuration.RelayModelProvider _models;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<ApiAnswer> _retries;

    public CustomServiceClient(IHttpClientFactory clients, AccessTokenSource tokens, Configuration.RelayModelProvider models, TimeProvider time)
    {
        _clients = clients;
        _tokens = tokens;
        _models = models;
        _time = time;
        _retries = new ResiliencePipelineBuilder<ApiAnswer> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<ApiAnswer>
            {
                ShouldHandle = new PredicateBuilder<ApiAnswer>().HandleResult(answer => answer.Transient),
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    /// <summary>Sends a customer-service message (the JSON of <see cref="Replies.CustomMessage"/>).</summary>
    public Task<ApiAnswer> SendAsync(AccountModel account, byte[] json, CancellationToken cancellationToken) =>
        CallAsync(account, "cgi-bin/message/custom/send", json, cancellationToken);

    /// <summary>Shows the user "typing…" for up to 15 s, or until the next message.</summary>
    public Task<ApiAnswer> TypingAsync(AccountModel account, string openId, CancellationToken cancellationToken) =>
        CallAsync(account, "cgi-bin/message/custom/typing", JsonSerializer.SerializeToUtf8Bytes(new { touser = openId, command = "Typing" }), cancellationToken);

    private async Task<ApiAnswer> CallAsync(AccountModel account, string path, byte[] json, CancellationToken cancellationToken) =>
        await _retries.ExecuteAsync(
            async token =>
            {
                var (accessToken, failure) = await _tokens.GetAsync(account, refused: null, token).ConfigureAwait(false);
                if (accessToken is null)
                {
                    return failure!;
                }

                var answer = await PostAsync(path, accessToken, json, token).ConfigureAwait(false);
                if (!answer.TokenRefused)
                {
                    return answer;
                }

                // Replaced or expired before its time (someone called cgi-bin/token): one fresh token, one more try.
                (accessToken, failure) = await _tokens.GetAsync(account, refused: accessToken, token).ConfigureAwait(false);
                return accessToken is null ? failure! : await PostAsync(path, accessToken, json, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    private async Task<ApiAnswer> PostAsync(string path, string accessToken, byte[] json, CancellationToken cancellationToken)
    {
        var options = _models.Current.Options.WeChatApi;
        try
        {
            using var timeout = new CancellationTokenSource(options.CallTimeout, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            using var content = new ByteArrayContent(json);
            content.Headers.ContentType = Json;
            var address = AccessTokenSource.Endpoint(options.BaseAddress, $"{path}?access_token={Uri.EscapeDataString(accessToken)}");
            using var response = await _clients.CreateClient(AccessTokenSource.ClientName).PostAsync(address, content, either.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? ApiAnswer.Parse(await response.Content.ReadFromJsonAsync<JsonElement>(either.Token).ConfigureAwait(false))
                : new ApiAnswer(ApiAnswer.Unreachable, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new ApiAnswer(ApiAnswer.Unreachable, e.GetType().Name);
        }
    }
}
