using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Yarp.ReverseProxy;

namespace MpEventRelay.Observability;

/// <summary>
/// The relay's metrics (meter <c>MpEventRelay</c>), exported in Prometheus format on <c>/metrics</c>: pushes by
/// account/route/outcome, latency per route and per target, deadline misses, dedup hits, outbox depth and age,
/// circuit state and YARP's destination health.
/// </summary>
internal sealed class RelayMetrics : IDisposable
{
    public const string MeterName = "MpEventRelay";

    private readonly Meter _meter;
    private readonly Counter<long> _pushes;
    private readonly Histogram<double> _pushDuration;
    private readonly Histogram<double> _targetDuration;
    private readonly Counter<long> _deadlineMisses;
    private readonly Counter<long> _dedupHits;
    private readonly Counter<long> _reloadFailures;
    private readonly Counter<long> _outboxRefused;
    private readonly Counter<long> _bodyReadsRefused;
    private readonly Counter<long> _dedupOverCapacity;
    private readonly Counter<long> _signatureReuse;
    private readonly Counter<long> _outboxUnavailable;
    private readonly Counter<long> _repliesChosen;
    private readonly Counter<long> _lateReplies;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _typing;
    private readonly Counter<long> _trailDropped;
    private readonly Counter<long> _outboxFallback;
    private readonly Counter<long> _deadDropped;
    private readonly Counter<long> _outboxMoved;
    private readonly Counter<long> _repliesRefused;
    private readonly Counter<long> _gatewayCalls;
    private readonly Counter<long> _gatewayQuota;
    private readonly Counter<long> _gatewayTokens;
    private readonly Counter<long> _tokenForceRefreshes;
    private readonly ConcurrentDictionary<string, OutboxStats> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _laneInFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _redisDurability = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OutboxStats> _outbox = new();
    private readonly ConcurrentDictionary<(string Cluster, string Destination), int> _circuits = new();
    private readonly TimeProvider _time;

    /// <summary>
    /// Bucket bounds in seconds for a 5-second deadline: fine where pushes are answered (milliseconds), then up to the
    /// deadline and past it. OpenTelemetry's defaults (0, 5, 10, 25 … 10000) are meant for milliseconds: every push
    /// would land in the 5 s bucket and every quantile read 2.5–5 s.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 30];

    private static readonly InstrumentAdvice<double> SecondsUpToTheDeadline = new() { HistogramBucketBoundaries = DurationBuckets };

