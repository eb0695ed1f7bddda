using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Delivery;

/// <summary>
/// One accepted push on its way: the configuration snapshot it was accepted under (used from start to end), its
/// account, route, message and key, when its first request arrived (the deadline counts from there), and how
/// long it must be remembered (<see cref="Inbound.ReplayWindow"/>).
/// </summary>
internal sealed record PushDelivery(RelayModel Model, AccountModel Account, RouteModel? Route, InboundPush Push, PushKey Key, long StartedTimestamp, TimeSpan RememberFor);
