using MpEventRelay.Model;

namespace MpEventRelay.Delivery;

/// <summary>A replying target's delivery of one push, started at once; its answer may become WeChat's reply.</summary>
internal sealed record Replier(TargetModel Target, Task<DeliveryResult> Result);
