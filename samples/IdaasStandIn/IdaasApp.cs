using System.Collections.Concurrent;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;

namespace IdaasStandIn;

/// <summary>
/// Stands in for the IDaaS callback <c>/api/v1/callback/wechatmpqr/{idpId}</c>: a secure-mode developer server with
/// its own Token and key, which logs a user in when a follow-via-QR or a SCAN carries a login scene.
/// </summary>
public static class IdaasApp
{
    /// <summary>The demo's Token and key, used unless <c>Idaas:Token</c> / <c>Idaas:EncodingAESKey</c> say otherwise.</summary>
    public const string Token = "demoIdaasToken";
    public const string EncodingAesKey = "BvILdBER9gdzLiPib5v9vlBGUDwvhCY28cKFOGVifv8";
    public const string DemoAppId = "wxdemo0000000000";

    /// <summary>Logins seen, by scene: what the IDaaS's login page would be polling for.</summary>
    public static ConcurrentDictionary<string, string> Logins { get; } = new();

    /// <summary>
    /// The stand-in, configured like any ASP.NET Core app (command line, environment, appsettings.json):
    /// <c>Idaas:AppId</c>, <c>Idaas:Token</c>, <c>Idaas:EncodingAESKey</c> (environment: <c>Idaas__Token</c>…;
    /// <c>IDAAS_APPID</c> is still read), the demo's values when unset.
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var settings = app.Configuration.GetSection("Idaas");
        var appId = settings["AppId"] ?? Environment.GetEnvironmentVariable("IDAAS_APPID") ?? DemoAppId;
        var decoder = new PushDecoder(settings["Token"] ?? Token, new WeChatCryptor(appId, settings["EncodingAESKey"] ?? EncodingAesKey));

        app.MapPost("/api/v1/callback/wechatmpqr/{idpId}", async (string idpId, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            try
            {
                var push = decoder.Decode(PushQuery.From(name => request.Query[name]), buffer.ToArray());
                if (push.Message.Scene is { } scene)
                {
                    Logins[scene] = push.Message.FromUserName;
                    Console.WriteLine($"  [idaas] {idpId}: login for scene '{scene}' by {push.Message.FromUserName[..6]}… ({push.Message.Event}, {push.Mode})");
                }
                else
                {
                    Console.WriteLine($"  [idaas] {idpId}: {push.Message.Event} without a login scene; ignored");
                }

                return Results.Text("success");
            }
            catch (ProtocolException e)
            {
                Console.WriteLine($"  [idaas] refused a push: {e.Error}");
                return Results.Text(e.Message, statusCode: 401);
            }
        });
        return app;
    }
}
