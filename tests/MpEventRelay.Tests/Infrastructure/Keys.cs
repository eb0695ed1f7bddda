using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>Test accounts' and targets' secrets (made up for the tests; never real accounts').</summary>
internal static class Keys
{
    public const string AppId = "wx2c2769f8efd9abc2";
    public const string GhId = "gh_10f6c3c3ac5a";
    public const string AccountToken = "spamtest";
    public const string AccountKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string IdaasToken = "idaasToken42";
    public const string IdaasKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string BotToken = "botToken7";
    public const string AppSecret = "test-app-secret-not-real-0123456789";
    public const string BotKey = "ZzD2BwNZjxy0OSPd8NNfP8dPLNSaRgWrY3wHJwBgW9u";

    /// <summary>The API gateway clients' secrets: the bot's and the QR-code service's.</summary>
    public const string BotClientSecret = "bot-client-secret-not-real-000000001";
    public const string QrClientSecret = "qr-client-secret-not-real-0000000002";

    public static WeChatKeys Account { get; } = new(AccountToken, new WeChatCryptor(AppId, AccountKey));
    public static WeChatKeys Idaas { get; } = new(IdaasToken, new WeChatCryptor(AppId, IdaasKey));
    public static WeChatKeys Bot { get; } = new(BotToken, new WeChatCryptor(AppId, BotKey));
}