    public RelayMetrics(IMeterFactory meters, IServiceProvider services, TimeProvider time)
    {
        _time = time;
        _meter = meters.Create(MeterName);
        _pushes = _meter.CreateCounter<long>("mprelay.pushes", description: "Pushes answered, by account, route and outcome.");
        _pushDuration = _meter.CreateHistogram("mprelay.push.duration", "s", "Time to answer WeChat, by account and route.", advice: SecondsUpToTheDeadline);
        _targetDuration = _meter.CreateHistogram("mprelay.target.duration", "s", "Time of a delivery to a target, by target and result.", advice: SecondsUpToTheDeadline);
        _deadlineMisses = _meter.CreateCounter<long>("mprelay.deadline.misses", description: "Pushes answered 'success' because the replier missed the deadline.");
        _dedupHits = _meter.CreateCounter<long>("mprelay.dedup.hits", description: "WeChat retries and duplicates answered from the first attempt.");
        _reloadFailures = _meter.CreateCounter<long>("mprelay.config.reload.failures", description: "Configuration reloads refused.");
        _outboxRefused = _meter.CreateCounter<long>("mprelay.outbox.refused", description: "Pushes refused (503) because a target's outbox is at its limit, by target.");
        _bodyReadsRefused = _meter.CreateCounter<long>("mprelay.body.reads.refused", description: "Pushes refused (503) because too many bodies were being read at once.");
        _dedupOverCapacity = _meter.CreateCounter<long>("mprelay.dedup.over.capacity", description: "Messages remembered beyond Dedup:Capacity because their replay window had not ended.");
        _signatureReuse = _meter.CreateCounter<long>("mprelay.signature.reuse", description: "Plaintext pushes refused: a signature already seen with another body.");
        _outboxUnavailable = _meter.CreateCounter<long>("mprelay.outbox.unavailable", description: "Times no outbox store could record a delivery.");
        _repliesRefused = _meter.CreateCounter<long>("mprelay.replies.refused", description: "Replies not passed on to WeChat (it got success), by account, target and reason: other-user, over-limit, duplicate-element, missing-element, bad-signature…");
        _repliesChosen = _meter.CreateCounter<long>("mprelay.replies.chosen", description: "Passive replies WeChat got, by account, route and the replier whose answer was used.");
        _lateReplies = _meter.CreateCounter<long>("mprelay.late.replies", description: "Replies chosen after WeChat's answer, by how they went: passive (a retry took it), api, api-failed (by WeChat's error code), unmappable, no-app-secret.");
        _tokenRefreshes = _meter.CreateCounter<long>("mprelay.token.refreshes", description: "Access-token fetches (stable_token), by AppId and WeChat's error code (0: success).");
        _gatewayCalls = _meter.CreateCounter<long>("mprelay.gateway.calls", description: "API gateway calls, by client, API path, errcode and who answered (wechat, or relay when it refused the call).");
        _gatewayQuota = _meter.CreateCounter<long>("mprelay.gateway.quota.errors", description: "API gateway calls WeChat refused for quota (45009 daily, 45011 minute), by client and API path.");
        _gatewayTokens = _meter.CreateCounter<long>("mprelay.gateway.tokens.issued", description: "Tokens the relay issued to API gateway clients, by client.");
        _tokenForceRefreshes = _meter.CreateCounter<long>("mprelay.token.force.refreshes", description: "stable_token calls with force_refresh (20 a day), by AppId and outcome: done, too-soon, over-daily-limit.");
        _typing = _meter.CreateCounter<long>("mprelay.typing", description: "Typing indicators sent, by WeChat's error code (0: success).");
        _trailDropped = _meter.CreateCounter<long>("mprelay.trail.dropped", description: "Trail events not stored (the writer fell behind or its store failed); deliveries are not affected.");
        _outboxFallback = _meter.CreateCounter<long>("mprelay.outbox.fallback", description: "Deliveries recorded in the fall-back store (SQLite) because the preferred one (Redis) refused them, by store.");
        _outboxMoved = _meter.CreateCounter<long>("mprelay.outbox.moved", description: "Deliveries moved from the fall-back store back to the preferred one once it answered again.");
        _deadDropped = _meter.CreateCounter<long>("mprelay.outbox.dead.dropped", description: "Oldest dead letters dropped because a target held Outbox:MaxDeadPerTarget, by target.");
        _meter.CreateObservableGauge("mprelay.outbox.lane.pending", () => _lanes.Select(l => new Measurement<long>(l.Value.Pending, new KeyValuePair<string, object?>("lane", l.Key))), description: "Pending deliveries per lane (account/target), every store together.");
        _meter.CreateObservableGauge("mprelay.outbox.lane.oldest.age", () => LaneAges(), "s", "Age of the oldest pending delivery per lane (account/target), every store together; 0 when none is pending.");
        _meter.CreateObservableGauge("mprelay.outbox.lane.inflight", () => _laneInFlight.Select(l => new Measurement<int>(l.Value, new KeyValuePair<string, object?>("lane", l.Key))), description: "Retries this replica has in flight per lane (at most Outbox:ConcurrencyPerTarget).");
        _meter.CreateObservableGauge("mprelay.redis.durability", () => _redisDurability.Select(r => new Measurement<int>(r.Value, new KeyValuePair<string, object?>("server", r.Key))), description: "Per Redis primary: 0 a restart loses pending deliveries (no AOF), 1 up to about a second (appendfsync everysec), 2 none (appendfsync always), -1 unknown.");
        _meter.CreateObservableGauge("mprelay.outbox.pending", () => _outbox.Select(s => new Measurement<long>(s.Value.Pending, new KeyValuePair<string, object?>("store", s.Key))), description: "Deliveries waiting to be retried.");
        _meter.CreateObservableGauge("mprelay.outbox.dead", () => _outbox.Select(s => new Measurement<long>(s.Value.Dead, new KeyValuePair<string, object?>("store", s.Key))), description: "Dead letters.");
        _meter.CreateObservableGauge("mprelay.outbox.oldest.age", () => OldestAges(), "s", "Age of the oldest pending delivery.");
        _meter.CreateObservableGauge("mprelay.circuit.state", () => _circuits.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("cluster", c.Key.Cluster), new KeyValuePair<string, object?>("destination", c.Key.Destination))), description: "Per destination: 0 closed, 1 half-open, 2 open.");
        _meter.CreateObservableGauge("mprelay.destination.healthy", () => DestinationHealthOf(services.GetRequiredService<IProxyStateLookup>()), description: "YARP's view of each destination: 1 healthy or unknown, 0 unhealthy.");
    }

    public void PushAnswered(string account, string route, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "account", account }, { "route", route } };
        _pushDuration.Record(elapsed.TotalSeconds, tags);
        tags.Add("outcome", outcome);
        _pushes.Add(1, tags);
    }

    public void TargetCalled(string cluster, bool delivered, TimeSpan elapsed) =>
        _targetDuration.Record(elapsed.TotalSeconds, new TagList { { "target", cluster }, { "result", delivered ? "delivered" : "failed" } });

    public void DeadlineMissed(string account) => _deadlineMisses.Add(1, new KeyValuePair<string, object?>("account", account));

    public void DedupHit() => _dedupHits.Add(1);

    public void ReloadRefused() => _reloadFailures.Add(1);

    public void OutboxObserved(string store, OutboxStats stats) => _outbox[store] = stats;

    /// <summary>0 closed, 1 half-open, 2 open.</summary>
    public void CircuitChanged(string cluster, string destination, int state) => _circuits[(cluster, destination)] = state;

    /// <summary>The destination's circuit as last reported: 0 closed (also when never reported), 1 half-open, 2 open.</summary>
    public int CircuitOf(string cluster, string destination) => _circuits.GetValueOrDefault((cluster, destination));

    public void OutboxRefused(string target) => _outboxRefused.Add(1, new KeyValuePair<string, object?>("target", target));

    public void OutboxUnavailable() => _outboxUnavailable.Add(1);

    public void OutboxFallback(string store, int count) => _outboxFallback.Add(count, new KeyValuePair<string, object?>("store", store));

    public void OutboxMoved(int count) => _outboxMoved.Add(count);

    public void DeadLettersDropped(string target, int count) => _deadDropped.Add(count, new KeyValuePair<string, object?>("target", target));

    /// <summary>What each lane held when the worker last looked (the console's outbox view).</summary>
    public IReadOnlyDictionary<string, OutboxStats> Lanes => _lanes;

    /// <summary>What every lane holds, replacing the last observation (a lane that went away reads 0).</summary>
    public void LanesObserved(IReadOnlyDictionary<string, OutboxStats> lanes)
    {
        foreach (var lane in _lanes.Keys.Except(lanes.Keys))
        {
            _lanes[lane] = default;
        }

        foreach (var (lane, stats) in lanes)
        {
            _lanes[lane] = stats;
        }
    }

    public void LaneInFlight(string lane, int inFlight) => _laneInFlight[lane] = inFlight;

    /// <summary>0 none, 1 about a second, 2 every write (see the gauge), -1 unknown.</summary>
    public void RedisDurability(string server, int level) => _redisDurability[server] = level;

    public void BodyReadsRefused() => _bodyReadsRefused.Add(1);

    public void DedupOverCapacity() => _dedupOverCapacity.Add(1);

    public void SignatureReused(string account) => _signatureReuse.Add(1, new KeyValuePair<string, object?>("account", account));

    public void ReplyRefused(string account, string target, string reason) =>
        _repliesRefused.Add(1, new TagList { { "account", account }, { "target", target }, { "reason", reason } });

    public void ReplyChosen(string account, string route, string target) =>
        _repliesChosen.Add(1, new TagList { { "account", account }, { "route", route }, { "target", target } });

    public void LateReply(string via, int code) => _lateReplies.Add(1, new TagList { { "via", via }, { "code", code } });

    public void TokenRefresh(string appId, int code) => _tokenRefreshes.Add(1, new TagList { { "appid", appId }, { "code", code } });

    /// <summary>One gateway call: <paramref name="api"/> is the path when the client may call it, else "other" (bounded labels).</summary>
    public void GatewayCall(string client, string api, int code, bool answeredByRelay)
    {
        var tags = new TagList { { "client", client }, { "api", api }, { "code", code }, { "by", answeredByRelay ? "relay" : "wechat" } };
        _gatewayCalls.Add(1, tags);
        if (code is 45009 or 45011 && !answeredByRelay)
        {
            _gatewayQuota.Add(1, new TagList { { "client", client }, { "api", api }, { "code", code } });
        }
    }

    public void GatewayTokenIssued(string client) => _gatewayTokens.Add(1, new KeyValuePair<string, object?>("client", client));

    public void TokenForceRefresh(string appId, string outcome) => _tokenForceRefreshes.Add(1, new TagList { { "appid", appId }, { "outcome", outcome } });

    public void Typing(int code) => _typing.Add(1, new KeyValuePair<string, object?>("code", code));

    public void TrailDropped(int count = 1) => _trailDropped.Add(count);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> LaneAges()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (lane, stats) in _lanes)
        {
            yield return new Measurement<double>(stats.OldestPendingCreatedAtMs is { } oldest ? Math.Max(0, now - oldest) / 1000.0 : 0, new KeyValuePair<string, object?>("lane", lane));
        }
    }

    private IEnumerable<Measurement<double>> OldestAges()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (store, stats) in _outbox)
        {
            yield return new Measurement<double>(stats.OldestPendingCreatedAtMs is { } oldest ? (now - oldest) / 1000.0 : 0, new KeyValuePair<string, object?>("store", store));
        }
    }

    private static IEnumerable<Measurement<int>> DestinationHealthOf(IProxyStateLookup proxyState)
    {
        foreach (var cluster in proxyState.GetClusters())
        {
            foreach (var (name, destination) in cluster.Destinations)
            {
                yield return new Measurement<int>(DestinationHealthView.IsUnhealthy(destination) ? 0 : 1, new KeyValuePair<string, object?>("cluster", cluster.ClusterId), new KeyValuePair<string, object?>("destination", name));
            }
        }
    }
}
