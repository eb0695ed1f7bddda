using System.Text.Json;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>
/// Two replicas on one Redis (their own processes, Production, storage from the environment): a login through the
/// first is found by its OpenID through the second's admin API, and stays found once the first is killed.
/// </summary>
public sealed class SharedTrailTests(ITestOutputHelper output)
{
    private const string AdminKey = "shared-trail-admin-key-0123456789";

    [Fact]
    public async Task A_login_through_one_replica_is_found_through_the_other_even_after_the_first_is_killed()
    {
        using var redis = OwnRedisServer.Start();
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var prefix = $"t{Guid.NewGuid():N}:";
        var environment = new Dictionary<string, string> { ["Relay__Admin__Key"] = AdminKey };
        using var survivor = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot), redis.Configuration, prefix, environment);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var user = Pushes.NewOpenId();
        using (var first = await RelayProcess.StartReplicaAsync(RelayConfig.ModeTwo(idaas, bot), redis.Configuration, prefix, environment))
        {
            var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(first.Url("/wechat/main"), Pushes.From(user).Subscribe("login_shared"), EncryptionMode.Secure);
            Assert.Equal(200, answer.StatusCode);
            Assert.True(await Eventually.TrueAsync(() => Found(http, survivor, user).Result.GetArrayLength() == 1, TimeSpan.FromSeconds(10)), "the second replica does not see the first's login");
            first.KillHard();
        }

        var trails = await Found(http, survivor, user);
        var login = trails[0];
        output.WriteLine($"found through the other replica after the first was killed: {login}");
        Assert.Equal("login", login.GetProperty("route").GetString());
        Assert.Equal("event/subscribe", login.GetProperty("kind").GetString());
        Assert.Contains(login.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "delivery" && e.GetProperty("target").GetString() == "idaas");
        Assert.Equal(idaas.Received[0].Headers["Idempotency-Key"], login.GetProperty("id").GetString());
    }

    private static async Task<JsonElement> Found(HttpClient http, RelayProcess relay, string openId) =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(relay.ManagementAddress, $"/admin/trail?openid={openId}"))).RootElement.Clone();
}
