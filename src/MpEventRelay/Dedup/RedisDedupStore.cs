using MpEventRelay.Configuration;
using MpEventRelay.Observability;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.Dedup;

/// <summary>
/// Dedup shared by replicas. Within a replica, attempts join through the in-memory store; across replicas, the first
/// to <c>SET NX</c> the key owns the delivery and keeps a short "pending" lease alive while it works, then stores the
/// answer. Others wait for the answer within the push's deadline, then ask WeChat to retry. Every Redis call goes
/// through the Redis guard (a budget per call, a breaker): hung, slow or down, Redis costs at most one budget, and the
/// replica then dedupes alone. A failed attempt is never stored: the key is released so a retry runs again.
/// </summary>
internal sealed partial class RedisDedupStore(
    InMemoryDedupStore local,
    RedisConnection redis,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<RedisDedupStore> logger) : IDedupStore
{
    private const string Pending = "pending";
    private static readonly TimeSpan PendingLease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public Task<RelayAnswer> RunOnceAsync(string key, Func<Task<RelayAnswer>> work, RelayOptions options, TimeSpan rememberFor)
    {
        var keep = options.Dedup.KeepFor(rememberFor);
        return local.RunOnceAsync(key, () => AcrossReplicasAsync(redis.Key("dedup:" + key), work, options, keep), options, rememberFor);
    }

    private async Task<RelayAnswer> AcrossReplicasAsync(RedisKey key, Func<Task<RelayAnswer>> work, RelayOptions options, TimeSpan keep)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            RedisValue value;
            try
            {
                if (await redis.Guard.RunAsync(token => redis.Database.StringSetAsync(key, Pending, PendingLease, When.NotExists).WaitAsync(token), CancellationToken.None).ConfigureAwait(false))
                {
                    return await OwnAsync(key, work, keep).ConfigureAwait(false);
                }

                value = await redis.Guard.RunAsync(token => redis.Database.StringGetAsync(key).WaitAsync(token), CancellationToken.None).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogUnreachable(e.Message);
                return await work().ConfigureAwait(false);
            }

            if (value.HasValue && value != Pending)
            {
                metrics.DedupHit();
                return Decode(value);
            }

            if (time.GetElapsedTime(started) + PollInterval >= options.Deadline)
            {
                // Another replica has it in flight; it answers its own request. This one cannot promise anything.
                return RelayAnswer.Retry("the same push is in flight on another replica");
            }

            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    private async Task<RelayAnswer> OwnAsync(RedisKey key, Func<Task<RelayAnswer>> work, TimeSpan keep)
    {
        RelayAnswer answer;
        // Keep the lease alive while the delivery runs, so a dead owner is replaced quickly and a live one is not.
        using (time.CreateTimer(_ => redis.Database.KeyExpire(key, PendingLease, CommandFlags.FireAndForget), null, PendingLease / 3, PendingLease / 3))
        {
            try
            {
                answer = await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                answer = RelayAnswer.Retry($"the delivery failed unexpectedly ({e.GetType().Name})");
            }
        }

        // Stored off the answer's path: a hung Redis must not hold WeChat's answer past the deadline.
        _ = StoreAnswerAsync(key, answer, keep);
        if (answer.Late is { } late)
        {
            _ = StoreLateAsync(key, late, keep);
        }

        return answer;
    }

    private async Task StoreAnswerAsync(RedisKey key, RelayAnswer answer, TimeSpan keep)
    {
        try
        {
            await redis.Guard.RunAsync(
                token => (answer.RetryLater
                    ? redis.Database.KeyDeleteAsync(key)
                    : redis.Database.StringSetAsync(key, Encode(answer), keep)).WaitAsync(token),
                CancellationToken.None,
                StoreGuard.BackgroundBudget).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogUnreachable(e.Message); // the pending lease lapses by itself
        }
    }

    private async Task StoreLateAsync(RedisKey key, Task<RelayAnswer?> late, TimeSpan keep)
    {
        try
        {
            if (await late.ConfigureAwait(false) is { RetryLater: false } reply)
            {
                await redis.Guard.RunAsync(token => redis.Database.StringSetAsync(key, Encode(reply), keep).WaitAsync(token), CancellationToken.None, StoreGuard.BackgroundBudget).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException)
        {
            LogUnreachable(e.Message); // retries keep the first answer
        }
    }

    // "outcome\nbase64 reply"; a late reply's outcome is marked with '!' so a retry on any replica claims it first.
    private static string Encode(RelayAnswer answer) =>
        (answer.LateReply ? LateMark : string.Empty) + answer.Outcome + "\n" + (answer.ReplyXml is null ? string.Empty : Convert.ToBase64String(answer.ReplyXml));

    private const string LateMark = "!";

    private static RelayAnswer Decode(RedisValue value)
    {
        var text = value.ToString();
        var split = text.IndexOf('\n', StringComparison.Ordinal);
        if (split < 0)
        {
            return RelayAnswer.Success(PushOutcome.Duplicate) with { Duplicate = true };
        }

        // Another replica's (or an earlier) answer to the same message: this attempt is a duplicate.
        var reply = text[(split + 1)..];
        var late = text.StartsWith(LateMark, StringComparison.Ordinal);
        var outcome = late ? text[LateMark.Length..split] : text[..split];
        return new RelayAnswer(reply.Length == 0 ? null : Convert.FromBase64String(reply), outcome) { Duplicate = true, Attempt = 2, LateReply = late };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for dedup ({Reason}); this replica dedupes alone until it is back")]
    private partial void LogUnreachable(string reason);
}
