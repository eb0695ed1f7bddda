using MpEventRelay.TestKit;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Routing;
using MpEventRelay.Simulation;

namespace MpEventRelay.UnitTests;

/// <summary>A small runtime model (one account, one catch-all route to a bot) and a push for it.</summary>
internal static class TestModel
{
    public const string AppId = TestKeys.AppId;
    public const string AccountKey = TestKeys.AccountKey;

    public static AccountModel Account()
    {
        var cryptor = new WeChatCryptor(AppId, AccountKey);
        var keys = new WeChatKeys("accountToken", cryptor);
        var bot = new TargetModel { Name = "bot", ClusterId = "bot", Keys = new WeChatKeys("botToken", null), Encryption = TargetEncryption.Plaintext, SharesAccountKey = false };
        return new AccountModel
        {
            Name = "main",
            Path = "/wechat/main",
            AppId = AppId,
            Keys = keys,
            DedupHashKey = DedupKey.DeriveHashKey(keys.Token),
            Decoder = new PushDecoder(keys.Token, cryptor),
            AcceptsPlaintext = false,
            Routes = [new RouteModel { Name = "everything", Match = new RouteMatcher(), Repliers = [bot], Copies = [] }],
            Targets = new Dictionary<string, TargetModel> { ["bot"] = bot },
        };
    }

    public static InboundPush Push() =>
        new(PushMessage.Parse(new PushMessageBuilder("gh_1", "oUser", 1_800_000_000).Text("hello", 42)), EncryptionMode.Secure, AesKeySlot.Current, null);
}
