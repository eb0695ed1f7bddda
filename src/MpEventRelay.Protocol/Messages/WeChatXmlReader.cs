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

    /// <summary>Reads the simple top-level elements of a body. The fields may refer to its bytes: keep them unchanged while the fields are in use.</summary>
    /// <exception cref="ProtocolException"><see cref="ProtocolError.TooLarge"/>, <see cref="ProtocolError.Dtd"/> or <see cref="ProtocolError.NotXml"/>.</exception>
    public static XmlFields Read(ReadOnlyMemory<byte> body, int maxBytes = DefaultMaxBytes) => Read(body, maxBytes, flat: true);

    /// <summary>Reads a body, with <paramref name="flat"/> false by XmlReader alone (for the tests that compare the two).</summary>
    internal static XmlFields Read(ReadOnlyMemory<byte> body, int maxBytes, bool flat)
    {
        if (body.Length > maxBytes)
        {
            throw new ProtocolException(ProtocolError.TooLarge, $"The body is {body.Length} bytes; the limit is {maxBytes}.");
        }

        if (body.Span.IndexOf("<!DOCTYPE"u8) >= 0)
        {
            throw new ProtocolException(ProtocolError.Dtd, "The body carries a DTD, which is refused.");
        }

        if (!LooksLikeUtf8(body.Span))
        {
            throw new ProtocolException(ProtocolError.NotXml, "The body is not UTF-8 (a UTF-16 or UTF-32 byte order mark, or NUL bytes).");
        }

        if (!DeclaresUtf8OrNothing(body.Span))
        {
            throw new ProtocolException(ProtocolError.NotXml, "The body declares an encoding other than UTF-8.");
        }

        try
        {
            var fields = new XmlFields();
            return flat && FlatXmlScanner.TryRead(body, fields) ? fields : ReadWithXmlReader(body);
        }
        catch (XmlException e)
        {
            throw new ProtocolException(ProtocolError.NotXml, $"The body is not well-formed XML (line {e.LineNumber}).", e);
        }
    }

    // What the flat scanner leaves to XmlReader, and every body when asked.
    private static XmlFields ReadWithXmlReader(ReadOnlyMemory<byte> body)
    {
        var fields = new XmlFields();
        using var reader = XmlReader.Create(new ReadOnlyMemoryStream(body), Settings);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "xml" || reader.NamespaceURI.Length != 0)
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

        // Reading on makes XmlReader refuse anything after </xml> but comments and whitespace (an XmlException).
        reader.Read();
        reader.MoveToContent();
        return fields;
    }

    // XmlReader honours a UTF-16/32 byte order mark (or the 3C 00 pattern of BOM-less UTF-16) over any declaration:
    // such a body would be read as text no WeChat SDK downstream sees. UTF-8, with or without its BOM, only.
    private static bool LooksLikeUtf8(ReadOnlySpan<byte> body) =>
        !(body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || body.IndexOf((byte)0) >= 0);

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
        return value.Length >= 5 && Ascii.EqualsIgnoreCase(value[..5], "utf-8"u8); // .NET's XmlReader knows no "utf8"
    }

    // Only WeChat's own elements count: no namespace. Each may appear once; a second one is refused rather than
    // picking one of the two, since a target reading the same bytes might pick the other.
    private static bool TryReadKnown(XmlReader reader, XmlFields fields)
    {
        if (reader.NamespaceURI.Length != 0 || reader.Prefix.Length != 0)
        {
            if (WeChatElements.IsWeChats(reader.LocalName))
            {
                throw new ProtocolException(ProtocolError.DuplicateElement, $"<{reader.Name}> is a WeChat element in a namespace.");
            }

            return false;
        }

        var element = WeChatElements.Of(reader.LocalName);
        if (element == WeChatElement.Other)
        {
            return false;
        }

        if (fields.Has(element))
        {
            throw new ProtocolException(ProtocolError.DuplicateElement, $"<{reader.LocalName}> appears more than once.");
        }

        if (element == WeChatElement.Articles)
        {
            fields.ArticleItems = CountItems(reader);
        }
        else
        {
            fields.Set(element, reader.ReadElementContentAsString());
        }

        return true;
    }

    // The <item> children of <Articles>; the reader ends past </Articles>.
    private static int CountItems(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return 0;
        }

        var items = 0;
        reader.Read();
        while (reader.MoveToContent() != XmlNodeType.EndElement)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "item" && reader.NamespaceURI.Length == 0 && reader.Prefix.Length == 0)
            {
                items++;
            }

            reader.Skip();
        }

        reader.Read();
        return items;
    }
}
