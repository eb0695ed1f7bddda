namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// The simple top-level elements of a push, an envelope or a passive reply that anything here reads.
/// Unknown and nested elements are skipped; the exact bytes are kept beside this view, never rebuilt from it.
/// </summary>
public sealed class XmlFields
{
    private ReadOnlyMemory<byte> _source; // the body the flat scanner read, whose bytes the fields still point into
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
    public string? ToUserName { get => Text(ref _toUserName, WeChatElement.ToUserName); internal set => _toUserName.Set(value); }

    /// <summary><c>FromUserName</c>: the user's OpenID on a push.</summary>
    public string? FromUserName { get => Text(ref _fromUserName, WeChatElement.FromUserName); internal set => _fromUserName.Set(value); }

    /// <summary><c>CreateTime</c> as written (seconds; some bots write milliseconds in replies).</summary>
    public string? CreateTime { get => Text(ref _createTime, WeChatElement.CreateTime); internal set => _createTime.Set(value); }

    /// <summary><c>MsgType</c>: <c>event</c>, <c>text</c>, <c>image</c>…</summary>
    public string? MsgType { get => Text(ref _msgType, WeChatElement.MsgType); internal set => _msgType.Set(value); }

    /// <summary><c>Event</c>: <c>subscribe</c>, <c>SCAN</c>, <c>CLICK</c>… (compare case-insensitively).</summary>
    public string? Event { get => Text(ref _event, WeChatElement.Event); internal set => _event.Set(value); }

    /// <summary><c>EventKey</c>: the QR scene (<c>qrscene_</c>-prefixed on subscribe), the menu key or URL.</summary>
    public string? EventKey { get => Text(ref _eventKey, WeChatElement.EventKey); internal set => _eventKey.Set(value); }

    /// <summary><c>Ticket</c> of a parametric QR code.</summary>
    public string? Ticket { get => Text(ref _ticket, WeChatElement.Ticket); internal set => _ticket.Set(value); }

    /// <summary><c>MsgId</c> of a message, or <c>MsgID</c> of a template-send result (64-bit, kept as text).</summary>
    public string? MsgId { get => Text(ref _msgId, WeChatElement.MsgId); internal set => _msgId.Set(value); }

    /// <summary><c>Content</c> of a text message or text reply.</summary>
    public string? Content { get => Text(ref _content, WeChatElement.Content); internal set => _content.Set(value); }

    /// <summary><c>Encrypt</c>: the base64 ciphertext, exactly as it stands.</summary>
    public string? Encrypt { get => Text(ref _encrypt, WeChatElement.Encrypt); internal set => _encrypt.Set(value); }

    /// <summary><c>MsgSignature</c> of an encrypted reply envelope.</summary>
    public string? MsgSignature { get => Text(ref _msgSignature, WeChatElement.MsgSignature); internal set => _msgSignature.Set(value); }

    /// <summary><c>TimeStamp</c> of an encrypted reply envelope.</summary>
    public string? TimeStamp { get => Text(ref _timeStamp, WeChatElement.TimeStamp); internal set => _timeStamp.Set(value); }

    /// <summary><c>Nonce</c> of an encrypted reply envelope.</summary>
    public string? Nonce { get => Text(ref _nonce, WeChatElement.Nonce); internal set => _nonce.Set(value); }

    /// <summary><c>ArticleCount</c> of a news reply, as written.</summary>
    public string? ArticleCount { get => Text(ref _articleCount, WeChatElement.ArticleCount); internal set => _articleCount.Set(value); }

    /// <summary>How many <c>item</c> elements a news reply's <c>Articles</c> holds; null without <c>Articles</c>.</summary>
    public int? ArticleItems { get; internal set; }

    /// <summary>The <c>Encrypt</c> text as the body holds it, when <see cref="EncryptIsUtf8"/>.</summary>
    internal ReadOnlyMemory<byte> EncryptUtf8 => _encrypt.Utf8(_source);

    /// <summary>True when the flat scanner read <c>Encrypt</c> and nobody has made it a string yet.</summary>
    internal bool EncryptIsUtf8 => _encrypt.HasUtf8;

    /// <summary>True when the body has an <c>Encrypt</c> element (empty or not), without making its text a string.</summary>
    internal bool HasEncrypt => _encrypt.IsSet;

    /// <summary>True when <paramref name="element"/> was read already.</summary>
    internal bool Has(WeChatElement element) => element == WeChatElement.Articles ? ArticleItems is not null : Slot(element).IsSet;

    /// <summary>Keeps a text element's value; numbers and the envelope's signature are trimmed, as WeChat's SDKs read them.</summary>
    internal void Set(WeChatElement element, string value) => Slot(element).Set(IsTrimmed(element) ? value.Trim() : value);

    /// <summary>Keeps where a text element's UTF-8 bytes are in <paramref name="source"/> (kept unchanged by its owner), made a string when first read.</summary>
    internal void Set(WeChatElement element, ReadOnlyMemory<byte> source, int start, int length)
    {
        _source = source;
        Slot(element).Set(start, length);
    }

    private string? Text(ref FieldText field, WeChatElement element) => field.Value(_source, IsTrimmed(element));

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
