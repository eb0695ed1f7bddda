namespace MpEventRelay.Outbox;

/// <summary>An item and the store that holds it.</summary>
internal sealed record OutboxRecord(IOutboxStore Store, OutboxItem Item);
