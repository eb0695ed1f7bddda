using Polly;
using Polly.CircuitBreaker;

namespace MpEventRelay.Storage;

/// <summary>
/// Every call to one store (Redis, the SQLite file) goes through its guard: a time budget per call (a hung Redis
/// accepts connections and never answers; StackExchange.Redis would wait its own timeout) and a circuit breaker, so
/// a store that is down costs microseconds, not a timeout per push. Whatever a store throws, the caller sees a
/// <see cref="StoreUnavailableException"/> and takes its fall-back path.
/// </summary>
internal sealed class StoreGuard
{
    /// <summary>The budget of calls off the request path (the worker, settling a delivery): long, but never endless.</summary>
    public static readonly TimeSpan BackgroundBudget = TimeSpan.FromSeconds(10);

    private readonly ResiliencePipeline _pipeline;
    private readonly Func<TimeSpan> _callTimeout;
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private int _consecutiveFailures;

    public StoreGuard(string name, Func<TimeSpan> callTimeout, TimeProvider time)
    {
        Name = name;
        _callTimeout = callTimeout;
        _time = time;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time, Name = "store-" + name }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(5),
                StateProvider = _circuit,
            })
            .Build();
    }

    public string Name { get; }

    /// <summary>True once a call has succeeded: the store is open and its code paths are warm.</summary>
    public bool HasAnswered { get; private set; }

    /// <summary>True once a call has succeeded or failed: the store's state is known (a Redis still connecting is not).</summary>
    public bool HasBeenTried => HasAnswered || Volatile.Read(ref _consecutiveFailures) > 0 || _circuit.CircuitState != CircuitState.Closed;

    /// <summary>False while the breaker is open or after three failures in a row (one slow call is not an outage).</summary>
    public bool IsHealthy =>
        _circuit.CircuitState is CircuitState.Closed or CircuitState.HalfOpen && Volatile.Read(ref _consecutiveFailures) < 3;

    /// <summary>The last failure's reason, for readiness and logs.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Runs <paramref name="call"/> within <paramref name="budget"/> (default: the request path's call timeout).</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        var limit = budget ?? _callTimeout();
        try
        {
            var result = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var attempt = new TimeBudget(limit, _time, token);
                    try
                    {
                        return await call(attempt.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (attempt.Expired && !token.IsCancellationRequested)
                    {
                        throw new TimeoutException($"no answer within {limit.TotalMilliseconds:0} ms");
                    }
                },
                cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _consecutiveFailures, 0);
            HasAnswered = true;
            return result;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LastFailure = e switch
            {
                BrokenCircuitException => "circuit open after repeated failures",
                TimeoutException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            };
            if (e is not BrokenCircuitException)
            {
                Interlocked.Increment(ref _consecutiveFailures);
            }

            throw new StoreUnavailableException(Name, LastFailure, e);
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken, TimeSpan? budget = null) =>
        RunAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken,
            budget);
}
