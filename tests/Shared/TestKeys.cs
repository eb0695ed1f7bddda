namespace MpEventRelay.TestKit;

/// <summary>
/// The test accounts' and targets' secrets, made up (the account's are WeChat's documentation example), never a real
/// account's: one file, linked into every test project that needs them.
/// </summary>
internal static class TestKeys
{
    public const string AppId = "wx2c2769f8efd9abc2";
    public const string AccountToken = "spamtest";
    public const string AccountKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string IdaasToken = "idaasToken42";
    public const string IdaasKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string BotToken = "botToken7";
    public const string BotKey = "ZzD2BwNZjxy0OSPd8NNfP8dPLNSaRgWrY3wHJwBgW9u";
}
