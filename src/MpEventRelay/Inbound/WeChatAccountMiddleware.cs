using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Logging;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Protocol.Signing;
using MpEventRelay.Relaying;
using MpEventRelay.Replies;
using MpEventRelay.Trail;
using Serilog;

namespace MpEventRelay.Inbound;

/// <summary>
/// The developer-server endpoint of every configured account. A middleware rather than mapped endpoints because
/// accounts come and go with a configuration reload; paths that are not an account's fall through to YARP's routes.
/// </summary>
internal sealed partial class WeChatAccountMiddleware(
    RequestDelegate next,
    RelayModelProvider models,
    PushRelay relay,
    BoundedBody bodies,
    ISignatureLedger signatures,
    LateReplies lateReplies,
    TrailRecorder trail,
    RelayMetrics metrics,
    TimeProvider time,
    IDiagnosticContext diagnostics,
    ILogger<WeChatAccountMiddleware> logger)
{
    private static readonly byte[] Success = "success"u8.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        var model = models.Current;
        var account = model.FindAccount(context.Request.Path.Value ?? "/");
        if (account is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        // Every answer on an account path is text or XML for WeChat, never something a browser should sniff.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await VerifyUrlAsync(context, account, model.Options).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await HandlePushAsync(context, account, model).ConfigureAwait(false);
        }
        else
        {
            context.Response.Headers.Allow = "GET, POST";
            await new Rejection(StatusCodes.Status405MethodNotAllowed, "Only GET (URL verification) and POST (pushes) are served.").WriteAsync(context.Response).ConfigureAwait(false);
        }
    }

    private async Task VerifyUrlAsync(HttpContext context, AccountModel account, RelayOptions options)
    {
        var query = ReadQuery(context.Request);
        if (query.EchoStr is null || !WeChatSignature.Verify(query.Signature, account.Keys.Token, query.Timestamp ?? "", query.Nonce ?? ""))
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "URL verification failed: signature does not match the Token.")).ConfigureAwait(false);
            return;
        }

        if (!ClockSkewCheck.IsWithin(query.Timestamp, options.ClockSkew, time))
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "URL verification failed: timestamp is outside the allowed clock skew.")).ConfigureAwait(false);
            return;
        }

        SetLogContext(account, null, "verified");
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(query.EchoStr).ConfigureAwait(false);
    }

    private async Task HandlePushAsync(HttpContext context, AccountModel account, RelayModel model)
    {
        using var activity = Observability.RelayTracing.Source.StartActivity("mprelay.push");
        activity?.SetTag("mprelay.account", account.Name);
        var started = time.GetTimestamp();
        var options = model.Options;
        var (body, refused) = await bodies.ReadAsync(context.Request, options.MaxBodyBytes, options.Deadline, time, context.RequestAborted).ConfigureAwait(false);
        if (refused is not null)
        {
            await RejectAsync(context, account, refused).ConfigureAwait(false);
            return;
        }

        var query = ReadQuery(context.Request);
        InboundPush push;
        try
        {
            using var decode = Observability.RelayTracing.Source.StartActivity("mprelay.decode");
            push = account.Decoder.Decode(query, body);
        }
        catch (ProtocolException e)
        {
            await RejectAsync(context, account, Rejection.From(e)).ConfigureAwait(false);
            return;
        }

        if (!ClockSkewCheck.IsWithin(query.Timestamp, options.ClockSkew, time))
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "timestamp is outside the allowed clock skew.")).ConfigureAwait(false);
            return;
        }

        var rememberFor = ReplayWindow.For(query.Timestamp, options, time);
        if (!push.IsEncrypted)
        {
            if (!account.AcceptsPlaintext)
            {
                await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "This account has an EncodingAESKey: plaintext pushes are refused.")).ConfigureAwait(false);
                return;
            }

            // The plaintext signature does not cover the body: it may carry only the body it was first seen with.
            var binding = $"{account.Name}|{query.Timestamp}|{query.Nonce}|{query.Signature}";
            if (!await signatures.BindAsync(binding, BodyHash(body.Span), rememberFor).ConfigureAwait(false))
            {
                metrics.SignatureReused(account.Name);
                await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "This signature was already used with another body.")).ConfigureAwait(false);
                return;
            }
        }

        RouteModel? route;
        using (var routing = Observability.RelayTracing.Source.StartActivity("mprelay.route"))
        {
            route = account.Route(push.Message);
            routing?.SetTag("mprelay.route", route?.Name);
            routing?.SetTag("mprelay.kind", push.Message.IsEvent ? "event/" + push.Message.Event : push.Message.MsgType);
        }

        var key = new Dedup.PushKey(DedupKey.For(account.DedupHashKey, account.AppId, push.Message));
        var answerTask = relay.RelayAsync(new PushDelivery(model, account, route, push, key, started, rememberFor));
        RelayAnswer answer;
        try
        {
            // The delivery owns the deadline and answers by it; this bound only guards against a bug there.
            answer = await answerTask.WaitAsync(SafetyBound(options, started), time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            metrics.DeadlineMissed(account.Name);
            answer = RelayAnswer.Retry("the delivery did not settle in time");
        }
        catch (OperationCanceledException)
        {
            return; // WeChat hung up; the delivery goes on and a retry will get its answer.
        }

        if (answer.RetryLater)
        {
            // Neither delivered nor durable: a 200 would be a lie. WeChat retries on a non-2xx.
            SetLogContext(account, route, PushOutcome.RetryLater);
            LogNotAccepted(account.Name, route?.Name, answer.Outcome);
            metrics.PushAnswered(account.Name, route?.Name ?? "-", PushOutcome.RetryLater, time.GetElapsedTime(started));
            trail.WeChatTry(account, route, push.Message, key, answer.Attempt, StatusCodes.Status503ServiceUnavailable, PushOutcome.RetryLater);
            await new Rejection(StatusCodes.Status503ServiceUnavailable, "The push could not be delivered or stored; send it again.").WriteAsync(context.Response).ConfigureAwait(false);
            return;
        }

        var reply = await lateReplies.ForAttemptAsync(route, key, answer, started, options, context.RequestAborted).ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested)
        {
            trail.WeChatTry(account, route, push.Message, key, answer.Attempt, 0, "hung-up");
            SetLogContext(account, route, "held"); // the request line says what happened: held open until WeChat hung up
            return; // WeChat hung up (an attempt held open for a slow replier): its retry gets the reply.
        }

        var outcome = answer.Duplicate ? PushOutcome.Duplicate : answer.Outcome;
        trail.WeChatTry(account, route, push.Message, key, answer.Attempt, StatusCodes.Status200OK, reply is null ? outcome : outcome + "+reply");
        using (var replying = Observability.RelayTracing.Source.StartActivity("mprelay.reply"))
        {
            replying?.SetTag("mprelay.outcome", outcome);
            replying?.SetTag("mprelay.reply", reply is null ? "success" : "passive");
        }

        // A retry that carried the late reply is logged as replied, not as its first attempt's outcome.
        SetLogContext(account, route, reply is not null && answer.ReplyXml is null ? PushOutcome.Replied : answer.Outcome);
        diagnostics.Set("OpenId", OpenIdMask.Mask(push.Message.FromUserName));
        await WriteReplyAsync(context, account, push, query, reply).ConfigureAwait(false);
        metrics.PushAnswered(account.Name, route?.Name ?? "-", outcome, time.GetElapsedTime(started));
    }

    private Task WriteReplyAsync(HttpContext context, AccountModel account, InboundPush push, PushQuery query, byte[]? replyXml)
    {
        var response = context.Response;
        if (replyXml is null)
        {
            response.ContentType = "text/plain";
            return response.Body.WriteAsync(Success).AsTask();
        }

        response.ContentType = "application/xml; charset=utf-8";
        var payload = push.IsEncrypted
            ? ReplyWriter.Encrypted(replyXml, account.Keys, WeChatClock.Timestamp(time), query.Nonce ?? WeChatClock.Nonce(), push.Key)
            : replyXml;
        return response.Body.WriteAsync(payload).AsTask();
    }

    private static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(body));

    private static PushQuery ReadQuery(HttpRequest request)
    {
        var query = request.Query;
        return PushQuery.From(name => query[name]);
    }

    private TimeSpan SafetyBound(RelayOptions options, long started)
    {
        var bound = TimeSpan.FromMilliseconds(Math.Min(options.Deadline.TotalMilliseconds + 250, 4900)) - time.GetElapsedTime(started);
        return bound > TimeSpan.Zero ? bound : TimeSpan.Zero;
    }

    // One property for the request log line (account, route, target, outcome), set once: each Set takes a lock.
    private void SetLogContext(AccountModel account, RouteModel? route, string outcome) =>
        diagnostics.Set("Relay", new RelayLogContext(account.Name, route?.Name ?? "-", route?.TargetNames ?? "-", outcome).ToString());

    private Task RejectAsync(HttpContext context, AccountModel account, Rejection rejection)
    {
        SetLogContext(account, null, PushOutcome.Rejected);
        LogRejected(account.Name, context.Connection.RemoteIpAddress?.ToString() ?? "-", rejection.StatusCode, rejection.Reason);
        return rejection.WriteAsync(context.Response);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: refused a request from {RemoteAddress} with {StatusCode}: {Reason}")]
    private partial void LogRejected(string account, string remoteAddress, int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: answered 503 so WeChat retries: {Reason}")]
    private partial void LogNotAccepted(string account, string? route, string reason);
}
