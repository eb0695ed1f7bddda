using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Trail;

namespace MpEventRelay.UnitTests.Trail;

public sealed class OpenIdHashingTests
{
    [Fact]
    public void The_writer_hashes_each_OpenID_with_its_events_key_as_a_one_shot_HMAC_would()
    {
        byte[] first = RandomNumberGenerator.GetBytes(32), second = RandomNumberGenerator.GetBytes(32);
        var events = new List<TrailEvent>
        {
            Try("oAlice", first), Try("oAlice", second), Try("oBob", first), Try("oAlice", first),
            new("d", 2, TrailEventKind.Delivery) { Target = "bot" },
        };

        using var hashing = new OpenIdHashing();
        hashing.Hash(events);

        Assert.Equal([Expected(first, "oAlice"), Expected(second, "oAlice"), Expected(first, "oBob"), Expected(first, "oAlice"), null], events.Select(e => e.OpenIdHash));
        Assert.Equal(32, events[0].OpenIdHash!.Length);
    }

    private static TrailEvent Try(string openId, byte[] key) => new("t", 1, TrailEventKind.WeChatTry) { OpenId = openId, OpenIdKey = key };

    private static string Expected(byte[] key, string openId) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(openId))[..16]);
}
