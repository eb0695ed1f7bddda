using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// WeChat's side of one push as WeChat behaves: it waits <paramref name="attemptTimeout"/> for an answer, hangs up and
/// tries again, <paramref name="attempts"/> times in all; a non-2xx answer is retried too.
/// </summary>
internal sealed class RetryingWeChat(Uri url, TimeSpan attemptTimeout, int attempts = 3)
{
    /// <summary>The attempt that got a 200 and its answer; (0, null) when every attempt failed.</summary>
    public async Task<(int Attempt, SimulatedReply? Answer)> PushAsync(byte[] message)
    {
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var hangUp = new CancellationTokenSource(attemptTimeout);
            try
            {
                var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(url, message, EncryptionMode.Secure, cancellationToken: hangUp.Token);
                if (answer.StatusCode == 200)
                {
                    return (attempt, answer);
                }
            }
            catch (OperationCanceledException) when (hangUp.IsCancellationRequested)
            {
                // No answer in time: WeChat hangs up and retries.
            }
        }

        return (0, null);
    }
}
