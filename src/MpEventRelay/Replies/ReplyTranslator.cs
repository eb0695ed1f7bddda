using MpEventRelay.Dedup;
using MpEventRelay.Logging;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Replies;

/// <summary>
/// Turns the replying target's answer into WeChat's: verified and decrypted with the target's keys, checked to be a
/// passive reply to this user; anything unusable becomes <c>success</c> and a warning.
/// </summary>
internal sealed class ReplyTranslator(ILogger<ReplyTranslator> logger)
{
    public RelayAnswer Translate(TargetModel target, PushMessage push, byte[] answer, RelayOptions options)
    {
        try
        {
            var reply = ReplyDecoder.Decode(answer, target.Keys, options.MaxBodyBytes);
            if (reply is null)
            {
                return RelayAnswer.Success("delivered");
            }

            if (!string.Equals(reply.ToUserName, push.FromUserName, StringComparison.Ordinal))
            {
                logger.LogWarning("Target {Target} replied to another user ({ReplyTo} instead of {OpenId}); WeChat gets success",
                    target.Name, OpenIdMask.Mask(reply.ToUserName), OpenIdMask.Mask(push.FromUserName));
                return RelayAnswer.Success("reply-refused");
            }

            return new RelayAnswer(reply.Xml, "replied");
        }
        catch (ProtocolException e)
        {
            logger.LogWarning("Target {Target} answered with an unusable reply ({Reason}: {Message}); WeChat gets success",
                target.Name, e.Error, e.Message);
            return RelayAnswer.Success("reply-refused");
        }
    }
}
