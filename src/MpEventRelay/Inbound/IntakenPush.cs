using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Inbound;

/// <summary>A push that passed every inbound check: the message, the query it came with, and how long it must be remembered.</summary>
internal sealed record IntakenPush(InboundPush Push, PushQuery Query, TimeSpan RememberFor);
