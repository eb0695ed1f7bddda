using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Delivery;

/// <summary>
/// One delivery of a push to a target (<see cref="TargetSender"/> over YARP's destinations): the seam between the
/// delivery core (deadline, reply choice, outbox settlement), which is tested without sockets, and the network.
/// </summary>
internal interface ITargetSender
{
    /// <summary>The target's answer, or why there was none. Never throws.</summary>
    /// <param name="within">How long every attempt and the answer's reading may take together; then it fails.</param>
    /// <param name="source">For the trail: <c>request</c> (while WeChat's request runs or just after) or <c>outbox</c>.</param>
    Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, PushKey key, RelayOptions options, TimeSpan within, string source = "request");
}
