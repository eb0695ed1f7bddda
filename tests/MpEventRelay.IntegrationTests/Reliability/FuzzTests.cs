using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.Dedup;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Reliability;

/// <summary>Thousands of generated and mutated pushes and query strings: never a 5xx, never a crash, bounded memory.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Requests = 4000;

    [Fact]
    public async Task Mutated_pushes_and_queries_never_get_a_5xx_and_the_dedup_cache_stays_bounded()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var config = RelayConfig.ModeTwo(idaas, bot).Set("Dedup", new System.Text.Json.Nodes.JsonObject { ["Capacity"] = 500 });
        await using var relay = await RelayServer.StartAsync(config.ToJson());
        var random = new Random(20261125);
        var statuses = new ConcurrentDictionary<int, int>();
        var cases = Enumerable.Range(0, Requests).Select(i => Mutate(random, i)).ToList();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, token) =>
        {
            using var content = new ByteArrayContent(c.Body);
            using var response = await relay.Http.PostAsync("/wechat/main?" + c.Query, content, token);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        });

        output.WriteLine($"{Requests} fuzzed requests: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        Assert.True(statuses.GetValueOrDefault(200) > 100, "too few valid pushes to mean anything");
        // Capacity no longer evicts a message inside its replay window: the cache holds at most what was accepted.
        Assert.True(relay.Services.GetRequiredService<InMemoryDedupStore>().Count <= statuses.GetValueOrDefault(200) + statuses.GetValueOrDefault(503), "the dedup cache holds more than was accepted");

        var healthy = await new WeChatPushClient(relay.Http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("still fine", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Equal(200, healthy.StatusCode);
    }

    private static (string Query, byte[] Body) Mutate(Random random, int i)
    {
        var builder = Pushes.From();
        byte[] message = (i % 6) switch
        {
            0 => builder.Text(RandomText(random), random.NextInt64(1, long.MaxValue)),
            1 => builder.Subscribe(RandomText(random)),
            2 => builder.Scan(RandomText(random)),
            3 => builder.Click(RandomText(random)),
            4 => builder.Location(random.NextDouble() * 90, random.NextDouble() * 180, 30),
            _ => builder.TemplateSendJobFinish(random.NextInt64(1, long.MaxValue)),
        };
        var mode = (EncryptionMode)(i % 3);
        var push = PushWriter.Write(PushMessage.Parse(message), Keys.Account, mode, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
        var body = push.Body;
        var query = push.QueryString;
        var xml = Encoding.UTF8.GetString(message);
        switch (random.Next(13))
        {
            case 0: break; // valid
            case 1: body = Flip(random, body); break;
            case 2: body = body[..random.Next(body.Length)]; break;
            case 3: query = string.Join('&', query.Split('&').Where(_ => random.Next(3) > 0)); break;
            case 4: query = query.Replace("timestamp=", "timestamp=9", StringComparison.Ordinal); break;
            case 5: body = Encoding.UTF8.GetBytes("<xml>" + new string('<', random.Next(1, 2000)) + "</xml>"); break;
            case 6: body = RandomBytes(random, random.Next(0, 4096)); break;
            case 7: query = new string('%', random.Next(1, 500)) + "&signature=" + RandomText(random); break;
            case 8: body = Encoding.UTF8.GetBytes($"<!DOCTYPE x [<!ENTITY a \"{new string('a', 100)}\">]><xml><Content>&a;&a;</Content></xml>"); break;
            case 9: body = Flip(random, Flip(random, body)); query += "&encrypt_type=aes"; break;
            case 10: body = Encoding.UTF8.GetBytes(xml.Replace("<xml>", "<xml><MsgType>event</MsgType>", StringComparison.Ordinal)); break; // a second MsgType
            case 11: body = Encoding.UTF8.GetBytes(xml.Replace("<xml>", "<xml xmlns:x=\"urn:x\"><x:Event>SCAN</x:Event>", StringComparison.Ordinal)); break;
            default: body = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(xml)]; break; // UTF-16 with its BOM
        }

        return (query, body);
    }

    private static byte[] Flip(Random random, byte[] body)
    {
        var copy = body.ToArray();
        if (copy.Length > 0)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random)
    {
        const string alphabet = "abcXYZ019_-]]><&\"'中文😀 ";
        var chars = new StringBuilder();
        var length = random.Next(1, 40);
        var runes = alphabet.EnumerateRunes().ToArray();
        for (var i = 0; i < length; i++)
        {
            chars.Append(runes[random.Next(runes.Length)].ToString());
        }

        return chars.ToString();
    }
}
