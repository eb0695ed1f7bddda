using System.CommandLine;
using System.Diagnostics;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.Cli.Commands;

/// <summary><c>mprelay simulate</c>: plays WeChat against a relay (or any developer server).</summary>
internal static class SimulateCommand
{
    private static readonly string[] Kinds = ["follow", "follow-qr", "scan", "unfollow", "text", "click", "view", "location", "template-result"];

    public static Command Create(HttpClient http)
    {
        var url = CommonOptions.Url("The server URL set in WeChat's console, e.g. https://relay.example.com/wechat/main.");
        var token = CommonOptions.Token();
        var aesKey = new Option<string?>("--aes-key") { Description = "The account's EncodingAESKey (needed for compatible and secure mode)." };
        var appId = new Option<string>("--appid") { Description = "The account's AppId.", DefaultValueFactory = _ => "wxdemo0000000000" };
        var kind = new Option<string>("--kind") { Description = "follow, follow-qr, scan, unfollow, text, click, view, location or template-result.", DefaultValueFactory = _ => "text" };
        kind.AcceptOnlyFromAmong(Kinds);
        var mode = new Option<string>("--mode") { Description = "plain, compatible or secure.", DefaultValueFactory = _ => "secure" };
        mode.AcceptOnlyFromAmong("plain", "compatible", "secure");
        var scene = new Option<string>("--scene") { Description = "The QR scene (follow-qr, scan).", DefaultValueFactory = _ => "login_demo" };
        var key = new Option<string>("--key") { Description = "The menu key (click) or URL (view).", DefaultValueFactory = _ => "MENU_KEY" };
        var content = new Option<string>("--content") { Description = "The text (text).", DefaultValueFactory = _ => "hello" };
        var openId = new Option<string>("--openid") { Description = "The user's OpenID. Default: a fresh one." };
        var to = new Option<string>("--to") { Description = "The account's original id (gh_…).", DefaultValueFactory = _ => "gh_demo00000000" };
        var times = new Option<int>("--times") { Description = "Send the very same push N times, as WeChat's retries do.", DefaultValueFactory = _ => 1 };
        var expectReply = new Option<bool>("--expect-reply") { Description = "Fail (exit 1) unless a passive reply came back: a bare 'success' may only mean the push was queued for a target that is down." };
        var json = CommonOptions.Json();

        var command = new Command("simulate", "Play WeChat: build a push, sign and encrypt it with the account's keys, send it, verify and decrypt the reply.")
        {
            url, token, aesKey, appId, kind, mode, scene, key, content, openId, to, times, expectReply, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var output = new CliOutput(parse, parse.GetValue(json));
            var encryption = parse.GetValue(mode) switch { "plain" => EncryptionMode.Plaintext, "compatible" => EncryptionMode.Compatible, _ => EncryptionMode.Secure };
            var key43 = parse.GetValue(aesKey);
            if (encryption != EncryptionMode.Plaintext && !EncodingAesKey.IsValid(key43))
            {
                output.Error.WriteLine("--aes-key (43 characters) is needed for compatible and secure mode.");
                return ExitCodes.Usage;
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var target))
            {
                output.Error.WriteLine("--url must be an absolute URL.");
                return ExitCodes.Usage;
            }

            var keys = new WeChatKeys(parse.GetValue(token)!, key43 is null ? null : new WeChatCryptor(parse.GetValue(appId)!, key43));
            var builder = new PushMessageBuilder(parse.GetValue(to)!, parse.GetValue(openId) ?? "oSim" + Guid.NewGuid().ToString("N")[..24], WeChatClock.UnixSeconds(TimeProvider.System));
            var message = Build(builder, parse.GetValue(kind)!, parse.GetValue(scene)!, parse.GetValue(key)!, parse.GetValue(content)!);
            var push = PushWriter.Write(PushMessage.Parse(message), keys, encryption, WeChatClock.Timestamp(TimeProvider.System), WeChatClock.Nonce());
            var client = new WeChatPushClient(http, keys);

            var tries = new List<object>();
            var ok = true;
            for (var i = 1; i <= Math.Max(1, parse.GetValue(times)); i++)
            {
                var clock = Stopwatch.StartNew();
                SimulatedReply reply;
                try
                {
                    reply = await client.SendAsync(target, push, encryption != EncryptionMode.Plaintext, cancellation);
                }
                catch (HttpRequestException e)
                {
                    output.Error.WriteLine($"Could not reach {target}: {e.Message}");
                    return ExitCodes.Unreachable;
                }

                var elapsed = clock.Elapsed.TotalMilliseconds;
                ok &= reply.StatusCode == 200 && reply.Problem is null && (reply.Reply is not null || !parse.GetValue(expectReply));
                var shown = reply.Reply is { } r ? $"{r.Fields.MsgType} reply: {r.Fields.Content ?? "(no Content)"}" : System.Text.Encoding.UTF8.GetString(reply.Body);
                tries.Add(new { attempt = i, status = reply.StatusCode, milliseconds = Math.Round(elapsed, 1), encrypted = reply.WasEncrypted, msgType = reply.Reply?.Fields.MsgType, content = reply.Reply?.Fields.Content, body = reply.Reply is null ? shown : null, problem = reply.Problem });
                if (!parse.GetValue(json))
                {
                    output.Out.WriteLine($"try {i}: HTTP {reply.StatusCode} in {elapsed:0.0} ms — {shown}{(reply.WasEncrypted ? " (encrypted, verified)" : string.Empty)}{(reply.Problem is null ? string.Empty : $" — PROBLEM: {reply.Problem}")}");
                }
            }

            output.Result(new { kind = parse.GetValue(kind), mode = parse.GetValue(mode), tries, ok }, _ => { });
            return ok ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static byte[] Build(PushMessageBuilder builder, string kind, string scene, string key, string content) => kind switch
    {
        "follow" => builder.Subscribe(),
        "follow-qr" => builder.Subscribe(scene),
        "scan" => builder.Scan(scene),
        "unfollow" => builder.Unsubscribe(),
        "click" => builder.Click(key),
        "view" => builder.View(key),
        "location" => builder.Location(23.137466, 113.352425, 119.385040),
        "template-result" => builder.TemplateSendJobFinish(Random.Shared.NextInt64(1, long.MaxValue)),
        _ => builder.Text(content, Random.Shared.NextInt64(1, long.MaxValue)),
    };
}
