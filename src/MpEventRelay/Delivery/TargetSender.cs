using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Trail;
using Polly;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace MpEventRelay.Delivery;

/// <summary>
/// Delivers a push to a target as WeChat would: re-signed with the target's Token (fresh timestamp and nonce) and,
/// for encrypted targets, re-encrypted with its key. Each attempt picks a destination of the target's YARP cluster
/// through the cluster's load-balancing policy, among those YARP considers available and whose own circuit is not
/// open, skipping the ones that already failed for this delivery. Only a failure that provably did not reach the
/// destination (no connection) moves on to another one at once; a request that may have arrived is never sent again
/// here. Outcomes feed YARP's passive health and concurrency counts. Never throws: every failure is a result.
/// </summary>
internal sealed class TargetSender(
    IProxyStateLookup proxyState,
    IEnumerable<ILoadBalancingPolicy> policies,
    IDestinationHealthUpdater health,
    DestinationPipelines pipelines,
    RelayMetrics metrics,
    TrailRecorder trail,
    TimeProvider time) : ITargetSender
{
    /// <summary>The header that carries the dedup key, so receivers can be idempotent too.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue XmlContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
    private static readonly HttpContext NoRequest = new DefaultHttpContext(); // policies get no inbound request: the relay's deliveries have none
    private readonly Dictionary<string, ILoadBalancingPolicy> _policies = policies.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<DestinationState, StrongBox<int>> _inFlight = new();

    public async Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, PushKey key, RelayOptions options, CancellationToken cancellationToken, string source = "request")
    {
        var started = time.GetTimestamp();
        DeliveryResult result;
        try
        {
            result = await SendWithFailoverAsync(target, push, key, options, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Containment: whatever goes wrong (a handler bug, an address only the OS refuses) is this delivery's failure.
            result = DeliveryResult.Failed($"{e.GetType().Name}: {e.Message}");
        }

        metrics.TargetCalled(target.ClusterId, result.Delivered, time.GetElapsedTime(started));
        return result;
    }

    private async Task<DeliveryResult> SendWithFailoverAsync(TargetModel target, InboundPush push, PushKey key, RelayOptions options, string source, CancellationToken cancellationToken)
    {
        if (!proxyState.TryGetCluster(target.ClusterId, out var cluster) || cluster.Model.HttpClient is not { } client)
        {
            return DeliveryResult.Failed($"cluster '{target.ClusterId}' is not loaded");
        }

        var outgoing = Write(target, push);
        var tried = new List<DestinationState>();
        DeliveryResult? last = null;
        var attempts = 0;
        while (attempts <= options.Resilience.MaxRetries && Pick(cluster, tried) is { } destination)
        {
            tried.Add(destination);
            var attemptStarted = time.GetTimestamp();
            DeliveryResult result;
            AttemptOutcome outcome;
            using (var activity = Observability.RelayTracing.Source.StartActivity("mprelay.deliver", System.Diagnostics.ActivityKind.Client))
            {
                activity?.SetTag("mprelay.target", target.Name);
                activity?.SetTag("mprelay.destination", destination.DestinationId);
                (result, outcome) = await AttemptAsync(cluster, destination, client, outgoing, key.Id, options, cancellationToken).ConfigureAwait(false);
                activity?.SetTag("http.response.status_code", result.StatusCode);
                activity?.SetStatus(result.Delivered ? System.Diagnostics.ActivityStatusCode.Ok : System.Diagnostics.ActivityStatusCode.Error, result.Failure);
            }

            trail.Delivery(key, target.Name, destination.DestinationId, result.StatusCode, time.GetElapsedTime(attemptStarted), result.Failure, source);
            if (result.Delivered || outcome == AttemptOutcome.MayHaveReached || cancellationToken.IsCancellationRequested)
            {
                return result;
            }

            // Not reached: the next destination, at once. A circuit that refused costs no attempt.
            attempts += outcome == AttemptOutcome.NotReached ? 1 : 0;
            last = result;
        }

        return last ?? DeliveryResult.Failed($"cluster '{target.ClusterId}' has no available destination");
    }

    private async Task<(DeliveryResult Result, AttemptOutcome Outcome)> AttemptAsync(ClusterState cluster, DestinationState destination, HttpMessageInvoker client, OutgoingPush outgoing, string idempotencyKey, RelayOptions options, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(cluster.ClusterId, destination.DestinationId, options.Resilience);
        var counter = _inFlight.GetOrAdd(destination, _ => new StrongBox<int>());
        // YARP's own counter is internal; ours is atomic and mirrored into it for LeastRequests and PowerOfTwoChoices.
        destination.ConcurrentRequestCount = Interlocked.Increment(ref counter.Value);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        pipelines.Started(context);
        try
        {
            using var response = await pipeline.Pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    using var request = BuildRequest(state.outgoing, state.idempotencyKey, state.destination.Model.Config.Address, state.cluster);
                    return await state.client.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (outgoing, idempotencyKey, destination, cluster, client)).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response.Content, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? (new DeliveryResult(true, status, body ?? [], null), AttemptOutcome.MayHaveReached)
                : (DeliveryResult.Failed($"{destination.DestinationId} answered {status}", status), AttemptOutcome.MayHaveReached);
        }
        catch (BrokenCircuitException)
        {
            return (DeliveryResult.Failed($"{destination.DestinationId}: circuit open"), AttemptOutcome.CircuitOpen);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            MarkUnhealthy(cluster, destination, options);
            return (DeliveryResult.Failed($"{destination.DestinationId}: connection failed ({e.HttpRequestError})"), AttemptOutcome.NotReached);
        }
        catch (HttpRequestException e)
        {
            return (DeliveryResult.Failed($"{destination.DestinationId}: {e.HttpRequestError}"), AttemptOutcome.MayHaveReached);
        }
        catch (OperationCanceledException)
        {
            return (DeliveryResult.Failed($"{destination.DestinationId}: no answer within the delivery timeout ({options.DeliveryTimeout})"), AttemptOutcome.MayHaveReached);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            destination.ConcurrentRequestCount = Interlocked.Decrement(ref counter.Value);
        }
    }

    // Passive health, YARP's way: unhealthy now, reactivated after the cluster's period (or the break duration).
    private void MarkUnhealthy(ClusterState cluster, DestinationState destination, RelayOptions options)
    {
        var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? options.Resilience.BreakDuration;
        health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
    }

    // An open circuit is not filtered out here: Polly moves it to half-open only when a call tries it, and a refused
    // call costs microseconds before the next destination is tried.
    private DestinationState? Pick(ClusterState cluster, List<DestinationState> tried)
    {
        var candidates = new List<DestinationState>();
        foreach (var destination in cluster.DestinationsState.AvailableDestinations)
        {
            if (!tried.Contains(destination))
            {
                candidates.Add(destination);
            }
        }

        if (candidates.Count <= 1)
        {
            return candidates.Count == 1 ? candidates[0] : null;
        }

        var policyName = cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices;
        return _policies.TryGetValue(policyName, out var policy)
            ? policy.PickDestination(NoRequest, cluster, candidates)
            : candidates[Random.Shared.Next(candidates.Count)];
    }

    private enum AttemptOutcome
    {
        /// <summary>A response came, or the request may have been received (timeout, reset after sending).</summary>
        MayHaveReached,

        /// <summary>No connection: the destination provably did not receive it.</summary>
        NotReached,

        /// <summary>The destination's circuit refused the call before anything was sent.</summary>
        CircuitOpen,
    }

    private OutgoingPush Write(TargetModel target, InboundPush push)
    {
        var mode = target.ModeFor(push.Mode);
        // Same key, same AppId: WeChat's own ciphertext can travel on unchanged; only the signatures are renewed.
        var reusable = target.SharesAccountKey && push.Key == AesKeySlot.Current ? push.Encrypt : null;
        return PushWriter.Write(push.Message, target.Keys, mode, WeChatClock.Timestamp(time), WeChatClock.Nonce(), reusable);
    }

    private static HttpRequestMessage BuildRequest(OutgoingPush outgoing, string idempotencyKey, string address, ClusterState cluster)
    {
        var separator = address.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var request = new HttpRequestMessage(HttpMethod.Post, address + separator + outgoing.QueryString)
        {
            Content = new ByteArrayContent(outgoing.Body) { Headers = { ContentType = XmlContentType } },
            Version = cluster.Model.Config.HttpRequest?.Version ?? HttpVersion.Version11,
            VersionPolicy = cluster.Model.Config.HttpRequest?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        return request;
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length)
        {
            // The usual case: the length is known, so the answer is read into one array of exactly that size.
            return length > maxBytes ? null : await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(1024);
        int read;
        while ((read = await stream.ReadAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
