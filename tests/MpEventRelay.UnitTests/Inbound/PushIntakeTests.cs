using System.Globalization;
using Microsoft.AspNetCore.Http;
using MpEventRelay.Inbound;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using MpEventRelay.TestKit;
using MpEventRelay.UnitTests.Delivery;

namespace MpEventRelay.UnitTests.Inbound;

/// <summary>
/// A push's first steps with no socket: the body, verify and decrypt, the clock skew, a plaintext signature's binding
/// to its body. The first that fails is the answer, with its status and one-line reason.
/// </summary>
public sealed class PushIntakeTests : IDisposable
{
    private readonly DeliveryCore _core = new();

    public void Dispose() => _core.Dispose();

    private AccountModel Account => _core.Model.AccountsByName["main"];

    private WeChatKeys AccountKeys => new("accountToken", new WeChatCryptor(DeliveryCore.AppId, TestKeys.AccountKey));

    [Fact]
    public async Task A_genuine_push_is_taken_with_its_message_and_how_long_to_remember_it()
    {
        var (push, refused) = await TakeAsync(Push(AccountKeys, EncryptionMode.Secure, "hello"));

        Assert.Null(refused);
        Assert.Equal("hello", push!.Push.Message.Content);
        Assert.True(push.Push.IsEncrypted);
        Assert.Equal(_core.Model.Options.Dedup.KeepFor(_core.Model.Options.ClockSkew + TimeSpan.FromSeconds(1)), push.RememberFor); // while WeChat could still send it again
    }

    [Fact]
    public async Task A_push_signed_with_another_Token_is_refused_as_unauthorized_with_the_reason()
    {
        var forged = new WeChatKeys("notTheToken", new WeChatCryptor(DeliveryCore.AppId, TestKeys.AccountKey));

        var (push, refused) = await TakeAsync(Push(forged, EncryptionMode.Secure, "forged"));

        Assert.Null(push);
        Assert.Equal(new Rejection(401, "msg_signature does not match the Token and Encrypt."), refused);
    }

    [Fact]
    public async Task A_push_outside_the_clock_skew_is_refused_and_one_at_its_edge_is_taken()
    {
        var skew = (long)_core.Model.Options.ClockSkew.TotalSeconds;
        var now = _core.Time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Null((await TakeAsync(Push(AccountKeys, EncryptionMode.Secure, "edge", now - skew))).Refused);
        Assert.Equal(new Rejection(401, "timestamp is outside the allowed clock skew."), (await TakeAsync(Push(AccountKeys, EncryptionMode.Secure, "stale", now - skew - 1))).Refused);
    }

    [Fact]
    public async Task A_plaintext_push_to_an_account_with_an_EncodingAESKey_is_refused()
    {
        var (push, refused) = await TakeAsync(Push(AccountKeys, EncryptionMode.Plaintext, "in the clear"));

        Assert.Null(push);
        Assert.Equal(new Rejection(401, "This account has an EncodingAESKey: plaintext pushes are refused."), refused);
    }

    [Fact]
    public async Task With_plaintext_allowed_a_signature_carries_only_the_body_it_was_first_seen_with()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AllowPlaintext", "true"));
        var metrics = core.Metrics;
        var intake = core.Get<PushIntake>();
        var account = core.Model.AccountsByName["main"];
        var first = Push(AccountKeys, EncryptionMode.Plaintext, "first", core.Time.GetUtcNow().ToUnixTimeSeconds());
        var forged = first with { Body = PushWriter.Write(PushMessage.Parse(Text("forged")), AccountKeys, EncryptionMode.Plaintext, "1", "1").Body };

        Assert.Null((await TakeAsync(first, intake, account, core)).Refused);
        Assert.Null((await TakeAsync(first, intake, account, core)).Refused); // WeChat's retry: the same body
        Assert.Equal(new Rejection(401, "This signature was already used with another body."), (await TakeAsync(forged, intake, account, core)).Refused);
        Assert.Equal(1, metrics.Total("mprelay.signature.reuse"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // chunked: no length announced, the read stops at the limit
    public async Task A_body_over_the_limit_is_refused_as_too_large(bool announced)
    {
        var push = Push(AccountKeys, EncryptionMode.Secure, "padded");
        var huge = push with { Body = [.. push.Body, .. new byte[_core.Model.Options.MaxBodyBytes]] };

        var (taken, refused) = await TakeAsync(huge, _core.Get<PushIntake>(), Account, _core, announced);

        Assert.Null(taken);
        Assert.Equal(413, refused!.StatusCode);
    }

    private Task<(IntakenPush? Push, Rejection? Refused)> TakeAsync(OutgoingPush push) => TakeAsync(push, _core.Get<PushIntake>(), Account, _core);

    private static Task<(IntakenPush? Push, Rejection? Refused)> TakeAsync(OutgoingPush push, PushIntake intake, AccountModel account, DeliveryCore core, bool announced = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString("?" + push.QueryString);
        context.Request.Body = new MemoryStream(push.Body);
        context.Request.ContentLength = announced ? push.Body.Length : null;
        return intake.TakeAsync(context, account, core.Model.Options);
    }

    private OutgoingPush Push(WeChatKeys keys, EncryptionMode mode, string content, long? timestamp = null) =>
        PushWriter.Write(PushMessage.Parse(Text(content)), keys, mode, (timestamp ?? _core.Time.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture), "415670741");

    private static byte[] Text(string content) => new PushMessageBuilder("gh_1", "oUserIntake00000000000000", 1_800_000_000).Text(content, 7);
}
