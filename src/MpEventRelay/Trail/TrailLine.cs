using System.Text.Json;

namespace MpEventRelay.Trail;

/// <summary>
/// One stored event: a JSON object on a line of its batch, <c>id</c>, <c>at</c> (Unix ms) and <c>kind</c> first so a
/// search knows what it reads before the fields that depend on it. Never content, an OpenID (only its keyed hash),
/// tokens or keys: <see cref="TrailEvent"/> carries none.
/// </summary>
internal static class TrailLine
{
    public const string WeChat = "wechat";
    public const string Delivery = "delivery";
    public const string DeadLetter = "dead-letter";
    public const string LateReply = "late-reply";
    public const string ReplyRefused = "reply-refused";

    /// <summary>A WeChat try's outcome: its detail up to a '+' ("replied+reply" is "replied"), as searches match it.</summary>
    public static ReadOnlySpan<char> OutcomeOf(string detail) =>
        detail.IndexOf('+') is var plus and >= 0 ? detail.AsSpan(0, plus) : detail.AsSpan();

    /// <summary>Writes <paramref name="e"/> as one line (the caller adds the newline).</summary>
    public static void Write(Utf8JsonWriter json, TrailEvent e)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, e.TrailId);
        json.WriteNumber("at"u8, e.AtMs);
        json.WriteString("kind"u8, e.Kind switch
        {
            TrailEventKind.WeChatTry => WeChat,
            TrailEventKind.Delivery => Delivery,
            TrailEventKind.DeadLetter => DeadLetter,
            TrailEventKind.ReplyRefused => ReplyRefused,
            _ => LateReply,
        });
        Optional("account"u8, e.Account);
        Optional("route"u8, e.Route);
        Optional("type"u8, e.MessageKind);
        Optional("msgId"u8, e.MsgId);
        Optional("openId"u8, e.OpenIdHash);
        Optional("target"u8, e.Target);
        Optional("destination"u8, e.Destination);
        if (e.Status is { } status)
        {
            json.WriteNumber("status"u8, status);
        }

        if (e.LatencyMs is { } latency)
        {
            json.WriteNumber("latencyMs"u8, latency);
        }

        Optional("error"u8, e.Error);
        if (e.Attempt is { } attempt)
        {
            json.WriteNumber("attempt"u8, attempt);
        }

        Optional("detail"u8, e.Detail);
        if (e.Count is { } count)
        {
            json.WriteNumber("count"u8, count);
        }

        if (e.LastAtMs is { } lastAt)
        {
            json.WriteNumber("lastAt"u8, lastAt);
        }

        json.WriteEndObject();

        void Optional(ReadOnlySpan<byte> name, string? value)
        {
            if (value is not null)
            {
                json.WriteString(name, value);
            }
        }
    }
}
