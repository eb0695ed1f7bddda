namespace MpEventRelay.Configuration;

/// <summary>
/// The demo account's secrets (<c>appsettings.Development.json</c>, the samples). Public, hence refused outside the
/// Development environment.
/// </summary>
public static class DemoSecrets
{
    public const string AppId = "wxdemo0000000000";
    public const string AccountToken = "demoAccountToken";
    public const string AccountKey = "E6Ej0d2fX5HtUNDC8MbeCZ6dix09vJGVu8XTypeDEO5";
    public const string IdaasToken = "demoIdaasToken";
    public const string IdaasKey = "BvILdBER9gdzLiPib5v9vlBGUDwvhCY28cKFOGVifv8";
    public const string BotToken = "demoBotToken";
    public const string BotKey = "ckXUIKRPWW62mYcUqQLM954gKIop4Oi618555Eo7ENM";
    public const string AppSecret = "demoAppSecretNotARealOne0000000";
    public const string AdminKey = "demoAdminKeyNotARealOne000000000";

    internal static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        AccountToken, AccountKey, IdaasToken, IdaasKey, BotToken, BotKey, AppSecret, AdminKey,
    };
}
