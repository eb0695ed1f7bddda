using System.Net;
using System.Text;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.IntegrationTests.Relay;

/// <summary>Every bad input gets its status and a one-line reason, never a 5xx, and reaches no target (docs/behaviour.md).</summary>
public sealed class BadInputTests : ModeTwoRelayTests
{
    internal override RelayConfig Configure(RelayConfig config) =>
        config.Account("strict", "/wechat/strict", RelayConfig.Targets(), [new System.Text.Json.Nodes.JsonObject { ["Target"] = "bot" }]);

    [Fact]
    public async Task Unknown_account_path_is_404()
    {
        var response = await Relay.Http.PostAsync("/wechat/nobody", new StringContent("<xml/>"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertNothingDelivered();
    }

    [Fact]
    public async Task Wrong_signature_is_401()
    {
        var push = Plain(Pushes.From().Text("x", 1));
        await AssertRefused(HttpStatusCode.Unauthorized, "signature", push.QueryString.Replace("signature=", "signature=0", StringComparison.Ordinal), push.Body);
    }

    [Fact]
    public async Task Missing_signature_is_401()
    {
        await AssertRefused(HttpStatusCode.Unauthorized, "signature", "timestamp=1&nonce=2", Pushes.From().Text("x", 1));
    }

    [Fact]
    public async Task Wrong_msg_signature_is_401()
    {
        var push = Encrypted(Pushes.From().Text("x", 1), Keys.Account);
        var query = push.QueryString.Replace("msg_signature=", "msg_signature=f", StringComparison.Ordinal);
        await AssertRefused(HttpStatusCode.Unauthorized, "msg_signature", query, push.Body);
    }

    [Fact]
    public async Task Stale_timestamp_is_401_even_when_signed()
    {
        var stale = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var push = PushWriter.Write(PushMessage.Parse(Pushes.From().Text("x", 1)), Keys.Account, EncryptionMode.Secure, stale, "1");
        await AssertRefused(HttpStatusCode.Unauthorized, "clock skew", push.QueryString, push.Body);
    }

    [Fact]
    public async Task Plaintext_to_an_account_with_a_key_is_401_unless_allowed()
    {
        var push = Plain(Pushes.From().Subscribe("x"));
        await AssertRefused(HttpStatusCode.Unauthorized, "plaintext pushes are refused", push.QueryString, push.Body, "/wechat/strict");
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var push = Plain(Pushes.From().Text(new string('x', 300 * 1024), 1));
        await AssertRefused(HttpStatusCode.RequestEntityTooLarge, "exceeds", push.QueryString, push.Body);
    }

    [Theory]
    [InlineData("this is not xml", "not well-formed")]
    [InlineData("<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>&xxe;</ToUserName></xml>", "DTD")]
    [InlineData("<xml><ToUserName>gh</ToUserName><MsgType>text</MsgType></xml>", "missing")]
    public async Task Malformed_plaintext_bodies_are_400(string body, string reason)
    {
        var query = SignedQuery(Keys.Account.Token);
        await AssertRefused(HttpStatusCode.BadRequest, reason, query, Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public async Task Encrypted_for_another_AppId_is_400()
    {
        var otherApp = new WeChatKeys(Keys.AccountToken, new WeChatCryptor("wx0000000000000000", Keys.AccountKey));
        var push = Encrypted(Pushes.From().Text("x", 1), otherApp);
        await AssertRefused(HttpStatusCode.BadRequest, "AppId", push.QueryString, push.Body);
    }

    [Fact]
    public async Task Methods_other_than_GET_and_POST_are_405()
    {
        var response = await Relay.Http.PutAsync("/wechat/main", new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        AssertNothingDelivered();
    }

    private static OutgoingPush Plain(byte[] message) =>
        PushWriter.Write(PushMessage.Parse(message, maxBytes: int.MaxValue), Keys.Account, EncryptionMode.Plaintext, WeChatClock.Timestamp(TimeProvider.System), "1");

    private static OutgoingPush Encrypted(byte[] message, WeChatKeys keys) =>
        PushWriter.Write(PushMessage.Parse(message), keys, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), "1");

    private static string SignedQuery(string token)
    {
        var timestamp = WeChatClock.Timestamp(TimeProvider.System);
        return $"signature={WeChatSignature.Compute(token, timestamp, "1")}&timestamp={timestamp}&nonce=1";
    }

    private async Task AssertRefused(HttpStatusCode expected, string reason, string query, byte[] body, string path = "/wechat/main")
    {
        var response = await Relay.Http.PostAsync($"{path}?{query}", new ByteArrayContent(body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(reason, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain(Keys.AccountToken, text, StringComparison.Ordinal);
        AssertNothingDelivered();
    }

    // Refused before dedup and routing: no delivery can start later, so "none yet" is "none ever".
    private void AssertNothingDelivered()
    {
        Assert.Empty(Idaas.Received);
        Assert.Empty(Bot.Received);
    }
}
