using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using MpEventRelay.Configuration.Loading;
using Polly;
using Polly.Timeout;

namespace MpEventRelay.WeChatApi;

/// <summary>
/// The resilience of the relay's own calls to WeChat's API (Microsoft.Extensions.Http.Resilience): each attempt
/// bounded by <c>WeChatApi:CallTimeout</c>; a retry with backoff only when WeChat cannot have carried the call out —
/// it answered -1 ("system busy, try later") or the connection was never made — so a customer-service message that
/// timed out is never sent twice; a circuit breaker that stops calling a WeChat that keeps failing.
/// </summary>
internal static class ApiResilience
{
    // WeChat's JSON answers are small; a larger one is not inspected.
    private const int AnswerBytes = 64 * 1024;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services)
    {
        var models = services.GetRequiredService<RelayModelProvider>();
        pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                ShouldHandle = args => NotCarriedOutAsync(args.Outcome),
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
            })
            .AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(models.Current.Options.WeChatApi.CallTimeout) });
    }

    private static async ValueTask<bool> NotCarriedOutAsync(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable or SocketError.HostUnreachable } })
        {
            return true;
        }

        if (outcome.Result is not { IsSuccessStatusCode: true } response || response.Content.Headers.ContentLength > AnswerBytes
            || response.Content.Headers.ContentType?.MediaType is not ("application/json" or "text/plain" or "text/json"))
        {
            return false;
        }

        try
        {
            // Buffered (WeChat does not always send a length): the caller reads the same answer afterwards.
            await response.Content.LoadIntoBufferAsync(AnswerBytes).ConfigureAwait(false);
            return ApiAnswer.ErrorCodeOf(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)) == -1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
