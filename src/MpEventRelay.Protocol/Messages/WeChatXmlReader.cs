using System.Text;
using System.Xml;
using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// A hardened reader for WeChat's <c>&lt;xml&gt;…&lt;/xml&gt;</c> bodies: DTDs prohibited, no resolver, size-capped,
/// bytes always read as UTF-8, no reliance on element order, whitespace or CDATA.
/// </summary>
public static class WeChatXmlReader
{
    /// <summary>The default body limit: WeChat's largest pushes are a few KB; 256 KB is generous.</summary>
    public const int DefaultMaxBytes = 256 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };


    /// <summary>Reads the simple top-level elements of a body.</summary>
    /// <exception cref="ProtocolException"><see cref="ProtocolError.TooLarge"/>, <see cref="ProtocolError.Dtd"/> or <see cref="ProtocolError.NotXml"/>.</exception>
    public static XmlFields Read(ReadOnlyMemory<byte> body, int maxBytes = DefaultMaxBytes)
    {
        if (body.Length > maxBytes)
        {
            throw new ProtocolException(ProtocolError.TooLarge, $"The body is {body.Length} bytes; the limit is {maxBytes}.");
        }

        if (body.Span.IndexOf("<!DOCTYPE"u8) >= 0)
        {
            throw new ProtocolException(ProtocolError.Dtd, "The body carries a DTD, which is refused.");
        }

        if (!DeclaresUtf8OrNothing(body.Span))
        {
            throw new ProtocolException(ProtocolError.NotXml, "The body declares an encoding other than UTF-8.");
        }

        try
        {
            return ReadFields(body);
        }
        catch (XmlException e)
        {
            throw new ProtocolException(ProtocolError.NotXml, $"The body is not well-formed XML (line {e.LineNumber}).", e);
        }
    }

    private static XmlFields ReadFields(ReadOnlyMemory<byte> body)
    {
        var fields = new XmlFields();
        using var reader = XmlReader.Create(new ReadOnlyMemoryStream(body), Settings);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "xml")
        {
            throw new ProtocolException(ProtocolError.NotXml, "The root element is not <xml>.");
        }

        if (reader.IsEmptyElement)
        {
            return fields;
        }

        reader.Read();
        while (reader.MoveToContent() == XmlNodeType.Element)
        {
            if (!TryReadKnown(reader, fields))
            {
                reader.Skip();
            }
        }

        if (reader.NodeType != XmlNodeType.EndElement)
        {
            throw new ProtocolException(ProtocolError.NotXml, "Text outside elements inside <xml>.");
        }

        reader.Read();
        if (reader.MoveToContent() != XmlNodeType.None)
        {
            throw new ProtocolException(ProtocolError.NotXml, "Content after </xml>.");
        }

        return fields;
    }

    // WeChat's bodies are UTF-8 and XmlReader's default is UTF-8; a declaration naming another encoding would make it
    // decode the bytes differently from every WeChat SDK, so it is refused. (Forcing the encoding through an
    // XmlParserContext costs 4.5 KB per document.)
    private static bool DeclaresUtf8OrNothing(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith("<?xml"u8))
        {
            return true;
        }

        var end = body.IndexOf("?>"u8);
        var declaration = end < 0 ? body : body[..end];
        var encoding = declaration.IndexOf("encoding"u8);
        if (encoding < 0)
        {
            return true;
        }

        var value = declaration[(encoding + "encoding"u8.Length)..].TrimStart(" =\"'"u8);
        return Ascii.EqualsIgnoreCase(value[..Math.Min(5, value.Length)], "utf-8"u8) || Ascii.EqualsIgnoreCase(value[..Math.Min(4, value.Length)], "utf8"u8);
    }

    private static bool TryReadKnown(XmlReader reader, XmlFields fields)
    {
        switch (reader.LocalName)
        {
            case "ToUserName": fields.ToUserName = reader.ReadElementContentAsString(); return true;
            case "FromUserName": fields.FromUserName = reader.ReadElementContentAsString(); return true;
            case "CreateTime": fields.CreateTime = reader.ReadElementContentAsString().Trim(); return true;
            case "MsgType": fields.MsgType = reader.ReadElementContentAsString(); return true;
            case "Event": fields.Event = reader.ReadElementContentAsString(); return true;
            case "EventKey": fields.EventKey = reader.ReadElementContentAsString(); return true;
            case "Ticket": fields.Ticket = reader.ReadElementContentAsString(); return true;
            case "MsgId" or "MsgID": fields.MsgId = reader.ReadElementContentAsString().Trim(); return true;
            case "Content": fields.Content = reader.ReadElementContentAsString(); return true;
            case "Encrypt": fields.Encrypt = reader.ReadElementContentAsString(); return true;
            case "MsgSignature": fields.MsgSignature = reader.ReadElementContentAsString().Trim(); return true;
            case "TimeStamp": fields.TimeStamp = reader.ReadElementContentAsString().Trim(); return true;
            case "Nonce": fields.Nonce = reader.ReadElementContentAsString(); return true;
            default: return false;
        }
    }
}
