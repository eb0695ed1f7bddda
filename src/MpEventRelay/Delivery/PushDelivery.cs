using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Delivery;

/// <summary>
/// One accepted push on its way: the configuration snapshot it was accepted under (used from start to end), its
/// account, route, message and dedup key, and when its first request arrived (the deadline counts from there).
/// </summary>
internal sealed record PushDelivery(RelayModel Model, AccountModel Account, RouteModel? Route, InboundPush Push, string Key, long StartedTimestamp);
