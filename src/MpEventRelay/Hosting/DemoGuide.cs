using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;

namespace MpEventRelay.Hosting;

/// <summary>
/// What a newcomer who ran the demo (Development, the demo account) can do next, printed once it listens: WeChat's
/// server URL for the demo account, a <c>mprelay simulate</c> command that sends it a push, and the console with the
/// demo's admin key. Nothing is printed for any other configuration.
/// </summary>
internal static partial class DemoGuide
{
    public static void Print(WebApplication app, string pushAddress, ManagementListener management)
    {
        var model = app.Services.GetRequiredService<RelayModelProvider>().Current;
        if (!app.Environment.IsDevelopment() || model.AccountsByName.Values.FirstOrDefault(a => a.Keys.Token == DemoSecrets.AccountToken) is not { } demo)
        {
            return;
        }

        var baseAddress = pushAddress.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        var url = baseAddress + demo.Path;
        var console = (management.IsSeparate ? $"http://localhost:{management.Port}" : baseAddress) + "/console";
        LogDemo(app.Logger, url, DemoSecrets.AccountToken, DemoSecrets.AccountKey, demo.AppId, console, model.Options.Admin.Key ?? "(none set)");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = """
        Demo: WeChat's server URL for the demo account is {Url} (Token {Token}, secure mode). Send it a push as WeChat would:
          dotnet run --project src/MpEventRelay.Cli -- simulate --url {Url} --token {Token} --aes-key {Key} --appid {AppId} --kind text --content hello
        Console: {Console} (admin key {AdminKey}). The whole Mode Two flow with a bot and an IDaaS: dotnet run --project samples/ModeTwoWalkthrough
        """)]
    private static partial void LogDemo(ILogger logger, string url, string token, string key, string appId, string console, string adminKey);
}
