using System.Collections.Concurrent;
using MpEventRelay.Configuration;
using MpEventRelay.Observability;
using Polly;
using Polly.CircuitBreaker;

namespace MpEventRelay.Delivery;

/// <summary>
/// One Polly circuit breaker per destination, never per cluster: one dead destination opens its own circuit only.
/// No retry and no aborting timeout here: a request whose body was sent is never sent again by the HTTP layer, and
/// abandoning it early would only make the outbox send it again (a bot that answers in 6 s would get it twice).
/// The request waits up to the delivery timeout; an answer slower than <c>AttemptTimeout</c>, a 5xx/408/429, no
/// connection or no answer at all counts as a failure of that destination.
/// A change of <c>Relay:Resilience</c> builds fresh pipelines (and fresh circuits) on the next delivery.
/// </summary>
internal sealed partial class DestinationPipelines(RelayMetrics metrics, TimeProvider time, ILogger<DestinationPipelines> logger)
{
    private static readonly ResiliencePropertyKey<long> StartedKey = new("mprelay.attempt.started");
    private readonly ConcurrentDictionary<(string Cluster, string Destination), Entry> _pipelines = new();

    /// <summary>Marks an attempt's start in its context, for the slow-answer rule.</summary>
    public void Started(ResilienceContext context) => context.Properties.Set(StartedKey, time.GetTimestamp());

    public Entry For(string cluster, string destination, ResilienceOptions options)
    {
        var key = (cluster, destination);
        if (_pipelines.TryGetValue(key, out var entry) && entry.Options == options)
        {
            return entry;
        }

        return _pipelines.AddOrUpdate(key, _ => Build(cluster, destination, options), (_, existing) => existing.Options == options ? existing : Build(cluster, destination, options));
    }

    private Entry Build(string cluster, string destination, ResilienceOptions options)
    {
        var state = new CircuitBreakerStateProvider();
        metrics.CircuitChanged(cluster, destination, 0);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, Name = $"{cluster}/{destination}" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome, args.Context, options.AttemptTimeout)),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(options.MinimumThroughput, 2),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = state,
                OnOpened = args =>
                {
                    metrics.CircuitChanged(cluster, destination, 2);
                    LogOpened(cluster, destination, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    metrics.CircuitChanged(cluster, destination, 1);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    metrics.CircuitChanged(cluster, destination, 0);
                    LogClosed(cluster, destination);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        return new Entry(options, pipeline, state);
    }

    private bool IsFailure(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan attemptTimeout) =>
        outcome.Exception is not null
        || outcome.Result is { StatusCode: >= System.Net.HttpStatusCode.InternalServerError or System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.TooManyRequests }
        || (context.Properties.TryGetValue(StartedKey, out var started) && time.GetElapsedTime(started) > attemptTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit opened for destination {Destination} of cluster {Cluster} for {BreakDuration}; deliveries go to the cluster's other healthy destinations, or wait in the outbox if it has none")]
    private partial void LogOpened(string cluster, string destination, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit closed for destination {Destination} of cluster {Cluster}")]
    private partial void LogClosed(string cluster, string destination);

    /// <summary>A destination's pipeline, the options it was built from, and its circuit's state.</summary>
    internal sealed record Entry(ResilienceOptions Options, ResiliencePipeline<HttpResponseMessage> Pipeline, CircuitBreakerStateProvider Circuit);
}
