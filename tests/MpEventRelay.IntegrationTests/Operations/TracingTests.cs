using System.Collections.Concurrent;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>
/// The published relay with tracing turned on the standard way (OTEL_EXPORTER_OTLP_* variables) against an OTLP/HTTP
/// receiver stand-in: one trace per push, the expected spans exported, and <c>traceparent</c> at the target.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Each_push_is_one_trace_with_its_spans_exported_and_its_traceparent_at_the_target()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var collector = WireMockServer.Start();
        var exported = new ConcurrentQueue<byte[]>();
        collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            exported.Enqueue(request.BodyAsBytes ?? []);
            return new WireMock.ResponseMessage { StatusCode = 200 };
        }));
        var workDir = RelayProcess.NewWorkDirectory();
        using var relay = await RelayProcess.StartAsync(workDir, RelayConfig.ModeTwo(idaas, bot).ToJson(), new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls[0],
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);

        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("traced one", Pushes.NewMsgId()), EncryptionMode.Secure);
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("traced two", Pushes.NewMsgId()), EncryptionMode.Secure);

        var traceIds = bot.Received.Select(p => p.Headers.TryGetValue("traceparent", out var value) ? value.Split('-')[1] : null).ToList();
        Assert.Equal(2, traceIds.Count);
        Assert.All(traceIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.NotEqual(traceIds[0], traceIds[1]);

        // OTLP protobuf carries span names as UTF-8 and trace ids as their 16 raw bytes.
        string[] spans = ["mprelay.push", "mprelay.decode", "mprelay.route", "mprelay.deliver", "mprelay.reply"];
        Assert.True(await Eventually.TrueAsync(() =>
        {
            var all = exported.SelectMany(b => b).ToArray();
            return spans.All(name => Contains(all, System.Text.Encoding.UTF8.GetBytes(name)))
                && traceIds.All(id => Contains(all, Convert.FromHexString(id!)));
        }, TimeSpan.FromSeconds(15)), $"the collector got {exported.Count} export(s); relay output:\n{relay.Output}");
    }

    [Fact]
    public async Task Off_no_activity_is_started_so_no_traceparent_reaches_a_target()
    {
        // While ASP.NET Core's hosting logger was on at any level, each request got an Activity and each delivery a
        // child one with a traceparent header, tracing or not (about 2 KB a push).
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var relay = await RelayProcess.StartAsync(RelayProcess.NewWorkDirectory(), RelayConfig.ModeTwo(idaas, bot).ToJson());
        using var http = new HttpClient();

        var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("untraced", Pushes.NewMsgId()), EncryptionMode.Secure);

        Assert.Equal(200, answer.StatusCode);
        Assert.False(Assert.Single(bot.Received).Headers.ContainsKey("traceparent"));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
