using MpEventRelay.Forwarding;
using MpEventRelay.Logging;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
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
    Observability.RelayMetrics metrics,
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

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await VerifyUrlAsync(context, account).ConfigureAwait(false);
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

    private async Task VerifyUrlAsync(HttpContext context, AccountModel account)
    {
        var query = ReadQuery(context.Request);
        if (query.EchoStr is null || !Protocol.Signing.WeChatSignature.Verify(query.Signature, account.Keys.Token, query.Timestamp ?? "", query.Nonce ?? ""))
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "URL verification failed: signature does not match the Token.")).ConfigureAwait(false);
            return;
        }

        SetLogContext(account, null, "verified");
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(query.EchoStr).ConfigureAwait(false);
    }

    private async Task HandlePushAsync(HttpContext context, AccountModel account, RelayModel model)
    {
        var started = time.GetTimestamp();
        var options = model.Options;
        byte[]? body;
        try
        {
            body = await BoundedBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status400BadRequest, "The body could not be read.")).ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status413PayloadTooLarge, $"The body exceeds {options.MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        var query = ReadQuery(context.Request);
        InboundPush push;
        try
        {
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

        if (account.RequireEncryption && !push.IsEncrypted)
        {
            await RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "This account requires encrypted pushes.")).ConfigureAwait(false);
            return;
        }

        var route = account.Route(push.Message);

        var key = Dedup.DedupKey.For(account.AppId, push.Message);
        var answerTask = relay.RelayAsync(account, route, push, key);
        var remaining = options.Deadline - time.GetElapsedTime(started);
        Dedup.RelayAnswer answer;
        try
        {
            answer = await answerTask.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDeadlineMissed(account.Name, route?.Name, options.Deadline);
            metrics.DeadlineMissed(account.Name);
            await relay.EnsureDurableAsync(key).ConfigureAwait(false);
            answer = Dedup.RelayAnswer.Success("deadline-missed");
        }
        catch (OperationCanceledException)
        {
            return; // WeChat hung up; the delivery goes on and a retry will get its answer.
        }

        SetLogContext(account, route, answer.Outcome);
        diagnostics.Set("OpenId", OpenIdMask.Mask(push.Message.FromUserName));
        await WriteReplyAsync(context, account, push, query, answer.ReplyXml).ConfigureAwait(false);
        metrics.PushAnswered(account.Name, route?.Name ?? "-", answer.Outcome, time.GetElapsedTime(started));
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

    private static PushQuery ReadQuery(HttpRequest request)
    {
        var query = request.Query;
        return PushQuery.From(name => query[name]);
    }

    // One property for the request log line (account, route, target, outcome), set once: each Set takes a lock.
    private void SetLogContext(AccountModel account, RouteModel? route, string outcome) =>
        diagnostics.Set("Relay", new RelayLogContext(account.Name, route?.Name ?? "-", route?.Target.Name ?? "-", outcome).ToString());

    private Task RejectAsync(HttpContext context, AccountModel account, Rejection rejection)
    {
        SetLogContext(account, null, "rejected");
        LogRejected(account.Name, context.Connection.RemoteIpAddress?.ToString() ?? "-", rejection.StatusCode, rejection.Reason);
        return rejection.WriteAsync(context.Response);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: refused a request from {RemoteAddress} with {StatusCode}: {Reason}")]
    private partial void LogRejected(string account, string remoteAddress, int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} route {Route}: no answer within the {Deadline} deadline; WeChat gets success, the delivery goes on")]
    private partial void LogDeadlineMissed(string account, string? route, TimeSpan deadline);
}
