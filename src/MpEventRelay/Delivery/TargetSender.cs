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

    public async Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, PushKey key, RelayOptions options, TimeSpan within, string source = "request")
    {
        // One method for the timeout, the failover and the containment (each was a layer of its own, a state machine
        // and a continuation a push); one timer bounds every attempt and the reading of the answer.
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(within, time);
        DeliveryResult? result = null;
        try
        {
            if (!proxyState.TryGetCluster(target.ClusterId, out var cluster) || cluster.Model.HttpClient is not { } client)
            {
                result = DeliveryResult.Failed($"cluster '{target.ClusterId}' is not loaded");
            }
            else
            {
                var outgoing = TargetRequest.Write(target, push, time);
                List<DestinationState>? tried = null; // only once an attempt did not reach its destination
                var attempts = 0;
                while (attempts <= options.Resilience.MaxRetries && picker.Pick(cluster, tried) is { } destination)
                {
                    var attemptStarted = time.GetTimestamp();
                    AttemptOutcome outcome;
                    using (var activity = RelayTracing.Source.StartActivity("mprelay.deliver", System.Diagnostics.ActivityKind.Client))
                    {
                        activity?.SetTag("mprelay.target", target.Name);
                        activity?.SetTag("mprelay.destination", destination.DestinationId);
                        (result, outcome) = await AttemptAsync(cluster, destination, client, outgoing, key.Id, options, timeout.Token).ConfigureAwait(false);
                        activity?.SetTag("http.response.status_code", result.StatusCode);
                        activity?.SetStatus(result.Delivered ? System.Diagnostics.ActivityStatusCode.Ok : System.Diagnostics.ActivityStatusCode.Error, result.Failure);
                    }

                    trail.Delivery(key, target.Name, destination.DestinationId, result.StatusCode, time.GetElapsedTime(attemptStarted), result.Failure, source);
                    if (result.Delivered || outcome == AttemptOutcome.MayHaveReached || timeout.IsCancellationRequested)
                    {
                        break;
                    }

                    // Not reached: the next destination, at once. A circuit that refused costs no attempt.
                    attempts += outcome == AttemptOutcome.NotReached ? 1 : 0;
                    (tried ??= []).Add(destination);
                }

                result ??= DeliveryResult.Failed($"cluster '{target.ClusterId}' has no available destination");
            }
        }
        catch (Exception e)
        {
            // Containment: whatever goes wrong (a handler bug, an address only the OS refuses) is this delivery's failure.
            result = DeliveryResult.Failed($"{e.GetType().Name}: {e.Message}");
        }

        metrics.TargetCalled(target.ClusterId, result.Delivered, time.GetElapsedTime(started));
        return result;
    }

    private async Task<(DeliveryResult Result, AttemptOutcome Outcome)> AttemptAsync(ClusterState cluster, DestinationState destination, HttpMessageInvoker client, OutgoingPush outgoing, string idempotencyKey, RelayOptions options, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(cluster.ClusterId, destination.DestinationId, options.Resilience);
        using var inFlight = picker.Start(destination);
        var closed = pipeline.Circuit.CircuitState == CircuitState.Closed;
        // A closed circuit is told what happened after the call (below): its context carries no token, or a timeout
        // firing at that moment would be counted instead of the answer that came.
        var context = ResilienceContextPool.Shared.Get(closed ? CancellationToken.None : cancellationToken);
        pipelines.Started(context);
        try
        {
            // Built before the circuit is asked (nothing is sent if it refuses).
            using var request = TargetRequest.Build(outgoing, idempotencyKey, destination.Model.Config.Address, cluster);
            Outcome<HttpResponseMessage> sent;
            if (closed)
            {
                // The usual case: a closed circuit lets every call through, so the request is sent here and its
                // outcome then given to the circuit, which counts it (health, the failure rule) synchronously: Polly's
                // asynchronous layers, four state machines a push, are spared. In any other state the call goes
                // through Polly, which alone decides what a half-open circuit lets through.
                try
                {
                    sent = Outcome.FromResult(await client.SendAsync(request, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    sent = Outcome.FromException<HttpResponseMessage>(e);
                }

                // Its own answer (refused, if the circuit opened meanwhile) changes nothing: the request was sent.
                await pipeline.Pipeline.ExecuteOutcomeAsync(static (_, known) => ValueTask.FromResult(known), context, sent).ConfigureAwait(false);
            }
            else
            {
                // The outcome rather than a rethrown exception: a refusing circuit (every push to a dead destination)
                // costs no throw.
                sent = await pipeline.Pipeline.ExecuteOutcomeAsync(SendOutcomeAsync, context, (client, request)).ConfigureAwait(false);
            }

            if (sent.Exception is { } failed)
            {
                return Failure(failed, cluster, destination, options);
            }

            using var response = sent.Result!;
            var body = await TargetRequest.ReadBoundedAsync(response.Content, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? (new DeliveryResult(true, status, body ?? [], null), AttemptOutcome.MayHaveReached)
                : (DeliveryResult.Failed($"{destination.DestinationId} answered {status}", status), AttemptOutcome.MayHaveReached);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return Failure(e, cluster, destination, options); // while reading the answer
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Polly's callback: what the destination did, as an outcome (the contract of ExecuteOutcomeAsync: it never throws).
    private static async ValueTask<Outcome<HttpResponseMessage>> SendOutcomeAsync(ResilienceContext context, (HttpMessageInvoker Client, HttpRequestMessage Request) state)
    {
        try
        {
            return Outcome.FromResult(await state.Client.SendAsync(state.Request, context.CancellationToken).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }
    }

    private (DeliveryResult Result, AttemptOutcome Outcome) Failure(Exception failure, ClusterState cluster, DestinationState destination, RelayOptions options)
    {
        var id = destination.DestinationId;
        switch (failure)
        {
            case BrokenCircuitException:
                return (DeliveryResult.Failed($"{id}: circuit open"), AttemptOutcome.CircuitOpen);
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } e:
                picker.MarkUnreachable(cluster, destination, options);
                return (DeliveryResult.Failed($"{id}: connection failed ({e.HttpRequestError})"), AttemptOutcome.NotReached);
            case HttpRequestException e:
                return (DeliveryResult.Failed($"{id}: {e.HttpRequestError}"), AttemptOutcome.MayHaveReached);
            case OperationCanceledException:
                return (DeliveryResult.Failed($"{id}: no answer within the delivery timeout ({options.DeliveryTimeout})"), AttemptOutcome.MayHaveReached);
            default:
                // A handler bug or an answer cut off mid-body: the request may have arrived, so it is not sent elsewhere.
                return (DeliveryResult.Failed($"{id}: {failure.GetType().Name}: {failure.Message}"), AttemptOutcome.MayHaveReached);
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
