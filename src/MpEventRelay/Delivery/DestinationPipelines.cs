using System.Collections.Concurrent;
using Microsoft.Extensions.Http.Resilience;
using MpEventRelay.Configuration;
using Polly;
using Polly.CircuitBreaker;

namespace MpEventRelay.Delivery;

/// <summary>
/// One Polly pipeline per destination (circuit breaker, attempt timeout), never per cluster: one dead destination
/// opens its own circuit only. No retry strategy here: a request whose body was sent is never sent again by the HTTP
/// layer (the outbox retries, with the same Idempotency-Key); failover on "not reached" is the sender's.
/// A change of <c>Relay:Resilience</c> builds fresh pipelines (and fresh circuits) on the next delivery.
/// </summary>
internal sealed partial class DestinationPipelines(Observability.RelayMetrics metrics, TimeProvider time, ILogger<DestinationPipelines> logger)
{
    private readonly ConcurrentDictionary<(string Cluster, string Destination), Entry> _pipelines = new();

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
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
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
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
        return new Entry(options, pipeline, state);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit opened for destination {Destination} of cluster {Cluster} for {BreakDuration}; deliveries go to its other destinations")]
    private partial void LogOpened(string cluster, string destination, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit closed for destination {Destination} of cluster {Cluster}")]
    private partial void LogClosed(string cluster, string destination);

    /// <summary>A destination's pipeline, the options it was built from, and its circuit's state.</summary>
    internal sealed record Entry(ResilienceOptions Options, ResiliencePipeline<HttpResponseMessage> Pipeline, CircuitBreakerStateProvider Circuit);
}
