using StackExchange.Redis;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Reads the relay's Redis outbox from outside, as an operator with redis-cli would: pending deliveries per lane.</summary>
internal static class OutboxKeys
{
    public static async Task<long> PendingAsync(string configuration, string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = redis.GetDatabase();
        var total = 0L;
        foreach (var lane in await database.SetMembersAsync(prefix + "outbox:lanes"))
        {
            total += await database.SortedSetLengthAsync(prefix + "outbox:{" + Uri.EscapeDataString(lane.ToString()) + "}:due");
        }

        return total;
    }
}
