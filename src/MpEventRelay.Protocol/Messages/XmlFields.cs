namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// The simple top-level elements of a push, an envelope or a passive reply that anything here reads.
/// Unknown and nested elements are skipped; the exact bytes are kept beside this view, never rebuilt from it.
/// </summary>
public sealed class XmlFields
{
    /// <summary><c>ToUserName</c>: the account's <c>gh_…</c> id on a push, the user's OpenID on a reply.</summary>
    public string? ToUserName { get; internal set; }

    /// <summary><c>FromUserName</c>: the user's OpenID on a push.</summary>
    public string? FromUserName { get; internal set; }

    /// <summary><c>CreateTime</c> as written (seconds; some bots write milliseconds in replies).</summary>
    public string? CreateTime { get; internal set; }

    /// <summary><c>MsgType</c>: <c>event</c>, <c>text</c>, <c>image</c>…</summary>
    public string? MsgType { get; internal set; }

    /// <summary><c>Event</c>: <c>subscribe</c>, <c>SCAN</c>, <c>CLICK</c>… (compare case-insensitively).</summary>
    public string? Event { get; internal set; }

    /// <summary><c>EventKey</c>: the QR scene (<c>qrscene_</c>-prefixed on subscribe), the menu key or URL.</summary>
    public string? EventKey { get; internal set; }

    /// <summary><c>Ticket</c> of a parametric QR code.</summary>
    public string? Ticket { get; internal set; }

    /// <summary><c>MsgId</c> of a message, or <c>MsgID</c> of a template-send result (64-bit, kept as text).</summary>
    public string? MsgId { get; internal set; }

    /// <summary><c>Content</c> of a text message or text reply.</summary>
    public string? Content { get; internal set; }

    /// <summary><c>Encrypt</c>: the base64 ciphertext, exactly as it stands.</summary>
    public string? Encrypt { get; internal set; }

    /// <summary><c>MsgSignature</c> of an encrypted reply envelope.</summary>
    public string? MsgSignature { get; internal set; }

    /// <summary><c>TimeStamp</c> of an encrypted reply envelope.</summary>
    public string? TimeStamp { get; internal set; }

    /// <summary><c>Nonce</c> of an encrypted reply envelope.</summary>
    public string? Nonce { get; internal set; }

    /// <summary><c>ArticleCount</c> of a news reply, as written.</summary>
    public string? ArticleCount { get; internal set; }

    /// <summary>How many <c>item</c> elements a news reply's <c>Articles</c> holds; null without <c>Articles</c>.</summary>
    public int? ArticleItems { get; internal set; }
}
