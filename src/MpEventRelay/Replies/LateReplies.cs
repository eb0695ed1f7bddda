using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Logging;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Trail;
using MpEventRelay.WeChatApi;

namespace MpEventRelay.Replies;

/// <summary>
/// Replies that come after WeChat had its answer. WeChat's retries take them first (passively): a retry that arrives
/// while the replier still works waits for it until its own deadline, and on a <see cref="RouteModel.WaitForRetry"/>
/// route every attempt but the last is held open for it. Once WeChat can no longer retry, an untaken reply goes out
/// through the customer-service API (when the account has an AppSecret). A claim (<see cref="IReplyClaims"/>) makes it
/// one or the other, never both.
/// </summary>
internal sealed partial class LateReplies(
    CustomServiceClient api,
    IReplyClaims claims,
    BackgroundDeliveries background,
    RelayMetrics metrics,
    TrailRecorder trail,
    TimeProvider time,
    ILogger<LateReplies> logger)
{
    /// <summary>
    /// The reply this WeChat attempt writes, or null for <c>success</c>. A late reply is written only by the attempt that
    /// claims it, and only while WeChat is still listening.
    /// </summary>
    public async ValueTask<byte[]?> ForAttemptAsync(RouteModel? route, PushKey key, RelayAnswer answer, long started, RelayOptions options, CancellationToken aborted)
    {
        if (answer.ReplyXml is { } inTime && !answer.LateReply)
        {
            return inTime; // chosen in time: every attempt may carry it, WeChat shows it once
        }

        var late = answer.LateReply ? Task.FromResult<RelayAnswer?>(answer) : answer.Late;
        if (late is null)
        {
            return null;
        }

        if (!late.IsCompleted && WaitFor(route, answer, started, options) is { } wait && wait > TimeSpan.Zero)
        {
            try
            {
                await late.WaitAsync(wait, time, aborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                return null;
            }
        }

        if (aborted.IsCancellationRequested || !late.IsCompletedSuccessfully || late.Result?.ReplyXml is not { } reply)
        {
            return null;
        }

        if (!await claims.TryClaimAsync(key.Value).ConfigureAwait(false))
        {
            return null; // the customer-service API took it
        }

        Counted(key, "passive", 0);
        return reply;
    }

    // The first attempt already waited until the deadline. A held attempt waits until WeChat hangs up; any other retry
    // until its own deadline.
    private TimeSpan? WaitFor(RouteModel? route, RelayAnswer answer, long started, RelayOptions options)
    {
        if (WeChatRetries.Holds(route, answer.Attempt, options.WeChatApi))
        {
            return WeChatRetries.HeldFor(options.WeChatApi) - time.GetElapsedTime(started);
        }

        return answer.Duplicate ? options.Deadline - time.GetElapsedTime(started) : null;
    }

    /// <summary>Once the late reply is ready and WeChat can no longer retry: the API sends it, unless a retry took it.</summary>
    public void Schedule(PushDelivery delivery, Task<RelayAnswer?> late) => background.Track(SendUntakenAsync(delivery, late));

    private async Task SendUntakenAsync(PushDelivery delivery, Task<RelayAnswer?> late)
    {
        if (await late.ConfigureAwait(false) is not { ReplyXml: { } reply })
        {
            return;
        }

        var (model, account, _, push, key, started, _) = delivery;
        var route = delivery.Route!; // a late reply is a replier's: the push had a route
        var options = model.Options.WeChatApi;
        if (account.AppSecret is null)
        {
            LogNoAppSecret(account.Name, route.Name);
            Counted(key, "no-app-secret", 0);
            return;
        }

        var wait = WeChatRetries.End(route, options) - time.GetElapsedTime(started);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time).ConfigureAwait(false);
        }

        if (!await claims.TryClaimAsync(key.Value).ConfigureAwait(false))
        {
            LogTakenByRetry(account.Name, route.Name);
            return;
        }

        if (CustomMessage.From(reply, out var msgType) is not { } json)
        {
            LogUnmappable(account.Name, route.Name, msgType);
            Counted(key, "unmappable", 0);
            return;
        }

        var answer = await api.SendAsync(account, json, CancellationToken.None).ConfigureAwait(false);
        Counted(key, answer.Succeeded ? "api" : "api-failed", answer.ErrorCode);
        if (answer.Succeeded)
        {
            LogSent(account.Name, route.Name, msgType, OpenIdMask.Mask(push.Message.FromUserName), time.GetElapsedTime(started));
        }
        else
        {
            LogSendFailed(account.Name, route.Name, OpenIdMask.Mask(push.Message.FromUserName), answer.ErrorCode, WeChatErrors.Meaning(answer.ErrorCode), answer.Message);
        }
    }

    // Where a late reply went, said the same way to the metrics and to the trail.
    private void Counted(PushKey key, string via, int code)
    {
        metrics.LateReply(via, code);
        trail.LateReply(key, via, code);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} route {Route}: the late reply was taken by a WeChat retry; not sent by the API")]
    private partial void LogTakenByRetry(string account, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: a reply came after WeChat's answer and no retry took it; set the account's AppSecret to send such replies through the customer-service API")]
    private partial void LogNoAppSecret(string account, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: a late {MsgType} reply has no customer-service form; not sent")]
    private partial void LogUnmappable(string account, string route, string msgType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} route {Route}: late {MsgType} reply sent to {OpenId} by the customer-service API, {Elapsed} after the push")]
    private partial void LogSent(string account, string route, string msgType, string openId, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: the late reply to {OpenId} could not be sent: {Code} ({Meaning}; {Message})")]
    private partial void LogSendFailed(string account, string route, string openId, int code, string meaning, string message);
}
