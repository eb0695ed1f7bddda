using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>An outbox item of account "main", due now and expiring in ten minutes on the test's clock.</summary>
internal static class OutboxItems
{
    public static OutboxItem Due(TimeProvider time, string id, string target = "bot") => new()
    {
        Id = id,
        Account = "main",
        Route = "r",
        Target = target,
        DedupKey = "k" + id,
        InboundMode = 0,
        Payload = "b64:",
        CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        ExpiresAtMs = (time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds(),
        NextAttemptAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };
}
