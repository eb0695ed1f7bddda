using MpEventRelay.Dedup;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.UnitTests.Dedup;

/// <summary>The dedup key and the push's id are keyed hashes: stable for one message, unlinkable without the key.</summary>
public sealed class DedupKeyTests
{
    private static readonly byte[] Key = DedupKey.DeriveHashKey("accountToken");
    private const string OpenId = "oDISTINCTopenid0000000000001";

    [Fact]
    public void A_subscribe_with_a_scene_gives_a_key_without_the_OpenID_or_the_scene_and_the_same_key_for_its_retries()
    {
        var subscribe = PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Subscribe("secret_scene_77"));

        var key = DedupKey.For(Key, "wxAPP", subscribe);

        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.DoesNotContain(OpenId, key, StringComparison.Ordinal);
        Assert.Equal(key, DedupKey.For(Key, "wxAPP", PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Subscribe("secret_scene_77"))));
        Assert.NotEqual(key, DedupKey.For(Key, "wxAPP", PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Subscribe("other_scene"))));
        Assert.NotEqual(key, DedupKey.For(Key, "wxAPP", PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_001).Subscribe("secret_scene_77"))));
    }

    [Fact]
    public void Another_key_or_another_account_gives_another_hash()
    {
        var text = PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Text("hi", 42));

        var key = DedupKey.For(Key, "wxAPP", text);

        Assert.NotEqual(key, DedupKey.For(DedupKey.DeriveHashKey("anotherToken"), "wxAPP", text));
        Assert.NotEqual(key, DedupKey.For(Key, "wxOTHER", text));
    }

    [Fact]
    public void The_key_is_the_HMAC_of_the_identity_whatever_keys_the_thread_used_before()
    {
        // Stored in outboxes and shared through Redis by replicas of other builds: the value may never change. The
        // HMAC behind it is reused per thread and key, so keys are interleaved here as accounts interleave.
        var other = DedupKey.DeriveHashKey("anotherToken");
        var text = PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Text("hi", 42));
        var subscribe = PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Subscribe("7"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Hmac(Key, "wxAPP|m|42"), DedupKey.For(Key, "wxAPP", text));
            Assert.Equal(Hmac(other, "wxAPP|m|42"), DedupKey.For(other, "wxAPP", text));
            Assert.Equal(Hmac(Key, $"wxAPP|e|{OpenId}|1800000000|subscribe|qrscene_7"), DedupKey.For(Key, "wxAPP", subscribe));
        }

        static string Hmac(byte[] key, string identity) =>
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(identity)));
    }

    [Fact]
    public void The_push_id_is_the_keys_first_half_and_a_legacy_clear_key_keeps_its_old_id()
    {
        var key = DedupKey.For(Key, "wxAPP", PushMessage.Parse(new PushMessageBuilder("gh_1", OpenId, 1_800_000_000).Text("hi", 42)));

        Assert.Equal(key[..32], new PushKey(key).Id);
        // Written before keys were hashed: the id it had then, an unkeyed SHA-256 of the clear key (16 bytes, hex).
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("wxAPP|m|42"u8).AsSpan(0, 16)), DedupKey.Header("wxAPP|m|42"));
    }
}
