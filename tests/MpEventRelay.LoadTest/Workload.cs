using MpEventRelay.TestKit;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.LoadTest;

/// <summary>
/// Distinct, validly signed, secure-mode pushes with fresh timestamps and unique users and MsgIds (so neither the
/// clock-skew window nor dedup short-circuits them): 20 % login events (to the IDaaS target), 80 % texts and clicks.
/// </summary>
internal sealed class Workload
{
    public const string AppId = "wxload000000000";
    public const string Token = "loadAccountToken";
    public const string Key = TestKeys.AccountKey;
    public const string TargetToken = "loadTargetToken";
    public const string TargetKey = TestKeys.IdaasKey;

    private Workload(IReadOnlyList<(string PathAndQuery, byte[] Body)> requests) => Requests = requests;

    public IReadOnlyList<(string PathAndQuery, byte[] Body)> Requests { get; }

    /// <param name="first">The index of the first push: users and MsgIds continue from earlier calls.</param>
    public static Workload Generate(int count, string runId, int first = 0)
    {
        var keys = new WeChatKeys(Token, new WeChatCryptor(AppId, Key));
        var timestamp = WeChatClock.Timestamp(TimeProvider.System);
        var content = string.Concat(Enumerable.Repeat("你好 hello ", 20));
        var requests = new (string, byte[])[count];
        Parallel.For(0, count, n =>
        {
            var i = first + n;
            var builder = new PushMessageBuilder("gh_load00000000", $"oLoad{runId}{i:D10}", WeChatClock.UnixSeconds(TimeProvider.System));
            var message = (i % 10) switch
            {
                0 => builder.Subscribe($"login_{i}"),
                1 => builder.Scan($"login_{i}"),
                2 => builder.Click($"MENU_{i % 7}"),
                _ => builder.Text(content, (long.Parse(runId, System.Globalization.CultureInfo.InvariantCulture) * 100_000_000) + i),
            };
            var push = PushWriter.Write(PushMessage.Parse(message), keys, EncryptionMode.Secure, timestamp, WeChatClock.Nonce());
            requests[n] = ("/wechat/main?" + push.QueryString, push.Body);
        });
        return new Workload(requests);
    }

    /// <summary>The relay's configuration: Mode Two, both targets on the load target, no mirrors (one delivery per push, as the baseline).</summary>
    /// <param name="trail">The trail on or off; null leaves the key out (another build may not know it).</param>
    public static string RelayConfiguration(string targetBase, string sqlitePath, int dedupCapacity, bool? trail = true) => $$"""
        {
          "Serilog": { "MinimumLevel": { "Default": "Warning" }, "WriteTo": [ { "Name": "Console" } ] },
          "Relay": {
            "Storage": { "SqlitePath": "{{sqlitePath}}" },
            "Dedup": { "Capacity": {{dedupCapacity}} },
            {{(trail is { } on ? $"\"Trail\": {{ \"Enabled\": {(on ? "true" : "false")} }}," : "")}}
            "Accounts": {
              "main": {
                "Path": "/wechat/main", "AppId": "{{AppId}}", "Token": "{{Token}}", "EncodingAESKey": "{{Key}}",
                "Targets": {
                  "idaas": { "Cluster": "idaas", "Token": "{{TargetToken}}", "EncodingAESKey": "{{TargetKey}}", "Encryption": "Secure" },
                  "bot": { "Cluster": "bot", "Token": "{{TargetToken}}", "EncodingAESKey": "{{TargetKey}}", "Encryption": "SameAsInbound" }
                },
                "Routes": [
                  { "Name": "login", "Match": { "MsgType": "event", "Event": [ "subscribe", "SCAN" ] }, "Target": "idaas" },
                  { "Name": "everything-else", "Target": "bot" }
                ]
              }
            }
          },
          "ReverseProxy": { "Clusters": {
            "idaas": { "Destinations": { "d": { "Address": "{{targetBase}}/api/v1/callback/wechatmpqr/idp" } } },
            "bot": { "Destinations": { "d": { "Address": "{{targetBase}}/wx" } } }
          } }
        }
        """;
}
