using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// Reads the flat shape WeChat and its SDKs write — <c>&lt;xml&gt;</c>, then elements each holding one CDATA section or
/// plain text, then <c>&lt;/xml&gt;</c> — without <see cref="System.Xml.XmlReader"/>, which allocates about 7 KB per
/// document (two documents a push). It decides nothing itself: anything outside that shape (a declaration, a byte
/// order mark, attributes, nesting, entities, comments, a carriage return, whitespace-only text, invalid UTF-8 or XML
/// characters, an element read twice) returns false and the caller reads the same bytes with XmlReader, so every
/// refusal and every unusual reading stays XmlReader's. Tested against XmlReader on generated bodies.
/// </summary>
internal static class FlatXmlScanner
{
    private const int MaxNameLength = 64;

    // Control characters XML refuses, and CR, which XmlReader turns into LF (also inside CDATA).
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create([.. Enumerable.Range(0, 32).Where(b => b is not ('\t' or '\n')).Select(b => (byte)b)]);

    private static readonly SearchValues<byte> NameBytes = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"u8);

    private static ReadOnlySpan<byte> Whitespace => " \t\n"u8;

    private static ReadOnlySpan<byte> CdataOpen => "<![CDATA["u8;

    private static ReadOnlySpan<byte> CdataClose => "]]>"u8;

    /// <summary>Fills <paramref name="fields"/> and returns true, or returns false (with <paramref name="fields"/> partly filled) for XmlReader to read it.</summary>
    /// <remarks>The fields keep slices of <paramref name="memory"/> and make them strings when first read: keep it unchanged.</remarks>
    public static bool TryRead(ReadOnlyMemory<byte> memory, XmlFields fields)
    {
        var body = memory.Span;
        if (!body.StartsWith("<xml>"u8) || body.IndexOfAny(ControlBytes) >= 0 || HasNonCharacter(body) || !Utf8.IsValid(body))
        {
            return false;
        }

        var rest = body["<xml>"u8.Length..];
        while (true)
        {
            rest = rest.TrimStart(Whitespace);
            if (rest.StartsWith("</xml>"u8))
            {
                return rest["</xml>"u8.Length..].TrimStart(Whitespace).IsEmpty;
            }

            if (!TryReadElement(ref rest, memory, fields))
            {
                return false;
            }
        }
    }

    private static bool TryReadElement(ref ReadOnlySpan<byte> rest, ReadOnlyMemory<byte> body, XmlFields fields)
    {
        if (!TryReadTag(ref rest, "<"u8, out var name) || !TryReadValue(ref rest, out var value))
        {
            return false;
        }

        if (!TryReadTag(ref rest, "</"u8, out var end) || !end.SequenceEqual(name))
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        var length = Encoding.ASCII.GetChars(name, chars);
        var element = WeChatElements.Of(chars[..length]);
        if (element == WeChatElement.Other)
        {
            return true;
        }

        // Articles holds items, and a second reading of an element is refused with XmlReader's reason.
        if (element == WeChatElement.Articles || fields.Has(element))
        {
            return false;
        }

        if (body.Span.Overlaps(value, out var offset))
        {
            fields.Set(element, body, offset, value.Length);
        }
        else
        {
            fields.Set(element, string.Empty); // an empty value overlaps nothing
        }

        return true;
    }

    // <Name> or </Name>: an ASCII name (letter or underscore first) and nothing else inside the brackets.
    private static bool TryReadTag(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> open, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (!rest.StartsWith(open))
        {
            return false;
        }

        var after = rest[open.Length..];
        var length = after.IndexOfAnyExcept(NameBytes);
        if (length is <= 0 or > MaxNameLength || after[length] != '>' || char.IsAsciiDigit((char)after[0]))
        {
            return false;
        }

        name = after[..length];
        rest = after[(length + 1)..];
        return true;
    }

    // One CDATA section, or plain text that needs no decoding (no entity, no "]]>", not whitespace alone).
    private static bool TryReadValue(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> value)
    {
        if (rest.StartsWith(CdataOpen))
        {
            var content = rest[CdataOpen.Length..];
            var end = content.IndexOf(CdataClose);
            value = end < 0 ? default : content[..end];
            rest = end < 0 ? rest : content[(end + CdataClose.Length)..];
            return end >= 0;
        }

        var text = rest.IndexOf((byte)'<');
        value = text < 0 ? default : rest[..text];
        if (text < 0 || value.Contains((byte)'&') || value.IndexOf(CdataClose) >= 0 || (!value.IsEmpty && value.IndexOfAnyExcept(Whitespace) < 0))
        {
            return false;
        }

        rest = rest[text..];
        return true;
    }

    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
    private static bool HasNonCharacter(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> prefix = [0xEF, 0xBF];
        for (var at = body.IndexOf(prefix); at >= 0; at = body.IndexOf(prefix))
        {
            if (at + 2 < body.Length && body[at + 2] >= 0xBE)
            {
                return true;
            }

            body = body[(at + prefix.Length)..];
        }

        return false;
    }
}
