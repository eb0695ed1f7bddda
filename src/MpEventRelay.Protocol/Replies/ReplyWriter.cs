using System.Text;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Replies;

/// <summary>Writes passive replies: the encrypted envelope, and plain text replies (for bots and tests).</summary>
public static class ReplyWriter
{
    /// <summary>
    /// <c>&lt;xml&gt;&lt;Encrypt/&gt;&lt;MsgSignature/&gt;&lt;TimeStamp/&gt;&lt;Nonce/&gt;&lt;/xml&gt;</c>, signed over its own TimeStamp and Nonce.
    /// </summary>
    public static byte[] Encrypted(ReadOnlySpan<byte> replyXml, WeChatKeys keys, string timestamp, string nonce, AesKeySlot key = AesKeySlot.Current)
    {
        var encrypt = keys.RequireCryptor().Encrypt(replyXml, key);
        return Envelope(encrypt, WeChatSignature.Compute(keys.Token, timestamp, nonce, encrypt), timestamp, nonce);
    }

    /// <summary>The envelope around an existing <c>Encrypt</c> and signature.</summary>
    public static byte[] Envelope(string encrypt, string msgSignature, string timestamp, string nonce)
    {
        var xml = new StringBuilder(encrypt.Length + 200).Append("<xml>");
        XmlText.AppendCdataElement(xml, "Encrypt", encrypt);
        XmlText.AppendCdataElement(xml, "MsgSignature", msgSignature);
        XmlText.AppendElement(xml, "TimeStamp", timestamp);
        XmlText.AppendCdataElement(xml, "Nonce", nonce);
        return Encoding.UTF8.GetBytes(xml.Append("</xml>").ToString());
    }

    /// <summary>A plain text reply to <paramref name="push"/>: To and From swapped, CreateTime in seconds.</summary>
    public static byte[] Text(PushMessage push, string content, long createTime)
    {
        var xml = new StringBuilder(256).Append("<xml>");
        XmlText.AppendCdataElement(xml, "ToUserName", push.FromUserName);
        XmlText.AppendCdataElement(xml, "FromUserName", push.ToUserName);
        XmlText.AppendElement(xml, "CreateTime", createTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        XmlText.AppendCdataElement(xml, "MsgType", "text");
        XmlText.AppendCdataElement(xml, "Content", content);
        return Encoding.UTF8.GetBytes(xml.Append("</xml>").ToString());
    }
}
