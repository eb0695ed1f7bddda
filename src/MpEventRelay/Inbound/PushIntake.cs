using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Inbound;

/// <summary>
/// A push's first steps, in order: the body (bounded in size and time), verify and decrypt, the clock skew, and for
/// a plaintext push the signature's binding to its body. The first that fails is the answer: its status and reason.
/// </summary>
internal sealed class PushIntake(BoundedBody bodies, ISignatureLedger signatures, RelayMetrics metrics, TimeProvider time)
{
    public async Task<(IntakenPush? Push, Rejection? Refused)> TakeAsync(HttpContext context, AccountModel account, RelayOptions options)
    {
        var (body, refused) = await bodies.ReadAsync(context.Request, options.MaxBodyBytes, options.Deadline, time, context.RequestAborted).ConfigureAwait(false);
        if (refused is not null)
        {
            return (null, refused);
        }

        var query = PushQueryReader.Read(context.Request);
        InboundPush push;
        try
        {
            using var decode = RelayTracing.Source.StartActivity("mprelay.decode");
            push = account.Decoder.Decode(query, body);
        }
        catch (ProtocolException e)
        {
            return (null, Rejection.From(e));
        }

        if (!ClockSkewCheck.IsWithin(query.Timestamp, options.ClockSkew, time))
        {
            return (null, new Rejection(StatusCodes.Status401Unauthorized, "timestamp is outside the allowed clock skew."));
        }

        var rememberFor = ReplayWindow.For(query.Timestamp, options, time);
        if (!push.IsEncrypted)
        {
            if (!account.AcceptsPlaintext)
            {
                return (null, new Rejection(StatusCodes.Status401Unauthorized, "This account has an EncodingAESKey: plaintext pushes are refused."));
            }

            // The plaintext signature does not cover the body: it may carry only the body it was first seen with.
            var binding = $"{account.Name}|{query.Timestamp}|{query.Nonce}|{query.Signature}";
            if (!await signatures.BindAsync(binding, BodyHash(body.Span), rememberFor).ConfigureAwait(false))
            {
                metrics.SignatureReused(account.Name);
                return (null, new Rejection(StatusCodes.Status401Unauthorized, "This signature was already used with another body."));
            }
        }

        return (new IntakenPush(push, query, rememberFor), null);
    }

    private static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(body));
}
