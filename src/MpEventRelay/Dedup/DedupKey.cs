using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Dedup;

/// <summary>
/// The identity of a message across WeChat's retries: AppId + MsgId for messages, AppId + FromUserName + CreateTime
/// + Event + EventKey for events (two different events can share a second). Never the nonce or the ciphertext.
/// </summary>
internal static class DedupKey
{
    public static string For(string appId, PushMessage message) =>
        message.MsgId is { Length: > 0 } msgId
            ? $"{appId}|m|{msgId}"
            : $"{appId}|e|{message.FromUserName}|{message.CreateTime}|{message.Event?.ToLowerInvariant()}|{message.EventKey}";

    /// <summary>
    /// The key as sent to targets in the idempotency header: a hash, because header values must be ASCII and the
    /// key holds an OpenID and an EventKey that may be any text.
    /// </summary>
    public static string Header(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
