namespace MpEventRelay.Protocol.Messages;

/// <summary>Which element a name is, one table for both readers so they agree on what counts.</summary>
internal static class WeChatElements
{
    public static WeChatElement Of(ReadOnlySpan<char> name) => name switch
    {
        "ToUserName" => WeChatElement.ToUserName,
        "FromUserName" => WeChatElement.FromUserName,
        "CreateTime" => WeChatElement.CreateTime,
        "MsgType" => WeChatElement.MsgType,
        "Event" => WeChatElement.Event,
        "EventKey" => WeChatElement.EventKey,
        "Ticket" => WeChatElement.Ticket,
        "MsgId" or "MsgID" => WeChatElement.MsgId,
        "Content" => WeChatElement.Content,
        "Encrypt" => WeChatElement.Encrypt,
        "MsgSignature" => WeChatElement.MsgSignature,
        "TimeStamp" => WeChatElement.TimeStamp,
        "Nonce" => WeChatElement.Nonce,
        "ArticleCount" => WeChatElement.ArticleCount,
        "Articles" => WeChatElement.Articles,
        _ => WeChatElement.Other,
    };

    /// <summary>
    /// True for a name WeChat gives meaning to, kept or not: one of them in a namespace (or with a prefix) is refused,
    /// since a reader that ignores namespaces, as WeChat's may, takes it for the element itself.
    /// </summary>
    public static bool IsWeChats(string name) => Of(name) != WeChatElement.Other
        || name is "Image" or "Voice" or "Video" or "Music" or "MediaId" or "xml";
}
