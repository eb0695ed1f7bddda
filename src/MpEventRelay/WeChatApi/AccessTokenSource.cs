using System.Collections.Concurrent;
using System.Text.Json;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Storage;
using StackExchange.Redis;

namespace MpEventRelay.WeChatApi;

/// <summary>
/// The access token for WeChat's API, per AppId, from <c>POST /cgi-bin/stable_token</c> in normal mode: unlike
/// <c>cgi-bin/token</c>, it hands out the current token without invalidating the one the bot and the IDaaS already
/// use with the same AppId. Cached until five minutes before it expires, refreshed one at a time (through Redis when
/// replicas share it: one replica fetches, the others read), and refreshed after WeChat refused it. Neither the token
/// nor the AppSecret is ever logged.
/// </summary>
internal sealed partial class AccessTokenSource(
    ApiCaller api,
    RelayModelProvider models,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<AccessTokenSource> logger,
    RedisConnection? redis = null)
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ForceSpacing = TimeSpan.FromSeconds(30);
    private const int ForcePerDay = 20;
    private readonly Dictionary<string, (DateTimeOffset Last, string Day, int Count)> _forced = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ValidUntil)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);

    /// <summary>A valid token, or WeChat's (or the transport's) reason for not getting one.</summary>
    /// <param name="refused">A token WeChat just refused: never handed out again.</param>
    public async Task<(string? Token, ApiAnswer? Failure)> GetAsync(AccountModel account, string? refused, CancellationToken cancellationToken)
    {
        if (Cached(account.AppId, refused) is { } cached)
        {
            return (cached, null);
        }

        var gate = _refreshing.GetOrAdd(account.AppId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Cached(account.AppId, refused) is { } refreshedMeanwhile)
            {
                return (refreshedMeanwhile, null);
            }

            if (await SharedAsync(account.AppId, refused).ConfigureAwait(false) is { } shared)
            {
                _cache[account.AppId] = shared;
                return (shared.Token, null);
            }

            return await FetchAsync(account, refused, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private string? Cached(string appId, string? refused) =>
        _cache.TryGetValue(appId, out var entry) && entry.Token != refused && time.GetUtcNow() < entry.ValidUntil ? entry.Token : null;

    private async Task<(string? Token, ApiAnswer? Failure)> FetchAsync(AccountModel account, string? refused, CancellationToken cancellationToken)
    {
        var lockTaken = await TakeSharedLockAsync(account.AppId).ConfigureAwait(false);
        if (!lockTaken && await WaitForSharedAsync(account.AppId, refused, cancellationToken).ConfigureAwait(false) is { } fetchedElsewhere)
        {
            _cache[account.AppId] = fetchedElsewhere;
            return (fetchedElsewhere.Token, null);
        }

        var (value, usable, failure) = await StableTokenAsync(account, force: false, cancellationToken).ConfigureAwait(false);
        if (value is not null && value == refused)
        {
            // Normal mode handed back the token WeChat just refused (it was replaced by a force refresh elsewhere, or
            // the AppSecret was reset): only a force refresh gets a new one, and those are few (20 a day).
            (value, usable, failure) = await ForceRefreshAsync(account, cancellationToken).ConfigureAwait(false);
        }

        if (value is null)
        {
            metrics.TokenRefresh(account.AppId, failure!.ErrorCode);
            LogTokenFailed(account.AppId, failure.ErrorCode, WeChatErrors.Meaning(failure.ErrorCode), failure.Message);
            return (null, failure);
        }

        _cache[account.AppId] = (value, time.GetUtcNow() + usable);
        metrics.TokenRefresh(account.AppId, 0);
        LogTokenFetched(account.AppId, usable);
        await ShareAsync(account.AppId, value, usable).ConfigureAwait(false);
        return (value, null);
    }

    private async Task<(string? Token, TimeSpan Usable, ApiAnswer? Failure)> StableTokenAsync(AccountModel account, bool force, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.SerializeToUtf8Bytes(new { grant_type = "client_credential", appid = account.AppId, secret = account.AppSecret, force_refresh = force });
        var answer = await api.PostAsync("cgi-bin/stable_token", accessToken: null, request, cancellationToken).ConfigureAwait(false);
        if (!answer.Succeeded || answer.Body is not { } body || !body.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } value)
        {
            return (null, default, answer.Succeeded ? new ApiAnswer(ApiAnswer.Unreachable, "no access_token in the answer") : answer);
        }

        var lifetime = TimeSpan.FromSeconds(body.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? s : 7200);
        return (value, lifetime > ExpiryMargin * 2 ? lifetime - ExpiryMargin : lifetime / 2, null);
    }

    // At most one force refresh per AppId every 30 s and 20 a day (WeChat's own limits), counted across replicas
    // through Redis when they share it.
    private async Task<(string? Token, TimeSpan Usable, ApiAnswer? Failure)> ForceRefreshAsync(AccountModel account, CancellationToken cancellationToken)
    {
        var outcome = await ForceAllowedAsync(account.AppId).ConfigureAwait(false);
        metrics.TokenForceRefresh(account.AppId, outcome);
        if (outcome != "done")
        {
            LogForceRefused(account.AppId, outcome);
            return (null, default, new ApiAnswer(40001, $"WeChat refused the token and a force refresh is not allowed now ({outcome})"));
        }

        LogForceRefresh(account.AppId);
        return await StableTokenAsync(account, force: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ForceAllowedAsync(string appId)
    {
        var now = time.GetUtcNow();
        var day = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture); // WeChat counts in Beijing time
        if (redis is not null)
        {
            try
            {
                var spaced = await redis.Guard.RunAsync(t => redis.Database.StringSetAsync(redis.Key("token-force:" + appId), "1", ForceSpacing, When.NotExists).WaitAsync(t), CancellationToken.None).ConfigureAwait(false);
                if (!spaced)
                {
                    return "too-soon";
                }

                var count = await redis.Guard.RunAsync(t => redis.Database.StringIncrementAsync(redis.Key($"token-force-count:{appId}:{day}")).WaitAsync(t), CancellationToken.None).ConfigureAwait(false);
                await redis.Guard.RunAsync(t => redis.Database.KeyExpireAsync(redis.Key($"token-force-count:{appId}:{day}"), TimeSpan.FromDays(2)).WaitAsync(t), CancellationToken.None).ConfigureAwait(false);
                return count > ForcePerDay ? "over-daily-limit" : "done";
            }
            catch (StoreUnavailableException e)
            {
                LogShareUnavailable(e.Message); // this replica's own count, then
            }
        }

        lock (_forced)
        {
            var (last, lastDay, count) = _forced.TryGetValue(appId, out var entry) ? entry : (DateTimeOffset.MinValue, day, 0);
            if (now - last < ForceSpacing)
            {
                return "too-soon";
            }

            count = lastDay == day ? count + 1 : 1;
            _forced[appId] = (now, day, count);
            return count > ForcePerDay ? "over-daily-limit" : "done";
        }
    }

    // Replicas sharing Redis share one token: read it, and let one replica at a time fetch it.
    private async Task<(string Token, DateTimeOffset ValidUntil)?> SharedAsync(string appId, string? refused)
    {
        if (redis is null)
        {
            return null;
        }

        try
        {
            var entry = await redis.Guard.RunAsync(token => redis.Database.StringGetWithExpiryAsync(redis.Key("token:" + appId)).WaitAsync(token), CancellationToken.None).ConfigureAwait(false);
            if (entry.Value.HasValue && entry.Value.ToString() != refused && entry.Expiry is { } left && left > TimeSpan.Zero)
            {
                return (entry.Value.ToString(), time.GetUtcNow() + left);
            }
        }
        catch (StoreUnavailableException e)
        {
            LogShareUnavailable(e.Message);
        }

        return null;
    }

    private async Task<bool> TakeSharedLockAsync(string appId)
    {
        if (redis is null)
        {
            return true;
        }

        try
        {
            return await redis.Guard.RunAsync(token => redis.Database.StringSetAsync(redis.Key("token-lock:" + appId), Environment.MachineName, TimeSpan.FromSeconds(10), When.NotExists).WaitAsync(token), CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return true; // alone: fetch it ourselves
        }
    }

    // Another replica is fetching: its token appears in Redis within a call's time, else this replica fetches.
    private async Task<(string Token, DateTimeOffset ValidUntil)?> WaitForSharedAsync(string appId, string? refused, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + models.Current.Options.WeChatApi.CallTimeout;
        while (time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            if (await SharedAsync(appId, refused).ConfigureAwait(false) is { } shared)
            {
                return shared;
            }
        }

        return null;
    }

    private async Task ShareAsync(string appId, string token, TimeSpan usable)
    {
        if (redis is null)
        {
            return;
        }

        try
        {
            await redis.Guard.RunAsync(t => redis.Database.StringSetAsync(redis.Key("token:" + appId), token, usable).WaitAsync(t), CancellationToken.None).ConfigureAwait(false);
            await redis.Guard.RunAsync(t => redis.Database.KeyDeleteAsync(redis.Key("token-lock:" + appId)).WaitAsync(t), CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LogShareUnavailable(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WeChat API: access token for {AppId} fetched (stable_token), used for {Usable}")]
    private partial void LogTokenFetched(string appId, TimeSpan usable);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeChat API: no access token for {AppId}: {Code} ({Meaning}; {Message})")]
    private partial void LogTokenFailed(string appId, int code, string meaning, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat API: stable_token in normal mode gave back the token WeChat refused for {AppId}; forcing a refresh (force_refresh, 20 a day)")]
    private partial void LogForceRefresh(string appId);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeChat API: the token for {AppId} was refused and a force refresh is not allowed now ({Outcome})")]
    private partial void LogForceRefused(string appId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat API: the token shared through Redis is unavailable ({Reason}); this replica uses its own")]
    private partial void LogShareUnavailable(string reason);
}
