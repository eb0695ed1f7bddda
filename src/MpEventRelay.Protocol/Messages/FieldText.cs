using System.Text;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// One element's text: the string XmlReader read, or where the flat scanner found its UTF-8 bytes in the body (which
/// the fields keep alive), made a string the first time someone reads it. Most pushes never read most of their fields
/// as strings: the envelope's <c>Encrypt</c> is verified and decrypted from its bytes, <c>Content</c> is read by few
/// routes. 16 bytes: the fields hold fifteen of these, twice a push.
/// </summary>
internal struct FieldText
{
    private string? _text;
    private int _start;
    private int _lengthPlusOne; // 0: no bytes (the default: nothing read, or a string set)

    public readonly bool IsSet => _text is not null || _lengthPlusOne != 0;

    /// <summary>True while the text is still only bytes in the body.</summary>
    public readonly bool HasUtf8 => _text is null && _lengthPlusOne != 0;

    /// <summary>The text, made from the bytes of <paramref name="source"/> on first use (a race makes the same string twice, nothing worse).</summary>
    public string? Value(ReadOnlyMemory<byte> source, bool trim)
    {
        if (_text is null && _lengthPlusOne != 0)
        {
            var text = Encoding.UTF8.GetString(Utf8(source).Span);
            _text = trim ? text.Trim() : text;
        }

        return _text;
    }

    /// <summary>The bytes in <paramref name="source"/>, while <see cref="HasUtf8"/>.</summary>
    public readonly ReadOnlyMemory<byte> Utf8(ReadOnlyMemory<byte> source) => _lengthPlusOne == 0 ? default : source.Slice(_start, _lengthPlusOne - 1);

    public void Set(string? text)
    {
        _text = text;
        _lengthPlusOne = 0;
    }

    /// <summary>Valid UTF-8 at <paramref name="start"/> in the body (the scanner checked it whole).</summary>
    public void Set(int start, int length)
    {
        _text = null;
        _start = start;
        _lengthPlusOne = length + 1;
    }
}
