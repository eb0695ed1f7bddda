using System.Net;
using System.Net.Sockets;
using System.Text;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Security;

/// <summary>
/// 1,200 connections each announcing a 256 KB body and trickling it at 800 B/s (fast enough for Kestrel's minimum
/// data rate), against the relay as a process with a 256 MB heap limit. Loopback only, bounded in count and time.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class SlowBodyAttackTests(ITestOutputHelper output)
{
    private const int Connections = 1200;

    [Fact]
    public async Task The_relay_survives_a_256_MB_heap_and_answers_genuine_pushes_meanwhile()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var work = RelayProcess.NewWorkDirectory();
        var config = RelayConfig.ModeTwo(idaas, bot).SqlitePath(Path.Combine(work, "outbox.db")).ToJson();
        using var relay = await RelayProcess.StartAsync(work, config, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var wechat = new WeChatPushClient(http, Keys.Account);

        var attackers = new List<Socket>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(7));
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, relay.BaseAddress.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /wechat/main?signature=x&timestamp=1&nonce=1 HTTP/1.1\r\nHost: relay\r\nContent-Length: 262144\r\n\r\n"));
                attackers.Add(socket);
            }

            var trickle = TrickleAsync(attackers, stop.Token);
            var genuine = 0;
            while (!stop.IsCancellationRequested)
            {
                var answer = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text($"during the attack {genuine}", Pushes.NewMsgId()), EncryptionMode.Secure);
                Assert.Equal(200, answer.StatusCode);
                genuine++;
                await Task.Delay(250); // a genuine push every quarter second while the attack runs
            }

            await trickle;
            output.WriteLine($"{Connections} slow bodies for 7 s under a 256 MB heap: {genuine} genuine pushes answered 200; relay alive: {!relay.HasExited}");
            Assert.False(relay.HasExited, relay.Output);
            Assert.True(genuine >= 10);
            Assert.True(await Eventually.TrueAsync(() => bot.Accepted.Count == genuine), $"bot got {bot.Accepted.Count} of {genuine}");
            Assert.DoesNotContain("OutOfMemory", relay.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in attackers)
            {
                socket.Dispose();
            }
        }
    }

    // 100 bytes per connection every 125 ms: 800 B/s each, above Kestrel's 240 B/s minimum rate.
    private static async Task TrickleAsync(List<Socket> sockets, CancellationToken stop)
    {
        var chunk = new byte[100];
        Array.Fill(chunk, (byte)'a');
        while (!stop.IsCancellationRequested)
        {
            foreach (var socket in sockets)
            {
                try
                {
                    socket.Send(chunk, SocketFlags.None);
                }
                catch (SocketException)
                {
                    // closed by the relay (408 at its deadline): that is the point
                }
            }

            try
            {
                await Task.Delay(125, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
