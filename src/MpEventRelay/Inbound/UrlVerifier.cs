using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Inbound;

/// <summary>WeChat's URL verification (the GET when the server URL is saved): the signature and the clock, then the echo.</summary>
internal sealed class UrlVerifier(InboundLog log, TimeProvider time)
{
    public async Task VerifyAsync(HttpContext context, AccountModel account, RelayOptions options)
    {
        var query = PushQueryReader.Read(context.Request);
        if (query.EchoStr is null || !WeChatSignature.Verify(query.Signature, account.Keys.Token, query.Timestamp ?? "", query.Nonce ?? ""))
        {
            await log.RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "URL verification failed: signature does not match the Token.")).ConfigureAwait(false);
            return;
        }

        if (!ClockSkewCheck.IsWithin(query.Timestamp, options.ClockSkew, time))
        {
            await log.RejectAsync(context, account, new Rejection(StatusCodes.Status401Unauthorized, "URL verification failed: timestamp is outside the allowed clock skew.")).ConfigureAwait(false);
            return;
        }

        log.Outcome(account, null, "verified");
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(query.EchoStr).ConfigureAwait(false);
    }
}
