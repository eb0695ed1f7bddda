using Microsoft.Extensions.Logging.Abstractions;
using MpEventRelay.Inbound;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;

namespace MpEventRelay.UnitTests.Inbound;

/// <summary>The request line's properties: set when the request log writes its line, not built per push when it does not.</summary>
public sealed class InboundLogTests
{
    [Fact]
    public void The_request_line_gets_the_account_route_outcome_and_masked_OpenID()
    {
        var properties = Collect(LogEventLevel.Information, log =>
        {
            log.Outcome(TestModel.Account(), TestModel.Account().Routes[0], "delivered");
            log.OpenId("oUserWithALongOpenId1234");
        });

        Assert.Equal("account main, route everything, target bot, outcome delivered", ((ScalarValue)properties["Relay"]).Value);
        Assert.DoesNotContain("oUserWithALongOpenId1234", properties["OpenId"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Below_Information_nothing_is_built_for_a_line_that_is_not_written()
    {
        var properties = Collect(LogEventLevel.Warning, log =>
        {
            log.Outcome(TestModel.Account(), null, "rejected");
            log.OpenId("oUser");
        });

        Assert.Empty(properties);
    }

    [Fact]
    public void An_override_for_the_request_log_alone_counts()
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Warning().MinimumLevel.Override("Serilog.AspNetCore.RequestLoggingMiddleware", LogEventLevel.Information);

        var properties = Collect(configuration, log => log.Outcome(TestModel.Account(), null, "verified"));

        Assert.Contains("Relay", properties.Keys);
    }

    private static Dictionary<string, LogEventPropertyValue> Collect(LogEventLevel level, Action<InboundLog> act) =>
        Collect(new LoggerConfiguration().MinimumLevel.Is(level), act);

    private static Dictionary<string, LogEventPropertyValue> Collect(LoggerConfiguration configuration, Action<InboundLog> act)
    {
        using var logger = configuration.CreateLogger();
        var diagnostics = new DiagnosticContext(logger);
        using var collector = diagnostics.BeginCollection();

        act(new InboundLog(diagnostics, NullLogger<InboundLog>.Instance, logger));

        Assert.True(collector.TryComplete(out var properties, out _));
        return properties!.ToDictionary(p => p.Name, p => p.Value);
    }
}
