using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Trail;
using Polly;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy;
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
    DestinationPicker picker,
    DestinationPipelines pipelines,
    RelayMetrics metrics,
    TrailRecorder trail,
    TimeProvider time) : ITargetSender
{
    /// <summary>The header that carries the push's id, so receivers can be idempotent too.</summary>
    public const string IdempotencyHeader = TargetRequest.IdempotencyHeader;

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

        var outgoing = TargetRequest.Write(target, push, time);
        var tried = new List<DestinationState>();
        DeliveryResult? last = null;
        var attempts = 0;
        while (attempts <= options.Resilience.MaxRetries && picker.Pick(cluster, tried) is { } destination)
        {
            tried.Add(destination);
            var attemptStarted = time.GetTimestamp();
            DeliveryResult result;
            AttemptOutcome outcome;
            using (var activity = RelayTracing.Source.StartActivity("mprelay.deliver", System.Diagnostics.ActivityKind.Client))
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
        using var inFlight = picker.Start(destination);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        pipelines.Started(context);
        try
        {
            // Built before the circuit is asked (nothing is sent if it refuses), so the callback needs no state machine of its own.
            using var request = TargetRequest.Build(outgoing, idempotencyKey, destination.Model.Config.Address, cluster);
            using var response = await pipeline.Pipeline.ExecuteAsync(
                static (context, state) => new ValueTask<HttpResponseMessage>(state.client.SendAsync(state.request, context.CancellationToken)),
                context,
                (client, request)).ConfigureAwait(false);
            var body = await TargetRequest.ReadBoundedAsync(response.Content, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
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
            picker.MarkUnreachable(cluster, destination, options);
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
        }
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
}
