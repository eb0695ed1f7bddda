using System.Net;
using System.Text;
using System.Web;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.IntegrationTests.Security;

/// <summary>
/// An attacker who can see and send traffic: a captured signed URL must not carry a forged body, a GET must not be
/// replayed forever, and the answers must not be something a browser would run.
/// </summary>
public sealed class ForgeryTests : ModeTwoRelayTests
{
    // "main": the default (a key, so plaintext refused); "legacy": plaintext allowed, as during a migration.
    internal override RelayConfig Configure(RelayConfig config) =>
        config.Account("legacy", "/wechat/legacy", RelayConfig.Targets(), [new System.Text.Json.Nodes.JsonObject { ["Name"] = "login", ["Target"] = "idaas" }], allowPlaintext: true);

    [Fact]
    public async Task A_captured_signature_with_a_forged_plaintext_login_is_refused_by_a_default_account()
    {
        // A genuine secure push: its URL carries the plain signature too (WeChat does that).
        var genuine = PushWriter.Write(PushMessage.Parse(Pushes.From().Text("hello", Pushes.NewMsgId())), Keys.Account, EncryptionMode.Secure, WeChatClock.Timestamp(TimeProvider.System), "777");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/wechat/main", genuine.QueryString, genuine.Body)).StatusCode);

        var forged = Pushes.From(openId: "oVictimVictimVictimVictim123").Scan("attacker_login_scene");
        var response = await PostAsync("/wechat/main", PlainPart(genuine.QueryString), forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("plaintext pushes are refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Idaas.Received);
    }

    [Fact]
    public async Task With_plaintext_allowed_a_signature_carries_only_its_first_body_and_WeChat_retries_still_pass()
    {
        var timestamp = WeChatClock.Timestamp(TimeProvider.System);
        var query = $"signature={WeChatSignature.Compute(Keys.AccountToken, timestamp, "4242")}&timestamp={timestamp}&nonce=4242&openid=oUser";
        var first = Pushes.From().Scan("login_genuine");
        var second = Pushes.From(openId: "oVictimVictimVictimVictim456").Scan("login_forged");

        var genuine = await PostAsync("/wechat/legacy", query, first);
        var retry = await PostAsync("/wechat/legacy", query, first); // WeChat's retry: same triple, same body
        var forged = await PostAsync("/wechat/legacy", query, second);

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("already used with another body", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var received = Assert.Single(Idaas.Received);
        Assert.Equal("login_genuine", received.Open(Keys.Idaas).Message.EventKey);
    }

    [Fact]
    public async Task A_url_verification_with_a_stale_timestamp_is_refused()
    {
        var stale = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fresh = WeChatClock.Timestamp(TimeProvider.System);

        var old = await Relay.Http.GetAsync($"/wechat/main?signature={WeChatSignature.Compute(Keys.AccountToken, stale, "1")}&timestamp={stale}&nonce=1&echostr=abc");
        var now = await Relay.Http.GetAsync($"/wechat/main?signature={WeChatSignature.Compute(Keys.AccountToken, fresh, "1")}&timestamp={fresh}&nonce=1&echostr=%3Cscript%3E");

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        Assert.Equal("<script>", await now.Content.ReadAsStringAsync()); // verbatim, as WeChat expects…
        Assert.Equal("nosniff", now.Headers.GetValues("X-Content-Type-Options").Single()); // …and never sniffed as HTML
        Assert.Equal("text/plain", now.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("<xml><ToUserName>gh_1</ToUserName><FromUserName>oA</FromUserName><FromUserName>oB</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>SCAN</Event><EventKey>k</EventKey></xml>", "more than once")]
    [InlineData("<xml><ToUserName>gh_1</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>CLICK</Event><Event>SCAN</Event><EventKey>k</EventKey></xml>", "more than once")]
    [InlineData("<xml xmlns:x=\"urn:x\"><ToUserName>gh_1</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><x:Event>SCAN</x:Event><EventKey>k</EventKey></xml>", "in a namespace")] // a reader ignoring namespaces sees a SCAN
    public async Task A_body_two_readers_could_read_differently_is_refused(string xml, string reason)
    {
        var response = await PostAsync("/wechat/legacy", SignedPlainQuery(), Encoding.UTF8.GetBytes(xml));

        Assert.Empty(Idaas.Received);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_utf16_body_is_refused()
    {
        var xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>";
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(xml)).ToArray();

        var response = await PostAsync("/wechat/legacy", SignedPlainQuery(), utf16);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string SignedPlainQuery()
    {
        var timestamp = WeChatClock.Timestamp(TimeProvider.System);
        var nonce = Random.Shared.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"signature={WeChatSignature.Compute(Keys.AccountToken, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}";
    }

    // What an attacker keeps of a captured secure-mode URL: the plain signature, timestamp and nonce.
    private static string PlainPart(string secureQuery)
    {
        var query = HttpUtility.ParseQueryString(secureQuery);
        return $"signature={query["signature"]}&timestamp={query["timestamp"]}&nonce={query["nonce"]}";
    }

    private Task<HttpResponseMessage> PostAsync(string path, string query, byte[] body) =>
        Relay.Http.PostAsync($"{path}?{query}", new ByteArrayContent(body));
}
