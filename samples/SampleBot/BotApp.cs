using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace SampleBot;

/// <summary>
/// An existing bot, written the way any WeChat SDK bot is: it verifies pushes with its own Token, decrypts with its
/// own EncodingAESKey, and answers with a passive reply, encrypted when the push was. It has no idea a relay exists.
/// </summary>
public static class BotApp
{
    /// <summary>The demo's Token and key, used unless <c>Bot:Token</c> / <c>Bot:EncodingAESKey</c> say otherwise.</summary>
    public const string Token = "demoBotToken";
    public const string EncodingAesKey = "ckXUIKRPWW62mYcUqQLM954gKIop4Oi618555Eo7ENM";
    public const string DemoAppId = "wxdemo0000000000";

    /// <summary>How long the bot thinks about a text that starts with "slow" (as an LLM bot would).</summary>
    public static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The bot, configured like any ASP.NET Core app (command line, environment, appsettings.json): <c>Bot:AppId</c>,
    /// <c>Bot:Token</c>, <c>Bot:EncodingAESKey</c> (environment: <c>Bot__Token</c>…; <c>BOT_APPID</c> is still read),
    /// the demo's values when unset; <c>Bot:ApiHost</c> and <c>Bot:ClientSecret</c> for WeChat's API through the relay.
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var settings = app.Configuration.GetSection("Bot");
        var appId = settings["AppId"] ?? Environment.GetEnvironmentVariable("BOT_APPID") ?? DemoAppId;
        var keys = new WeChatKeys(settings["Token"] ?? Token, new WeChatCryptor(appId, settings["EncodingAESKey"] ?? EncodingAesKey));
        var decoder = new PushDecoder(keys.Token, keys.Cryptor);
        // With Bot:ApiHost (the relay's API gateway) and Bot:ClientSecret, "notify …" is answered later by a
        // customer-service message, as a bot tells a user that an order shipped.
        var sender = settings["ApiHost"] is { } apiHost && settings["ClientSecret"] is { } clientSecret
            ? new CustomerServiceSender(new HttpClient(), new Uri(apiHost), appId, clientSecret)
            : null;

        app.MapPost("/wx", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            InboundPush push;
            try
            {
                push = decoder.Decode(PushQuery.From(name => request.Query[name]), buffer.ToArray());
            }
            catch (ProtocolException e)
            {
                Console.WriteLine($"  [bot]   refused a push: {e.Error}");
                return Results.Text(e.Message, statusCode: 401);
            }

            if (push.Message.MsgType == "text" && push.Message.Content?.StartsWith("slow", StringComparison.OrdinalIgnoreCase) == true)
            {
                await Task.Delay(SlowAnswer); // an LLM bot thinking: longer than WeChat waits
            }

            if (sender is not null && push.Message.MsgType == "text" && push.Message.Content?.StartsWith("notify", StringComparison.OrdinalIgnoreCase) == true)
            {
                var user = push.Message.FromUserName;
                _ = Task.Run(async () => Console.WriteLine($"  [bot]   customer-service message through the relay's API gateway: errcode {await sender.SendTextAsync(user, "Your order 123 has shipped 🚚")}"));
            }

            var text = Answer(push.Message);
            Console.WriteLine($"  [bot]   got {Describe(push.Message)} ({push.Mode}); {(text is null ? "no reply" : "replies")}");
            if (text is null)
            {
                return Results.Text("success");
            }

            var reply = ReplyWriter.Text(push.Message, text, WeChatClock.UnixSeconds(TimeProvider.System));
            var body = push.IsEncrypted
                ? ReplyWriter.Encrypted(reply, keys, WeChatClock.Timestamp(TimeProvider.System), request.Query["nonce"].ToString(), push.Key)
                : reply;
            return Results.Bytes(body, "application/xml");
        });
        return app;
    }

    private static string? Answer(PushMessage message) => message switch
    {
        _ when message.EventIs("subscribe") => "欢迎关注！Welcome — thanks for following.",
        _ when message.EventIs("CLICK") => $"You pressed {message.EventKey}.",
        _ when message.MsgType == "text" => $"You said: {message.Content}",
        _ => null,
    };

    internal static string Describe(PushMessage message) =>
        message.IsEvent ? $"event {message.Event} {message.EventKey}".TrimEnd() : $"{message.MsgType} message";
}
