using System.Text;
using IdaasStandIn;
using MpEventRelay;
using MpEventRelay.Configuration;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using SampleBot;

// Mode Two in one command: dotnet run --project samples/ModeTwoWalkthrough
// The account's keys are the relay's public demo secrets, accepted only in the Development environment.
const string AppId = DemoSecrets.AppId;
const string RelayUrl = "http://127.0.0.1:5100";
var account = new WeChatKeys(DemoSecrets.AccountToken, new WeChatCryptor(AppId, DemoSecrets.AccountKey));

// The stand-ins run on Tokens and keys of their own, made up for this run, as a merchant's bot and an IDaaS have: the
// relay is told them as an operator would tell it (the demo's own are only its defaults).
var (idaasToken, idaasKey, botToken, botKey, botClientSecret) = (NewSecret(24), NewSecret(43), NewSecret(24), NewSecret(43), NewSecret(32));
var idaas = IdaasApp.Create(["--urls=http://127.0.0.1:5102", $"--Idaas:AppId={AppId}", $"--Idaas:Token={idaasToken}", $"--Idaas:EncodingAESKey={idaasKey}"]);
// The bot calls WeChat's API through the relay (its API gateway, on the push port in Development) with a client secret.
var bot = BotApp.Create(["--urls=http://127.0.0.1:5101", $"--Bot:AppId={AppId}", $"--Bot:Token={botToken}", $"--Bot:EncodingAESKey={botKey}", $"--Bot:ApiHost={RelayUrl}", $"--Bot:ClientSecret={botClientSecret}"]);
var wechatApi = WeChatApiStandIn.Create(["--urls=http://127.0.0.1:5103"]);
var relay = RelayApp.Create([$"--urls={RelayUrl}", "--environment=Development"], builder => builder.Configuration
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "relay.appsettings.json"), optional: false)
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Relay:Accounts:demo:Targets:idaas:Token"] = idaasToken,
        ["Relay:Accounts:demo:Targets:idaas:EncodingAESKey"] = idaasKey,
        ["Relay:Accounts:demo:Targets:bot:Token"] = botToken,
        ["Relay:Accounts:demo:Targets:bot:EncodingAESKey"] = botKey,
        ["Relay:ApiGateway:Clients:bot:Account"] = "demo",
        ["Relay:ApiGateway:Clients:bot:Secret"] = botClientSecret,
        ["Relay:ApiGateway:Clients:bot:Apis:0"] = "/cgi-bin/message/custom/send",
    }));
await Task.WhenAll(idaas.StartAsync(), bot.StartAsync(), wechatApi.StartAsync(), relay.StartAsync());

using var http = new HttpClient();
var wechat = new WeChatPushClient(http, account);
var endpoint = new Uri($"{RelayUrl}/wechat/demo");
var user = "oDemo" + Guid.NewGuid().ToString("N")[..23];
var failures = 0;

Console.WriteLine($"WeChat saves the server URL {endpoint}: verification {(await wechat.VerifyUrlAsync(endpoint) ? "passed" : "FAILED")}");

await Step("1. A new user scans the PC login QR code and follows (subscribe, EventKey=qrscene_login_7f3a)",
    b => b.Subscribe("login_7f3a"), expectReply: true);
Check(IdaasApp.Logins.TryGetValue("login_7f3a", out var who) && who == user, "the IDaaS logged the follower in, and its \"success\" let the bot's welcome through");

await Step("2. A follower scans another login QR code (SCAN, EventKey=login_9c21)",
    b => b.Scan("login_9c21"), expectReply: false);
Check(IdaasApp.Logins.ContainsKey("login_9c21"), "the IDaaS logged the scanner in");

await Step("3. The user sends a text message", b => b.Text("订单 123 到哪了？ 📦", Random.Shared.NextInt64(1, long.MaxValue)), expectReply: true);
await Step("4. The user presses a menu button (CLICK, EventKey=V1001_TODAY_MUSIC)", b => b.Click("V1001_TODAY_MUSIC"), expectReply: true);
await Step($"5. The user asks the slow bot a question (it thinks {BotApp.SlowAnswer.TotalSeconds:0} s; WeChat waits 5 s)", b => b.Text("slow: 帮我写一首诗", Random.Shared.NextInt64(1, long.MaxValue)), expectReply: false);
var lateArrived = false;
for (var waited = TimeSpan.Zero; !lateArrived && waited < TimeSpan.FromSeconds(20); waited += TimeSpan.FromMilliseconds(100))
{
    await Task.Delay(100); // bounded: the reply is due about 8 s after the question
    lateArrived = WeChatApiStandIn.Messages.Any(m => m.GetProperty("touser").GetString() == user);
}

Check(lateArrived, "the bot's late answer reached the user through the customer-service API");

await Step("6. The user asks to be told when the order ships; the bot tells them later through WeChat's API, via the relay", b => b.Text("notify me when order 123 ships", Random.Shared.NextInt64(1, long.MaxValue)), expectReply: true);
var notified = false;
for (var waited = TimeSpan.Zero; !notified && waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(100))
{
    await Task.Delay(100); // bounded: the bot sends it right after its reply
    notified = WeChatApiStandIn.Messages.Any(m => m.GetProperty("touser").GetString() == user && m.GetProperty("text").GetProperty("content").GetString()!.Contains("shipped", StringComparison.Ordinal));
}

Check(notified && WeChatApiStandIn.TokensSeen.All(t => t == WeChatApiStandIn.AccessToken), "the bot's message reached the user with the relay's token (the bot only ever held its client token)");

// The relay first: its graceful shutdown waits for the deliveries in flight (the login mirrors to the bot).
await relay.StopAsync();
await Task.WhenAll(bot.StopAsync(), idaas.StopAsync(), wechatApi.StopAsync());
Console.WriteLine(failures == 0 ? "All six flows went through." : $"{failures} check(s) failed.");
return failures == 0 ? 0 : 1;

async Task Step(string title, Func<PushMessageBuilder, byte[]> build, bool expectReply)
{
    Console.WriteLine();
    Console.WriteLine(title);
    var message = build(new PushMessageBuilder("gh_demo00000000", user, WeChatClock.UnixSeconds(TimeProvider.System)));
    var answer = await wechat.PushAsync(endpoint, message, EncryptionMode.Secure);
    var shown = answer.Reply is { } reply ? $"reply \"{reply.Fields.Content}\" ({(answer.WasEncrypted ? "encrypted for WeChat" : "plain")})" : Encoding.UTF8.GetString(answer.Body);
    Console.WriteLine($"  [wechat] HTTP {answer.StatusCode}: {shown}");
    Check(answer.StatusCode == 200 && answer.Problem is null && (answer.Reply is not null) == expectReply, "WeChat got a valid answer");
}

void Check(bool ok, string what)
{
    Console.WriteLine($"  {(ok ? "✓" : "✗")} {what}");
    failures += ok ? 0 : 1;
}

// A Token or an EncodingAESKey as WeChat's console makes them: letters and digits.
static string NewSecret(int length) =>
    new(Enumerable.Range(0, length).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[Random.Shared.Next(62)]).ToArray());
