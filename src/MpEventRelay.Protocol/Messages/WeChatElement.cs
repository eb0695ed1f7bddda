namespace MpEventRelay.Protocol.Messages;

/// <summary>The top-level elements <see cref="XmlFields"/> keeps; <see cref="Other"/> for every element it skips.</summary>
internal enum WeChatElement
{
    Other,
    ToUserName,
    FromUserName,
    CreateTime,
    MsgType,
    Event,
    EventKey,
    Ticket,
    MsgId,
    Content,
    Encrypt,
    MsgSignature,
    TimeStamp,
    Nonce,
    ArticleCount,
    Articles,
}
