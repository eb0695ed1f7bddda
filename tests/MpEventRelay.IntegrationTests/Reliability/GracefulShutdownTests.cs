using Microsoft.Data.Sqlite;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Reliability;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stopping_waits_for_the_replier_in_flight_and_settles_its_delivery()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(3.5));
        var database = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db");
        var config = RelayConfig.ModeTwo(idaas, bot).SqlitePath(database).Set("Deadline", "00:00:02").Set("DeliveryTimeout", "00:00:06");
        // Deadline 2 s: the store's per-call budget is a quarter of it, 0.5 s as in production (1 s left a cold SQLite
        // write on a loaded machine 0.25 s, and the push an honest 503 — seen once in CI).
        var relay = await RelayServer.StartAsync(config.ToJson());
        using var http = new HttpClient(); // the relay's own client is disposed with it
        var push = new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("in flight at shutdown", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.True(await Eventually.TrueAsync(() => bot.Received.Count == 1));

        var stopping = relay.DisposeAsync();
        var answer = await push;
        await stopping;

        // WeChat had its answer at the deadline; the replier's answer arrived after it, during the shutdown, which
        // waited for it: delivered once, and the outbox record written at the deadline settled (nothing left to retry).
        Assert.Equal(200, answer.StatusCode);
        Assert.Single(bot.Accepted);
        Assert.Equal(0L, await PendingRows(database));
    }

    private static async Task<long> PendingRows(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM outbox";
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
