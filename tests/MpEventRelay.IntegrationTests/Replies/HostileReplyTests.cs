using System.Text;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Replies;

/// <summary>
/// A bot (or one who controls it) answering with replies WeChat would read differently or refuse: WeChat's elements
/// again in a namespace, text over 2,048 bytes, 250 KB of text, 10,000 news items. The relay as its own process,
/// Production: none is passed on, passively or late by the customer-service API; WeChat gets success; the metric says
/// why. A well-formed reply in the same run does go through both ways, so the refusals are not an API that never runs.
/// </summary>
public sealed class HostileReplyTests(ITestOutputHelper output)
{
    private const string Victim = "oVICTIMxxxxxxxxxxxxxxxxxxxxx";

    [Fact]
    public async Task Hostile_replies_are_not_passed_on_and_nothing_reaches_custom_send()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var api = new WeChatApiStub();
        bot.AnswerWith(push => (200, Hostile(push.Open(Keys.Bot).Message)));
        var workDir = RelayProcess.NewWorkDirectory();
        var config = RelayConfig.ModeTwo(idaas, bot).WeChatApi(api, attemptTimeout: "00:00:04").Set("Deadline", "00:00:02");
        using var relay = await RelayProcess.StartAsync(workDir, config.ToJson());
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);
        string[] hostile = ["ns-to", "ns-content", "big-text", "huge-text", "many-news"];

        // Passive: the bot answers at once.
        foreach (var kind in hostile)
        {
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text(kind, Pushes.NewMsgId()), EncryptionMode.Secure);
            Assert.Equal(200, answer.StatusCode);
            Assert.Null(answer.Reply);
        }

        var fine = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("fine", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Equal("fine reply", fine.Reply?.Fields.Content);

        // Late: the bot answers after the deadline, when the reply would go to message/custom/send.
        bot.Delay(TimeSpan.FromSeconds(3));
        await Task.WhenAll(hostile.Append("fine").Select(kind => wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text(kind, Pushes.NewMsgId()), EncryptionMode.Secure)));

        Dictionary<string, double> metrics = [];
        Assert.True(await Eventually.TrueAsync(
            () => Refused(metrics = PrometheusText.ScrapeAsync(http, relay).Result, "") == 10 && api.Sent.Count == 1,
            TimeSpan.FromSeconds(20)), $"refused {Refused(metrics, "")}, sent {api.Sent.Count}");
        output.WriteLine($"10 hostile replies (5 passive, 5 late): refused as duplicate-element {Refused(metrics, "duplicate-element")}, over-limit {Refused(metrics, "over-limit")}; custom/send got {api.Sent.Count} (the well-formed late one)");
        Assert.Equal(4, Refused(metrics, "duplicate-element"));
        Assert.Equal(6, Refused(metrics, "over-limit"));
        Assert.Equal("fine reply", Assert.Single(api.Sent).Body.GetProperty("text").GetProperty("content").GetString());
        Assert.DoesNotContain(Victim, relay.Output, StringComparison.Ordinal);
    }

    private static double Refused(Dictionary<string, double> metrics, string reason) =>
        metrics.Where(m => m.Key.StartsWith("mprelay_replies_refused_total{", StringComparison.Ordinal) && m.Key.Contains($"reason=\"{reason}", StringComparison.Ordinal)).Sum(m => m.Value);

    private static byte[] Hostile(PushMessage push)
    {
        var head = $"<FromUserName>{push.ToUserName}</FromUserName><CreateTime>1714112446</CreateTime>";
        var to = $"<ToUserName>{push.FromUserName}</ToUserName>";
        var xml = push.Content switch
        {
            "ns-to" => $"<xml><ToUserName xmlns=\"urn:x\">{Victim}</ToUserName>{to}{head}<MsgType>text</MsgType><Content>hi</Content></xml>",
            "ns-content" => $"<xml>{to}{head}<MsgType>text</MsgType><Content xmlns=\"urn:x\">click http://phish.example</Content><Content>hi</Content></xml>",
            "big-text" => $"<xml>{to}{head}<MsgType>text</MsgType><Content>{new string('x', 3 * 1024)}</Content></xml>",
            "huge-text" => $"<xml>{to}{head}<MsgType>text</MsgType><Content>{new string('x', 250 * 1024)}</Content></xml>",
            "many-news" => $"<xml>{to}{head}<MsgType>news</MsgType><ArticleCount>10000</ArticleCount><Articles>{string.Concat(Enumerable.Repeat("<item/>", 10_000))}</Articles></xml>",
            _ => Encoding.UTF8.GetString(ReplyWriter.Text(push, "fine reply", 1714112446)),
        };
        return Encoding.UTF8.GetBytes(xml);
    }
}
