using System.Text;

namespace MpEventRelay.Protocol.Messages;

/// <summary>
/// One element's text: the string XmlReader read, or the UTF-8 bytes the flat scanner found in the body (which the
/// message keeps alive), made a string the first time someone reads it. Most pushes never read most of their fields
/// as strings: the envelope's <c>Encrypt</c> is verified and decrypted from its bytes, <c>Content</c> is read by few routes.
/// </summary>
internal struct FieldText
{
    private string? _text;
    private ReadOnlyMemory<byte> _utf8;
    private bool _hasUtf8;
    private bool _trim;

    public readonly bool IsSet => _text is not null || _hasUtf8;

    /// <summary>The text, made from the bytes on first use (a race makes the same string twice, nothing worse).</summary>
    public string? Value => _text ??= _hasUtf8 ? Decode() : null;

    /// <summary>The bytes the scanner found, while no string has been set; empty otherwise.</summary>
    public readonly ReadOnlyMemory<byte> Utf8 => _hasUtf8 ? _utf8 : default;

    public readonly bool HasUtf8 => _hasUtf8;

    public void Set(string? text)
    {
        _text = text;
        _hasUtf8 = false;
    }

    /// <param name="utf8">Valid UTF-8 (the scanner checked the whole body).</param>
    /// <param name="trim">Trim the text once made, as <see cref="XmlFields"/> does for numbers and signatures.</param>
    public void Set(ReadOnlyMemory<byte> utf8, bool trim)
    {
        _text = null;
        _utf8 = utf8;
        _hasUtf8 = true;
        _trim = trim;
    }

    private readonly string Decode()
    {
        var text = Encoding.UTF8.GetString(_utf8.Span);
        return _trim ? text.Trim() : text;
    }
}
