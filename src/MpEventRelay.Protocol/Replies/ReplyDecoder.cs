using System.Text;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Protocol.Replies;

/// <summary>
/// Reads what a developer server answered to a push: <c>success</c> or an empty body (no reply), a plain XML reply,
/// or an encrypted envelope signed with that server's Token. Checks the result is a passive reply WeChat accepts.
/// </summary>
public static class ReplyDecoder
{
    private const long LargestSecondsTimestamp = 99_999_999_999;

    /// <summary>The most UTF-8 bytes of a text reply's Content WeChat delivers (its API answers 45002 beyond).</summary>
    public const int MaxTextBytes = 2048;

    /// <summary>The most articles a news reply may carry.</summary>
    public const int MaxArticles = 8;

    /// <summary>
    /// The largest passive reply passed on. WeChat publishes no figure; its largest valid reply (eight articles of
    /// titles, descriptions and URLs) is a few KB, so anything past this is not one.
    /// </summary>
    public const int MaxReplyBytes = 20 * 1024;

    /// <summary>Reads a reply; null means "no reply".</summary>
    /// <param name="body">What the server answered.</param>
    /// <param name="keys">The answering server's Token and cryptor (its AppId is the account's).</param>
    /// <param name="maxBytes">The body limit.</param>
    /// <exception cref="ProtocolException">The answer is not a usable passive reply.</exception>
    public static PassiveReply? Decode(ReadOnlyMemory<byte> body, WeChatKeys keys, int maxBytes = WeChatXmlReader.DefaultMaxBytes)
    {
        if (IsNoReply(body.Span))
        {
            return null;
        }

        var fields = WeChatXmlReader.Read(body, maxBytes);
        if (fields.Encrypt is null)
        {
            return Check(body.ToArray(), fields);
        }

        if (!WeChatSignature.Verify(fields.MsgSignature, keys.Token, fields.TimeStamp ?? string.Empty, fields.Nonce ?? string.Empty, fields.Encrypt))
        {
            throw new ProtocolException(ProtocolError.BadSignature, "The reply's MsgSignature does not match the target's Token.");
        }

        if (keys.Cryptor is null)
        {
            throw new ProtocolException(ProtocolError.BadKey, "The reply is encrypted but the target has no EncodingAESKey.");
        }

        var inner = keys.Cryptor.Decrypt(fields.Encrypt).Message;
        return IsNoReply(inner) ? null : Check(inner, WeChatXmlReader.Read(inner, maxBytes));
    }

    /// <summary><c>success</c> (any case) or nothing but whitespace: WeChat's "no reply".</summary>
    public static bool IsNoReply(ReadOnlySpan<byte> body)
    {
        var trimmed = body.Trim(" \t\r\n"u8);
        return trimmed.IsEmpty || Ascii.EqualsIgnoreCase(trimmed, "success"u8);
    }

    private static PassiveReply Check(byte[] xml, XmlFields fields)
    {
        if (string.IsNullOrEmpty(fields.ToUserName) || string.IsNullOrEmpty(fields.FromUserName) || string.IsNullOrEmpty(fields.MsgType))
        {
            throw new ProtocolException(ProtocolError.MissingElement, "A passive reply needs ToUserName, FromUserName and MsgType.");
        }

        if (!long.TryParse(fields.CreateTime, out var createTime) || createTime < 0)
        {
            throw new ProtocolException(ProtocolError.MissingElement, "A passive reply needs an integer CreateTime.");
        }

        if (string.Equals(fields.MsgType, "text", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(fields.Content))
        {
            throw new ProtocolException(ProtocolError.MissingElement, "A text reply needs a non-empty Content.");
        }

        CheckLimits(xml, fields);

        // Bots written for JavaScript clocks answer in milliseconds; WeChat calls that an invalid response.
        if (createTime > LargestSecondsTimestamp)
        {
            var seconds = (createTime / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            xml = ReplaceCreateTime(xml, seconds);
            fields.CreateTime = seconds;
        }

        return new PassiveReply(xml, fields);
    }

    // What WeChat would refuse or cut is refused here, where the target and the reason are known.
    private static void CheckLimits(byte[] xml, XmlFields fields)
    {
        if (xml.Length > MaxReplyBytes)
        {
            throw new ProtocolException(ProtocolError.OverLimit, $"The reply is {xml.Length} bytes; a passive reply is at most {MaxReplyBytes}.");
        }

        if (fields.Content is { } content && Encoding.UTF8.GetByteCount(content) is var textBytes && textBytes > MaxTextBytes)
        {
            throw new ProtocolException(ProtocolError.OverLimit, $"The reply's Content is {textBytes} bytes; WeChat takes at most {MaxTextBytes}.");
        }

        if (string.Equals(fields.MsgType, "news", StringComparison.OrdinalIgnoreCase))
        {
            var items = fields.ArticleItems ?? 0;
            if (!int.TryParse(fields.ArticleCount, out var count) || count != items)
            {
                throw new ProtocolException(ProtocolError.MissingElement, $"A news reply's ArticleCount ({fields.ArticleCount ?? "none"}) is not its number of articles ({items}).");
            }

            if (items is < 1 or > MaxArticles)
            {
                throw new ProtocolException(ProtocolError.OverLimit, $"The news reply has {items} articles; WeChat takes 1 to {MaxArticles}.");
            }
        }
    }

    private static byte[] ReplaceCreateTime(byte[] xml, string seconds)
    {
        var span = xml.AsSpan();
        var open = span.IndexOf("<CreateTime>"u8);
        var close = span.IndexOf("</CreateTime>"u8);
        if (open < 0 || close < open)
        {
            throw new ProtocolException(ProtocolError.MissingElement, "CreateTime is not a simple element.");
        }

        var start = open + "<CreateTime>"u8.Length;
        var digits = Encoding.ASCII.GetBytes(seconds);
        var result = new byte[xml.Length - (close - start) + digits.Length];
        span[..start].CopyTo(result);
        digits.CopyTo(result.AsSpan(start));
        span[close..].CopyTo(result.AsSpan(start + digits.Length));
        return result;
    }
}
