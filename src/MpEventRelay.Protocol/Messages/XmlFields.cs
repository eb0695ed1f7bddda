namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// The simple top-level elements of a push, an envelope or a passive reply that anything here reads.
/// Unknown and nested elements are skipped; the exact bytes are kept beside this view, never rebuilt from it.
/// </summary>
public sealed class XmlFields
{
    private FieldText _toUserName;
    private FieldText _fromUserName;
    private FieldText _createTime;
    private FieldText _msgType;
    private FieldText _event;
    private FieldText _eventKey;
    private FieldText _ticket;
    private FieldText _msgId;
    private FieldText _content;
    private FieldText _encrypt;
    private FieldText _msgSignature;
    private FieldText _timeStamp;
    private FieldText _nonce;
    private FieldText _articleCount;

    /// <summary><c>ToUserName</c>: the account's <c>gh_…</c> id on a push, the user's OpenID on a reply.</summary>
    public string? ToUserName { get => _toUserName.Value; internal set => _toUserName.Set(value); }

    /// <summary><c>FromUserName</c>: the user's OpenID on a push.</summary>
    public string? FromUserName { get => _fromUserName.Value; internal set => _fromUserName.Set(value); }

    /// <summary><c>CreateTime</c> as written (seconds; some bots write milliseconds in replies).</summary>
    public string? CreateTime { get => _createTime.Value; internal set => _createTime.Set(value); }

    /// <summary><c>MsgType</c>: <c>event</c>, <c>text</c>, <c>image</c>…</summary>
    public string? MsgType { get => _msgType.Value; internal set => _msgType.Set(value); }

    /// <summary><c>Event</c>: <c>subscribe</c>, <c>SCAN</c>, <c>CLICK</c>… (compare case-insensitively).</summary>
    public string? Event { get => _event.Value; internal set => _event.Set(value); }

    /// <summary><c>EventKey</c>: the QR scene (<c>qrscene_</c>-prefixed on subscribe), the menu key or URL.</summary>
    public string? EventKey { get => _eventKey.Value; internal set => _eventKey.Set(value); }

    /// <summary><c>Ticket</c> of a parametric QR code.</summary>
    public string? Ticket { get => _ticket.Value; internal set => _ticket.Set(value); }

    /// <summary><c>MsgId</c> of a message, or <c>MsgID</c> of a template-send result (64-bit, kept as text).</summary>
    public string? MsgId { get => _msgId.Value; internal set => _msgId.Set(value); }

    /// <summary><c>Content</c> of a text message or text reply.</summary>
    public string? Content { get => _content.Value; internal set => _content.Set(value); }

    /// <summary><c>Encrypt</c>: the base64 ciphertext, exactly as it stands.</summary>
    public string? Encrypt { get => _encrypt.Value; internal set => _encrypt.Set(value); }

    /// <summary><c>MsgSignature</c> of an encrypted reply envelope.</summary>
    public string? MsgSignature { get => _msgSignature.Value; internal set => _msgSignature.Set(value); }

    /// <summary><c>TimeStamp</c> of an encrypted reply envelope.</summary>
    public string? TimeStamp { get => _timeStamp.Value; internal set => _timeStamp.Set(value); }

    /// <summary><c>Nonce</c> of an encrypted reply envelope.</summary>
    public string? Nonce { get => _nonce.Value; internal set => _nonce.Set(value); }

    /// <summary><c>ArticleCount</c> of a news reply, as written.</summary>
    public string? ArticleCount { get => _articleCount.Value; internal set => _articleCount.Set(value); }

    /// <summary>How many <c>item</c> elements a news reply's <c>Articles</c> holds; null without <c>Articles</c>.</summary>
    public int? ArticleItems { get; internal set; }

    /// <summary>The <c>Encrypt</c> text as the body holds it, when <see cref="EncryptIsUtf8"/>.</summary>
    internal ReadOnlyMemory<byte> EncryptUtf8 => _encrypt.Utf8;

    /// <summary>True when the flat scanner read <c>Encrypt</c> and nobody has made it a string yet.</summary>
    internal bool EncryptIsUtf8 => _encrypt.HasUtf8;

    /// <summary>True when the body has an <c>Encrypt</c> element (empty or not), without making its text a string.</summary>
    internal bool HasEncrypt => _encrypt.IsSet;

    /// <summary>True when <paramref name="element"/> was read already.</summary>
    internal bool Has(WeChatElement element) => element == WeChatElement.Articles ? ArticleItems is not null : Slot(element).IsSet;

    /// <summary>Keeps a text element's value; numbers and the envelope's signature are trimmed, as WeChat's SDKs read them.</summary>
    internal void Set(WeChatElement element, string value) => Slot(element).Set(IsTrimmed(element) ? value.Trim() : value);

    /// <summary>Keeps a text element's UTF-8 bytes (a slice of a body that outlives these fields), made a string when first read.</summary>
    internal void Set(WeChatElement element, ReadOnlyMemory<byte> utf8) => Slot(element).Set(utf8, IsTrimmed(element));

    private static bool IsTrimmed(WeChatElement element) => element is WeChatElement.CreateTime or WeChatElement.MsgId
        or WeChatElement.MsgSignature or WeChatElement.TimeStamp or WeChatElement.ArticleCount;

    private ref FieldText Slot(WeChatElement element)
    {
        switch (element)
        {
            case WeChatElement.ToUserName: return ref _toUserName;
            case WeChatElement.FromUserName: return ref _fromUserName;
            case WeChatElement.CreateTime: return ref _createTime;
            case WeChatElement.MsgType: return ref _msgType;
            case WeChatElement.Event: return ref _event;
            case WeChatElement.EventKey: return ref _eventKey;
            case WeChatElement.Ticket: return ref _ticket;
            case WeChatElement.MsgId: return ref _msgId;
            case WeChatElement.Content: return ref _content;
            case WeChatElement.Encrypt: return ref _encrypt;
            case WeChatElement.MsgSignature: return ref _msgSignature;
            case WeChatElement.TimeStamp: return ref _timeStamp;
            case WeChatElement.Nonce: return ref _nonce;
            case WeChatElement.ArticleCount: return ref _articleCount;
            default: throw new ArgumentOutOfRangeException(nameof(element), element, "Not a text element.");
        }
    }
}
