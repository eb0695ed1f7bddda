using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Protocol.Replies;

/// <summary>A checked passive reply: plain XML bytes ready to hand to WeChat (or to encrypt for it).</summary>
/// <param name="Xml">The reply XML, with CreateTime in seconds.</param>
/// <param name="Fields">The reply's fields.</param>
public sealed record PassiveReply(byte[] Xml, XmlFields Fields)
{
    /// <summary>The user the reply is addressed to.</summary>
    public string ToUserName => Fields.ToUserName!;
}
