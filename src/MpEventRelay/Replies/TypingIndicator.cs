using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Observability;
using MpEventRelay.WeChatApi;

namespace MpEventRelay.Replies;

/// <summary>
/// "Typing…" for the user while a slow replier works (<see cref="Model.RouteModel.TypingAfter"/>, with an AppSecret):
/// WeChat accepts it within 30 s of the user's message, each lasts 15 s, and the chosen reply (or none) ends it.
/// </summary>
internal sealed partial class TypingIndicator(
    CustomServiceClient api,
    BackgroundDeliveries background,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<TypingIndicator> logger)
{
    private static readonly TimeSpan TypingWindow = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TypingLasts = TimeSpan.FromSeconds(15);

    /// <summary>Shows typing from <see cref="Model.RouteModel.TypingAfter"/> until <paramref name="choice"/> completes.</summary>
    public void ShowWhileSlow(PushDelivery delivery, Task<RelayAnswer?> choice)
    {
        if (delivery.Route?.TypingAfter is { } after && delivery.Account.AppSecret is not null)
        {
            background.Track(TypingAsync(delivery, after, choice));
        }
    }

    private async Task TypingAsync(PushDelivery delivery, TimeSpan after, Task<RelayAnswer?> choice)
    {
        var next = after;
        while (next < TypingWindow)
        {
            var wait = next - time.GetElapsedTime(delivery.StartedTimestamp);
            if (wait > TimeSpan.Zero && await Task.WhenAny(choice, Task.Delay(wait, time)).ConfigureAwait(false) == choice)
            {
                return;
            }

            if (choice.IsCompleted)
            {
                return;
            }

            var answer = await api.TypingAsync(delivery.Account, delivery.Push.Message.FromUserName, CancellationToken.None).ConfigureAwait(false);
            metrics.Typing(answer.ErrorCode);
            if (!answer.Succeeded)
            {
                LogTypingFailed(delivery.Account.Name, answer.ErrorCode, WeChatErrors.Meaning(answer.ErrorCode));
                return;
            }

            next += TypingLasts;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: typing indicator refused: {Code} ({Meaning})")]
    private partial void LogTypingFailed(string account, int code, string meaning);
}
