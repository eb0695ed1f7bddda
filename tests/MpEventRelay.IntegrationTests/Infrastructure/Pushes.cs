using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Distinct pushes for tests: every call gets its own user and CreateTime, so dedup never merges two tests.</summary>
internal static class Pushes
{
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string NewOpenId() => "o" + Guid.NewGuid().ToString("N")[..27];

    public static PushMessageBuilder From(string? openId = null) =>
        new(Keys.GhId, openId ?? NewOpenId(), Interlocked.Increment(ref _sequence));

    public static long NewMsgId() => Interlocked.Increment(ref _sequence) * 1000;
}
