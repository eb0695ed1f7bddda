using System.Buffers;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Replies;
using MpEventRelay.Trail;

namespace MpEventRelay.Inbound;

/// <summary>
/// The last step: what this WeChat attempt gets for the delivery's answer — a 503 when nothing is delivered or
/// durable (a 200 would be a lie), else the reply this attempt may carry (a late one only if it claims it) or
/// <c>success</c>, re-encrypted with the account's key when the push was; then the trail, the metrics, the log line.
/// </summary>
internal sealed class WeChatAnswer(LateReplies lateReplies, TrailRecorder trail, RelayMetrics metrics, InboundLog log, TimeProvider time)
{
    private static readonly byte[] Success = "success"u8.ToArray();

    public async Task WriteAsync(HttpContext context, AccountModel account, RouteModel? route, IntakenPush intaken, PushKey key, RelayAnswer answer, long started, RelayOptions options)
    {
        var push = intaken.Push;
        if (answer.RetryLater)
        {
            log.Outcome(account, route, PushOutcome.RetryLater);
            log.NotAccepted(account, route, answer.Outcome);
            metrics.PushAnswered(account.Name, route?.Name ?? "-", PushOutcome.RetryLater, time.GetElapsedTime(started));
            trail.WeChatTry(account, route, push.Message, key, answer.Attempt, StatusCodes.Status503ServiceUnavailable, PushOutcome.RetryLater);
            await new Rejection(StatusCodes.Status503ServiceUnavailable, "The push could not be delivered or stored; send it again.").WriteAsync(context.Response).ConfigureAwait(false);
            return;
        }

        var reply = await lateReplies.ForAttemptAsync(route, key, answer, started, options, context.RequestAborted).ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested)
        {
            trail.WeChatTry(account, route, push.Message, key, answer.Attempt, 0, "hung-up");
            log.Outcome(account, route, "held"); // the request line says what happened: held open until WeChat hung up
            return; // WeChat hung up (an attempt held open for a slow replier): its retry gets the reply.
        }

        var outcome = answer.Duplicate ? PushOutcome.Duplicate : answer.Outcome;
        trail.WeChatTry(account, route, push.Message, key, answer.Attempt, StatusCodes.Status200OK, reply is null ? outcome : outcome + "+reply");
        using (var replying = RelayTracing.Source.StartActivity("mprelay.reply"))
        {
            replying?.SetTag("mprelay.outcome", outcome);
            replying?.SetTag("mprelay.reply", reply is null ? "success" : "passive");
        }

        // A retry that carried the late reply is logged as replied, not as its first attempt's outcome.
        log.Outcome(account, route, reply is not null && answer.ReplyXml is null ? PushOutcome.Replied : answer.Outcome);
        log.OpenId(push.Message.FromUserName);
        WriteReply(context.Response, account, intaken, reply);
        metrics.PushAnswered(account.Name, route?.Name ?? "-", outcome, time.GetElapsedTime(started));
    }

    // Into the response's buffer, with its length: Kestrel sends it, unchunked, as the request ends — no write of its
    // own to wait for, so the answer's step completes without suspending.
    private void WriteReply(HttpResponse response, AccountModel account, IntakenPush intaken, byte[]? replyXml)
    {
        byte[] payload;
        if (replyXml is null)
        {
            response.ContentType = "text/plain";
            payload = Success;
        }
        else
        {
            response.ContentType = "application/xml; charset=utf-8";
            var push = intaken.Push;
            payload = push.IsEncrypted
                ? ReplyWriter.Encrypted(replyXml, account.Keys, WeChatClock.Timestamp(time), intaken.Query.Nonce ?? WeChatClock.Nonce(), push.Key)
                : replyXml;
        }

        response.ContentLength = payload.Length;
        response.BodyWriter.Write(payload);
    }
}
