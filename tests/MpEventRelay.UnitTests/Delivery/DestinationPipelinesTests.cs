using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Delivery;
using Polly;
using Polly.CircuitBreaker;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>One circuit per destination; what counts as a failure; a slow answer is a failure, not an abandoned request.</summary>
public sealed class DestinationPipelinesTests
{
    private static readonly ResilienceOptions Options = new() { MinimumThroughput = 2, FailureRatio = 0.5, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(10), AttemptTimeout = TimeSpan.FromSeconds(4) };
    private readonly FakeTimeProvider _time = new();
    private readonly Observability.RelayMetrics _metrics;
    private readonly DestinationPipelines _pipelines;

    public DestinationPipelinesTests()
    {
        _metrics = TestMetrics.Create(_time);
        _pipelines = new DestinationPipelines(_metrics, _time, NullLogger<DestinationPipelines>.Instance);
    }

    [Fact]
    public async Task The_circuits_state_is_reported_closed_open_half_open_and_closed_again()
    {
        _pipelines.For("bot", "a", Options);
        Assert.Equal(0, _metrics.CircuitOf("bot", "a"));
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);
        Assert.Equal(2, _metrics.CircuitOf("bot", "a"));

        _time.Advance(Options.BreakDuration);
        var duringProbe = -1;
        await SendAsync("bot", "a", HttpStatusCode.OK, beforeAnswer: () => duringProbe = _metrics.CircuitOf("bot", "a"));

        Assert.Equal(1, duringProbe);
        Assert.Equal(0, _metrics.CircuitOf("bot", "a"));
        Assert.Equal(0, _metrics.CircuitOf("bot", "b"));
    }

    [Fact]
    public async Task A_fresh_pipeline_reports_its_circuit_closed_again()
    {
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);

        _pipelines.For("bot", "a", Options with { BreakDuration = TimeSpan.FromSeconds(20) });

        Assert.Equal(0, _metrics.CircuitOf("bot", "a"));
    }

    [Fact]
    public async Task An_answer_at_exactly_the_attempt_timeout_is_not_a_failure()
    {
        for (var i = 0; i < 2; i++)
        {
            await SendAsync("bot", "a", HttpStatusCode.OK, beforeAnswer: () => _time.Advance(Options.AttemptTimeout));
        }

        Assert.Equal(CircuitState.Closed, _pipelines.For("bot", "a", Options).Circuit.CircuitState);
    }

    [Fact]
    public async Task One_failure_never_opens_a_circuit_whatever_the_configured_minimum()
    {
        var eager = Options with { MinimumThroughput = 1 };
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable, options: eager);
        Assert.Equal(CircuitState.Closed, _pipelines.For("bot", "a", eager).Circuit.CircuitState);

        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable, options: eager);
        Assert.Equal(CircuitState.Open, _pipelines.For("bot", "a", eager).Circuit.CircuitState);
    }

    [Fact]
    public async Task A_failing_destination_opens_its_own_circuit_only()
    {
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);
        await SendAsync("bot", "a", HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<BrokenCircuitException>(() => SendAsync("bot", "a", HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("bot", "b", HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("idaas", "a", HttpStatusCode.OK));

        _time.Advance(Options.BreakDuration);
        Assert.Equal(HttpStatusCode.OK, await SendAsync("bot", "a", HttpStatusCode.OK)); // the half-open probe
        Assert.Equal(CircuitState.Closed, _pipelines.For("bot", "a", Options).Circuit.CircuitState);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public async Task What_counts_as_a_failure(HttpStatusCode status, bool failure)
    {
        await SendAsync("bot", "a", status);
        await SendAsync("bot", "a", status);

        Assert.Equal(failure ? CircuitState.Open : CircuitState.Closed, _pipelines.For("bot", "a", Options).Circuit.CircuitState);
    }

    [Fact]
    public async Task An_answer_slower_than_the_attempt_timeout_counts_as_a_failure_but_is_still_received()
    {
        for (var i = 0; i < 2; i++)
        {
            var status = await SendAsync("bot", "a", HttpStatusCode.OK, beforeAnswer: () => _time.Advance(TimeSpan.FromSeconds(5)));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(CircuitState.Open, _pipelines.For("bot", "a", Options).Circuit.CircuitState);
    }

    [Fact]
    public async Task No_connection_and_no_answer_count_as_failures()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync("bot", "a", HttpStatusCode.OK, beforeAnswer: () => throw new HttpRequestException(HttpRequestError.ConnectionError)));
        await Assert.ThrowsAsync<OperationCanceledException>(() => SendAsync("bot", "a", HttpStatusCode.OK, beforeAnswer: () => throw new OperationCanceledException()));

        Assert.Equal(CircuitState.Open, _pipelines.For("bot", "a", Options).Circuit.CircuitState);
    }

    [Fact]
    public void Changed_options_build_a_fresh_pipeline_the_same_options_keep_it()
    {
        var first = _pipelines.For("bot", "a", Options);

        Assert.Same(first, _pipelines.For("bot", "a", Options with { }));
        Assert.NotSame(first, _pipelines.For("bot", "a", Options with { BreakDuration = TimeSpan.FromSeconds(20) }));
    }

    private async Task<HttpStatusCode> SendAsync(string cluster, string destination, HttpStatusCode status, Action? beforeAnswer = null, ResilienceOptions? options = null)
    {
        var entry = _pipelines.For(cluster, destination, options ?? Options);
        var context = ResilienceContextPool.Shared.Get();
        _pipelines.Started(context);
        try
        {
            using var response = await entry.Pipeline.ExecuteAsync(
                _ =>
                {
                    beforeAnswer?.Invoke();
                    return ValueTask.FromResult(new HttpResponseMessage(status));
                },
                context);
            return response.StatusCode;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
