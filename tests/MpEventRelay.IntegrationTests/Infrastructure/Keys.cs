using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.TestKit;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Test accounts' and targets' secrets (made up for the tests; never real accounts').</summary>
internal static class Keys
{
    public const string AppId = TestKeys.AppId;
    public const string GhId = "gh_10f6c3c3ac5a";
    public const string AccountToken = TestKeys.AccountToken;
    public const string AccountKey = TestKeys.AccountKey;
    public const string IdaasToken = TestKeys.IdaasToken;
    public const string IdaasKey = TestKeys.IdaasKey;
    public const string BotToken = TestKeys.BotToken;
    public const string AppSecret = "test-app-secret-not-real-0123456789";
    public const string BotKey = TestKeys.BotKey;

    /// <summary>The API gateway clients' secrets: the bot's and the QR-code service's.</summary>
    public const string BotClientSecret = "bot-client-secret-not-real-000000001";
    public const string QrClientSecret = "qr-client-secret-not-real-0000000002";

    public static WeChatKeys Account { get; } = new(AccountToken, new WeChatCryptor(AppId, AccountKey));
    public static WeChatKeys Idaas { get; } = new(IdaasToken, new WeChatCryptor(AppId, IdaasKey));
    public static WeChatKeys Bot { get; } = new(BotToken, new WeChatCryptor(AppId, BotKey));
}
