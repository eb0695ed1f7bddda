using System.Text;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Protocol.Tests.Messages;

/// <summary>The reader's edges: the size limit, byte order marks, encoding declarations, stray text, and its reasons.</summary>
public sealed class WeChatXmlReaderBoundaryTests
{
    private const string Body = "<xml><ToUserName>g</ToUserName></xml>";

    [Fact]
    public void A_body_of_exactly_the_limit_is_read_one_byte_more_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(Body);

        Assert.Equal("g", WeChatXmlReader.Read(body, maxBytes: body.Length).ToUserName);
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(body, maxBytes: body.Length - 1));
        Assert.Equal(ProtocolError.TooLarge, error.Error);
        Assert.Contains($"the limit is {body.Length - 1}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFE, 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0x00 })]
    public void A_utf16_byte_order_mark_or_a_leading_nul_is_refused_as_not_utf8(byte[] prefix)
    {
        byte[] body = [.. prefix, .. Encoding.UTF8.GetBytes(Body)];
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(body));

        Assert.Equal(ProtocolError.NotXml, error.Error);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\" encoding = 'UTF-8' ?>")]
    [InlineData("<?xml version=\"1.0\"?>")]
    public void Utf8_declarations_in_any_spelling_are_read(string declaration)
    {
        Assert.Equal("g", WeChatXmlReader.Read(Encoding.UTF8.GetBytes(declaration + Body)).ToUserName);
    }

    [Fact]
    public void Only_the_declaration_is_searched_for_an_encoding()
    {
        var fields = WeChatXmlReader.Read(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><xml><Content>encoding=\"gbk\"</Content><ToUserName>g</ToUserName></xml>"));

        Assert.Equal("g", fields.ToUserName);
    }

    [Fact]
    public void Another_declared_encoding_is_refused_with_its_reason()
    {
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"GBK\"?>" + Body)));

        Assert.Equal(ProtocolError.NotXml, error.Error);
        Assert.Contains("encoding other than UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_xml_element_has_no_fields()
    {
        var fields = WeChatXmlReader.Read(Encoding.UTF8.GetBytes("<xml/>"));

        Assert.Null(fields.ToUserName);
        Assert.Null(fields.MsgType);
    }

    [Theory]
    [InlineData("<xml>stray<ToUserName>g</ToUserName></xml>", "Text outside elements")]
    [InlineData("<root><ToUserName>g</ToUserName></root>", "root element is not <xml>")]
    [InlineData("<!DOCTYPE xml><xml/>", "DTD")]
    [InlineData("<xml><ToUserName>g</xml>", "not well-formed")]
    [InlineData("<xml></xml>trailing", "not well-formed")]
    public void Refusals_say_why(string body, string reason)
    {
        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(Encoding.UTF8.GetBytes(body)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
