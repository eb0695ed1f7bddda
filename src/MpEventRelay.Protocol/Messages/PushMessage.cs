using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// A push as the user's action produced it: the typed header and routing fields, and the exact message bytes,
/// so a target with the same keys can receive a byte-identical message.
/// </summary>
public sealed class PushMessage
{
    /// <summary>The prefix WeChat puts before the scene of a follow through a parametric QR code.</summary>
    public const string QrScenePrefix = "qrscene_";

    private PushMessage(ReadOnlyMemory<byte> xml, XmlFields fields, long createTime)
    {
        Xml = xml;
        Fields = fields;
        CreateTime = createTime;
    }

    /// <summary>The exact message XML bytes (UTF-8).</summary>
    public ReadOnlyMemory<byte> Xml { get; }

    /// <summary>Every field read from the message.</summary>
    public XmlFields Fields { get; }

    /// <summary>The account's original id (<c>gh_…</c>).</summary>
    public string ToUserName => Fields.ToUserName!;

    /// <summary>The user's OpenID.</summary>
    public string FromUserName => Fields.FromUserName!;

    /// <summary>Unix seconds.</summary>
    public long CreateTime { get; }

    /// <summary><c>event</c>, <c>text</c>, <c>image</c>…</summary>
    public string MsgType => Fields.MsgType!;

    /// <summary>The event name, when <see cref="MsgType"/> is <c>event</c>.</summary>
    public string? Event => Fields.Event;

    /// <summary>The event key, raw.</summary>
    public string? EventKey => Fields.EventKey;

    /// <summary>The message id (<c>MsgId</c>, or <c>MsgID</c> on template-send results).</summary>
    public string? MsgId => Fields.MsgId;

    /// <summary>The user's text, for a text message.</summary>
    public string? Content => Fields.Content;

    /// <summary>True for <c>MsgType=event</c>, in any letter case.</summary>
    public bool IsEvent => string.Equals(MsgType, "event", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The QR scene: <c>X</c> from <c>EventKey=qrscene_X</c> on subscribe (the prefix stripped once), the raw key on
    /// SCAN, null for anything else (a follow after a payment, with <c>last_trade_no_…</c>, is not a scene).
    /// </summary>
    public string? Scene
    {
        get
        {
            if (EventIs("SCAN"))
            {
                return EventKey;
            }

            return EventIs("subscribe") && EventKey is { } key && key.StartsWith(QrScenePrefix, StringComparison.Ordinal)
                ? key[QrScenePrefix.Length..]
                : null;
        }
    }

    /// <summary>Compares <see cref="Event"/> case-insensitively, as WeChat's event names vary in case.</summary>
    public bool EventIs(string name) => IsEvent && string.Equals(Event, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and checks a message (ToUserName, FromUserName, CreateTime and MsgType are required).</summary>
    /// <exception cref="ProtocolException">The body is too large, not XML, carries a DTD or misses a required element.</exception>
    public static PushMessage Parse(ReadOnlyMemory<byte> xml, int maxBytes = WeChatXmlReader.DefaultMaxBytes) =>
        FromFields(xml, WeChatXmlReader.Read(xml, maxBytes));

    /// <summary>Checks already-read fields of <paramref name="xml"/>.</summary>
    public static PushMessage FromFields(ReadOnlyMemory<byte> xml, XmlFields fields)
    {
        Require(fields.ToUserName, "ToUserName");
        Require(fields.FromUserName, "FromUserName");
        Require(fields.MsgType, "MsgType");
        if (!long.TryParse(fields.CreateTime, out var createTime) || createTime < 0)
        {
            throw new ProtocolException(ProtocolError.MissingElement, "CreateTime is missing or not an integer.");
        }

        return new PushMessage(xml, fields, createTime);
    }

    private static void Require(string? value, string element)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ProtocolException(ProtocolError.MissingElement, $"{element} is missing.");
        }
    }
}
