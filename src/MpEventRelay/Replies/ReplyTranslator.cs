using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Logging;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Trail;

namespace MpEventRelay.Replies;

/// <summary>
/// Turns the replying target's answer into WeChat's: verified and decrypted with the target's keys, checked to be a
/// passive reply to this user that WeChat accepts (its elements once and outside any namespace, within its limits);
/// anything unusable becomes <c>success</c>, a warning, a trail event and <c>mprelay_replies_refused_total</c>.
/// </summary>
internal sealed class ReplyTranslator(RelayMetrics metrics, TrailRecorder trail, ILogger<ReplyTranslator> logger)
{
    public RelayAnswer Translate(PushDelivery delivery, TargetModel target, byte[] answer)
    {
        var push = delivery.Push.Message;
        try
        {
            var reply = ReplyDecoder.Decode(answer, target.Keys, delivery.Model.Options.MaxBodyBytes);
            if (reply is null)
            {
                return RelayAnswer.Success(PushOutcome.Delivered);
            }

            if (!string.Equals(reply.ToUserName, push.FromUserName, StringComparison.Ordinal))
            {
                logger.LogWarning("Target {Target} replied to another user ({ReplyTo} instead of {OpenId}); WeChat gets success",
                    target.Name, OpenIdMask.Mask(reply.ToUserName), OpenIdMask.Mask(push.FromUserName));
                return Refused(delivery, target, "other-user", "the reply is addressed to another user");
            }

            return new RelayAnswer(reply.Xml, PushOutcome.Replied);
        }
        catch (ProtocolException e)
        {
            logger.LogWarning("Target {Target} answered with an unusable reply ({Reason}: {Message}); WeChat gets success",
                target.Name, e.Error, e.Message);
            return Refused(delivery, target, ReasonOf(e.Error), e.Message);
        }
    }

    private RelayAnswer Refused(PushDelivery delivery, TargetModel target, string reason, string message)
    {
        metrics.ReplyRefused(delivery.Account.Name, target.Name, reason);
        trail.ReplyRefused(delivery.Key, target.Name, message);
        return RelayAnswer.Success(PushOutcome.ReplyRefused);
    }

    // ProtocolError names as metric labels: DuplicateElement → duplicate-element.
    private static string ReasonOf(ProtocolError error) =>
        string.Concat(error.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
