using MpEventRelay.TestKit;
using BenchmarkDotNet.Attributes;
using MpEventRelay.Dedup;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;
using MpEventRelay.Routing;
using MpEventRelay.Simulation;

namespace MpEventRelay.Benchmarks;

/// <summary>
/// The per-push work of the relay on a typical ~1 KB secure-mode push: verify msg_signature, decrypt, parse,
/// route, compute the dedup key, and re-sign + re-encrypt it for a target with other keys.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly WeChatKeys Account = new(TestKeys.AccountToken, new WeChatCryptor(TestKeys.AppId, TestKeys.AccountKey));
    private static readonly WeChatKeys Target = new(TestKeys.IdaasToken, new WeChatCryptor(TestKeys.AppId, TestKeys.IdaasKey));

    private readonly PushDecoder _decoder = new(Account.Token, Account.Cryptor);
    private readonly RouteMatcher _login = new() { MsgType = "event", Events = ["subscribe", "SCAN"] };
    private PushQuery _query = null!;
    private byte[] _body = null!;
    private PushMessage _message = null!;
    private string _encrypt = null!;

    [GlobalSetup]
    public void Setup()
    {
        // ~1 KB once encrypted: a text message with 400 characters of mixed Chinese and ASCII content.
        var content = string.Concat(Enumerable.Repeat("你好 hello ", 40));
        var xml = new PushMessageBuilder("gh_10f6c3c3ac5a", "oyORnuP8q7ou2gfYjqLzSIWZf0rs", 1714112445).Text(content, 6054768590064713728);
        var push = PushWriter.Write(PushMessage.Parse(xml), Account, EncryptionMode.Secure, "1714112445", "415670741");
        _body = push.Body;
        _query = PushQuery.Parse(push.QueryString);
        _message = PushMessage.Parse(xml);
        _encrypt = WeChatXmlReader.Read(_body).Encrypt!;
        Console.WriteLine($"// push body: {_body.Length} bytes, message: {xml.Length} bytes");
    }

    private static readonly byte[] DedupHashKey = DedupKey.DeriveHashKey("benchmark token");

    /// <summary>The whole per-push protocol path.</summary>
    [Benchmark(Baseline = true)]
    public int VerifyDecryptParseRouteReencrypt()
    {
        var push = _decoder.Decode(_query, _body);
        var routed = _login.Matches(push.Message) ? 1 : 0;
        var key = DedupKey.For(DedupHashKey, TestKeys.AppId, push.Message);
        var outgoing = PushWriter.Write(push.Message, Target, EncryptionMode.Secure, "1714112446", "123456789");
        return outgoing.Body.Length + routed + key.Length;
    }

    [Benchmark]
    public bool VerifyMsgSignature() => WeChatSignature.Verify(_query.MsgSignature, Account.Token, _query.Timestamp!, _query.Nonce!, _encrypt);

    [Benchmark]
    public int Decrypt() => Account.Cryptor!.Decrypt(_encrypt).Message.Length;

    [Benchmark]
    public int ParseEnvelopeAndMessage() => WeChatXmlReader.Read(_body).Encrypt!.Length + PushMessage.Parse(_message.Xml).MsgType.Length;

    [Benchmark]
    public int ReencryptForTarget() => PushWriter.Write(_message, Target, EncryptionMode.Secure, "1714112446", "123456789").Body.Length;

    [Benchmark]
    public bool RouteMatch() => _login.Matches(_message);

    [Benchmark]
    public int DedupKeyOf() => DedupKey.For(DedupHashKey, TestKeys.AppId, _message).Length;

}
