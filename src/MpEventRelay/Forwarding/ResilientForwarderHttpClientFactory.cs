using Microsoft.Extensions.Http.Resilience;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using Polly;
using Yarp.ReverseProxy.Forwarder;

namespace MpEventRelay.Forwarding;

/// <summary>
/// YARP's client factory, with each cluster's handler wrapped in its own Polly pipeline (retry of transient failures,
/// circuit breaker, per-attempt timeout), so a dead target costs microseconds once its circuit is open.
/// </summary>
internal sealed class ResilientForwarderHttpClientFactory(RelayModelProvider models, Observability.RelayMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
    {
        var inner = base.WrapHandler(context, handler);
        var pipeline = BuildPipeline(context.ClusterId, models.Current.Options.Resilience);
        return new DeliveryResilienceHandler(pipeline) { InnerHandler = inner };
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(string clusterId, ResilienceOptions options)
    {
        var logger = loggers.CreateLogger<ResilientForwarderHttpClientFactory>();
        metrics.CircuitChanged(clusterId, 0);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, Name = clusterId };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = false,
            });
        }

        return builder
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(options.MinimumThroughput, 2),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args =>
                {
                    metrics.CircuitChanged(clusterId, 2);
                    logger.LogWarning("Circuit opened for cluster {Cluster} for {BreakDuration}", clusterId, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    metrics.CircuitChanged(clusterId, 1);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    metrics.CircuitChanged(clusterId, 0);
                    logger.LogInformation("Circuit closed for cluster {Cluster}", clusterId);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
    }
}
