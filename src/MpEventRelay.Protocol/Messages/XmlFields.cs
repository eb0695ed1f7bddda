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

    /// <summary>True when <paramref name="element"/> was read already.</summary>
    internal bool Has(WeChatElement element) => element switch
    {
        WeChatElement.ToUserName => ToUserName is not null,
        WeChatElement.FromUserName => FromUserName is not null,
        WeChatElement.CreateTime => CreateTime is not null,
        WeChatElement.MsgType => MsgType is not null,
        WeChatElement.Event => Event is not null,
        WeChatElement.EventKey => EventKey is not null,
        WeChatElement.Ticket => Ticket is not null,
        WeChatElement.MsgId => MsgId is not null,
        WeChatElement.Content => Content is not null,
        WeChatElement.Encrypt => Encrypt is not null,
        WeChatElement.MsgSignature => MsgSignature is not null,
        WeChatElement.TimeStamp => TimeStamp is not null,
        WeChatElement.Nonce => Nonce is not null,
        WeChatElement.ArticleCount => ArticleCount is not null,
        WeChatElement.Articles => ArticleItems is not null,
        _ => false,
    };

    /// <summary>Keeps a text element's value; numbers and the envelope's signature are trimmed, as WeChat's SDKs read them.</summary>
    internal void Set(WeChatElement element, string value)
    {
        switch (element)
        {
            case WeChatElement.ToUserName: ToUserName = value; break;
            case WeChatElement.FromUserName: FromUserName = value; break;
            case WeChatElement.CreateTime: CreateTime = value.Trim(); break;
            case WeChatElement.MsgType: MsgType = value; break;
            case WeChatElement.Event: Event = value; break;
            case WeChatElement.EventKey: EventKey = value; break;
            case WeChatElement.Ticket: Ticket = value; break;
            case WeChatElement.MsgId: MsgId = value.Trim(); break;
            case WeChatElement.Content: Content = value; break;
            case WeChatElement.Encrypt: Encrypt = value; break;
            case WeChatElement.MsgSignature: MsgSignature = value.Trim(); break;
            case WeChatElement.TimeStamp: TimeStamp = value.Trim(); break;
            case WeChatElement.Nonce: Nonce = value; break;
            case WeChatElement.ArticleCount: ArticleCount = value.Trim(); break;
            default: throw new ArgumentOutOfRangeException(nameof(element), element, "Not a text element.");
        }
    }
}
