using Microsoft.Data.Sqlite;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using MpEventRelay.Tests.Infrastructure;

namespace MpEventRelay.Tests.Reliability;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stopping_lets_the_push_in_flight_finish_and_leaves_its_delivery_in_the_outbox()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromSeconds(4));
        var database = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db");
        var config = RelayConfig.ModeTwo(idaas, bot).SqlitePath(database).Set("Deadline", "00:00:01").Set("DeliveryTimeout", "00:00:02");
        var relay = await RelayServer.StartAsync(config.ToJson());
        using var http = new HttpClient(); // the relay's own client is disposed with it
        var push = new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("in flight at shutdown", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.True(await Eventually.TrueAsync(() => bot.Received.Count == 1));

        var stopping = relay.DisposeAsync();
        var answer = await push;
        await stopping;

        Assert.Equal(200, answer.StatusCode);
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM outbox WHERE dead = 0";
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}
