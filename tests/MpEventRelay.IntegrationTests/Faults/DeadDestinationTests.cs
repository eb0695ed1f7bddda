using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using Xunit.Abstractions;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace MpEventRelay.IntegrationTests.Faults;

/// <summary>A cluster of two bot destinations; one is killed while replying pushes are in flight.</summary>
public sealed class DeadDestinationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("PowerOfTwoChoices")]
    [InlineData("LeastRequests")]
    [InlineData("RoundRobin")]
    public async Task Each_push_gets_the_live_destinations_reply_and_the_dead_one_is_marked_and_reactivated(string policy)
    {
        using var idaas = new TargetStub();
        var a = new TargetStub();
        using var b = new TargetStub();
        a.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "from a", 1714112446)));
        b.AnswerWith(push => (200, ReplyWriter.Text(push.Open(Keys.Bot).Message, "from b", 1714112446)));
        var config = JsonNode.Parse(RelayConfig.ModeTwo(idaas, a).Cluster("bot", a.Address, b.Address).ToJson())!;
        config["ReverseProxy"]!["Clusters"]!["bot"]!["LoadBalancingPolicy"] = policy;
        config["ReverseProxy"]!["Clusters"]!["bot"]!["HealthCheck"] = new JsonObject { ["Passive"] = new JsonObject { ["Enabled"] = true, ["ReactivationPeriod"] = "00:00:02" } };
        await using var relay = await RelayServer.StartAsync(config.ToJsonString());
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);
        const int Concurrency = 8;
        var replies = new System.Collections.Concurrent.ConcurrentBag<string?>();
        var sent = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        int beforeKillA = 0, beforeKillB = 0;

        async Task Pushes(int count)
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
            {
                var message = Infrastructure.Pushes.From().Text($"push {i}", Infrastructure.Pushes.NewMsgId());
                sent.Add(message);
                var answer = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
                Assert.Equal(200, answer.StatusCode);
                replies.Add(answer.Reply?.Fields.Content);
            });
        }

        var first = Pushes(100);
        Assert.True(await Eventually.TrueAsync(() => replies.Count >= 50));
        beforeKillA = a.Accepted.Count;
        beforeKillB = b.Accepted.Count;
        var deadAddress = a.Address;
        a.Dispose(); // killed with pushes in flight
        await first;
        await Pushes(100);

        var fromB = replies.Count(r => r == "from b");
        var noReply = replies.Count(r => r is null);
        output.WriteLine($"{policy}: before the kill a={beforeKillA} b={beforeKillB}; 200 pushes: {replies.Count(r => r == "from a")} replied by a, {fromB} by b, {noReply} answered success (in flight at a when it died)");
        Assert.True(beforeKillA > 5 && beforeKillB > 5, $"load not spread: a={beforeKillA} b={beforeKillB}");
        Assert.True(noReply <= Concurrency, $"{noReply} pushes got no reply");

        var lookup = relay.Services.GetRequiredService<IProxyStateLookup>();
        lookup.TryGetCluster("bot", out var cluster);
        var dead = cluster!.Destinations.Values.Single(d => d.Model.Config.Address == deadAddress);
        var live = cluster.Destinations.Values.Single(d => d.Model.Config.Address != deadAddress);
        output.WriteLine($"{policy}: dead destination passive health {dead.Health.Passive}, live {live.Health.Passive}");
        Assert.NotEqual(DestinationHealth.Unhealthy, live.Health.Passive); // no cluster-wide failure
        Assert.True(await Eventually.TrueAsync(() => dead.Health.Passive != DestinationHealth.Unhealthy, TimeSpan.FromSeconds(10)), "the dead destination was never reactivated");

        // Nothing accepted is lost: the pushes in flight at a when it died reach b through the outbox.
        Assert.True(await Eventually.TrueAsync(() => DeliveryCount.Of(sent.ToList(), [.. b.Accepted], Keys.Bot).Delivered + DeliveryCount.Of(sent.ToList(), [.. a.Accepted], Keys.Bot).Delivered >= sent.Count, TimeSpan.FromSeconds(20)));
    }
}
