using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using MpEventRelay.Tests.Infrastructure;

namespace MpEventRelay.Tests.Operations;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_show_the_listed_series_after_a_sample_run()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).Set("Deadline", "00:00:00.3").ToJson());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        var login = Pushes.From().Subscribe("login_m");
        await wechat.PushAsync(relay.Url("/wechat/main"), login, EncryptionMode.Secure);
        await wechat.PushAsync(relay.Url("/wechat/main"), login, EncryptionMode.Secure); // a retry: a dedup hit
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Plaintext);
        bot.Delay(TimeSpan.FromSeconds(1));
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Click("SLOW"), EncryptionMode.Secure); // a deadline miss

        string metrics = string.Empty;
        Assert.True(await Eventually.TrueAsync(() => (metrics = relay.Http.GetStringAsync("/metrics").Result).Contains("mprelay_outbox_pending", StringComparison.Ordinal)));

        string[] series =
        [
            "mprelay_pushes_total{", "route=\"login\"", "outcome=\"deadline-missed\"",
            "mprelay_push_duration_seconds_bucket{", "mprelay_target_duration_seconds_bucket{", "target=\"idaas\"",
            "mprelay_deadline_misses_total{", "mprelay_dedup_hits_total", "mprelay_outbox_pending{", "mprelay_outbox_dead{",
            "mprelay_outbox_oldest_age_seconds{", "mprelay_circuit_state{", "mprelay_destination_healthy{",
        ];
        foreach (var name in series)
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }
    }
}
